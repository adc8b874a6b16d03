"""The noisy tournament: every US strategy against every Russian strategy, with trembles, on common random numbers.

Axelrod's round robin (Axelrod 1980, 1984), adapted: the players are the two veto players of a scenario (USA and
RUS), the game is the scenario's run, the payoff is the run's outcome (durable ceasefire; US utility over the run).
With `noise` P, a share P of each player's weekly moves tremble: the move its strategy intended is replaced by one
drawn at random from the vocabulary (`agents.strategies.noise`), as in Axelrod's noisy tournaments (Bendor, Kramer
& Stout 1991; the Axelrod library's `noise`). The draws come from each player's own strategy stream, keyed by run,
turn and actor, so the same runs and weeks tremble, to the same moves, whatever the strategies: every cell is played
on common random numbers (replicate r of the master seed in every cell). Other actors play the scenario's strategies
and do not tremble.

Outputs (DataFrames):
- `matrix`: one row per (US strategy, Russian strategy) cell: runs, share durable with its Wilson interval, mean US
  utility with its bootstrap interval, mean Russian utility, share with a ceasefire ever signed.
- `standings`: one row per US strategy: mean and worst case (over Russian strategies) of the durable share and of US
  utility, the Russian strategy that gives the worst case, the regret (best US utility against a Russian strategy
  minus this one's, Savage 1951) at its worst, and `minimax_regret` True on the strategy whose worst regret is
  smallest; the same for the durable share (`max_regret_durable`). Ranked by worst-case regret in US utility.
- `russian_standings`: the same from Russia's side, in Russian utility.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from agents import strategies as registry
from model import assignment
from model.errors import CeasefireError
from model.scenario import Scenario
from runs.stats import bootstrap_mean_interval, wilson_interval

PLAYERS = ("USA", "RUS")
"""The two players: the US and Russia (actor ids), whose moves tremble."""


@dataclass
class Tournament:
    """A played tournament: the per-run table and the two summaries."""

    scenario: str
    noise: float
    runs_per_cell: int
    seed: int
    runs: pd.DataFrame
    matrix: pd.DataFrame
    standings: pd.DataFrame
    russian_standings: pd.DataFrame
    us_strategies: list[str] = field(default_factory=list)
    russian_strategies: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON values: the settings, the matrix and the standings (NaN as null)."""
        from runs.compare import json_rows

        return {"scenario": self.scenario, "noise": self.noise, "runs_per_cell": self.runs_per_cell, "seed": self.seed,
                "us_strategies": self.us_strategies, "russian_strategies": self.russian_strategies,
                "matrix": json_rows(self.matrix), "standings": json_rows(self.standings),
                "russian_standings": json_rows(self.russian_standings)}


def check_noise(noise: float) -> float:
    if not (np.isfinite(noise) and 0.0 <= noise <= 1.0):
        raise CeasefireError(f"--noise {noise}: a share of moves in [0, 1]")
    return float(noise)


def play(scenario: Scenario, us: Iterable[str] | None = None, russia: Iterable[str] | None = None,
         noise: float = 0.0, runs: int = 200, seed: int = 0, params: Mapping[str, Any] | None = None,
         strategy_params: Mapping[str, Mapping[str, Any]] | None = None, workers: int = 1,
         progress: Callable[[int], None] | None = None) -> Tournament:
    """Play every US strategy against every Russian strategy, `runs` replicates per cell.

    Args:
        scenario: a loaded scenario with actors USA and RUS.
        us, russia: the strategies (default: `agents.strategies.US_STRATEGIES`, `RUSSIA_STRATEGIES`).
        noise: the share of each player's weekly moves that tremble, in [0, 1].
        runs: replicates per cell (replicate r has the same seed in every cell).
        seed: the master seed.
        params: run parameter overrides (`params.NAME`, `ACTOR.field`), for every run.
        strategy_params: {strategy: {param: value}} for every actor playing that strategy.
        workers: local processes (the result does not depend on it).
        progress: called with the number of runs just finished.

    Raises:
        CeasefireError: no USA or RUS in the scenario, an unknown strategy or parameter, a bad noise.
    """
    from concurrent.futures import ProcessPoolExecutor

    from model.ensemble import DEFAULT_CHUNK, run_replicates

    noise = check_noise(noise)
    missing = [a for a in PLAYERS if a not in scenario.actor_ids]
    if missing:
        raise CeasefireError(f"{scenario.label}: the tournament needs actors {' and '.join(PLAYERS)}; "
                             f"this scenario has no {', '.join(missing)}")
    us_list = _names(us, registry.US_STRATEGIES, "--us")
    rus_list = _names(russia, registry.RUSSIA_STRATEGIES, "--russia")
    if strategy_params:
        in_use = [*us_list, *rus_list, *(a.strategy for a in scenario.actors)]
        assignment.check_strategy_params(strategy_params, in_use)
    executor = ProcessPoolExecutor(max_workers=workers) if workers > 1 else None
    chunk = max(50, -(-runs // (2 * workers))) if workers > 1 else DEFAULT_CHUNK
    frames = []
    try:
        for u in us_list:
            for r in rus_list:
                chosen, run_params = assignment.configure(scenario, u, {"RUS": r}, strategy_params, params,
                                                          in_use_only=True)
                for player in PLAYERS:
                    chosen[player] = assignment.choose(chosen[player], noise=noise)
                frames.append(run_replicates(scenario, runs=runs, seed=seed, strategies=chosen, params=run_params,
                                             chunk_size=chunk, executor=executor, progress=progress))
    finally:
        if executor is not None:
            executor.shutdown(cancel_futures=True)
    table = pd.concat(frames, ignore_index=True)
    table["us_strategy"] = table["us_strategy"].astype(str)
    table["strategy_RUS"] = table["strategy_RUS"].astype(str)
    table["noise"] = noise
    matrix = cell_table(table, seed=seed)
    return Tournament(scenario=scenario.name, noise=noise, runs_per_cell=runs, seed=seed, runs=table, matrix=matrix,
                      standings=standings(matrix), russian_standings=russian_standings(matrix),
                      # as the tables name them: a strategy given parameters by its label, or_else(deadline=6)
                      us_strategies=list(dict.fromkeys(table["us_strategy"])),
                      russian_strategies=list(dict.fromkeys(table["strategy_RUS"])))


def _names(value: Iterable[str] | None, default: Iterable[str], option: str) -> list[str]:
    names = list(default) if value is None else [str(v) for v in value]
    if not names:
        raise CeasefireError(f"{option}: no strategies")
    for name in names:
        assignment.check_strategy_name(name, option)
    if len(set(names)) != len(names):
        raise CeasefireError(f"{option}: a strategy is listed twice")
    return names


def cell_table(runs: pd.DataFrame, seed: int = 0, us_column: str = "us_strategy",
               other_column: str = "strategy_RUS") -> pd.DataFrame:
    """One row per (US strategy, Russian strategy): shares with Wilson intervals, means with bootstrap intervals."""
    rows = []
    us = list(dict.fromkeys(runs[us_column].astype(str)))
    rus = list(dict.fromkeys(runs[other_column].astype(str)))
    for i, u in enumerate(us):
        for j, r in enumerate(rus):
            sub = runs[(runs[us_column].astype(str) == u) & (runs[other_column].astype(str) == r)]
            n = len(sub)
            durable = int((sub["outcome"].astype(str) == "durable").sum())
            utility = sub["us_utility"].to_numpy(dtype=np.float64)
            rus_utility = sub["utility_RUS"].to_numpy(dtype=np.float64) if "utility_RUS" in sub else np.full(n, np.nan)
            lo, hi = bootstrap_mean_interval(utility, seed=seed + 1000 * i + j, resamples=1000)
            rows.append({
                "us_strategy": u, "rus_strategy": r, "runs": n,
                "p_durable": durable / n if n else np.nan, "p_durable_ci": list(wilson_interval(durable, n)),
                "us_utility": float(utility.mean()) if n else np.nan, "us_utility_ci": [lo, hi],
                "rus_utility": float(np.mean(rus_utility)) if n else np.nan,
                "p_ceasefire": float((sub["first_agreed_turn"].to_numpy() >= 0).mean()) if n else np.nan,
            })
    return pd.DataFrame(rows)


def _least(regret: pd.Series) -> np.ndarray:
    """True where the regret is the smallest (to within rounding): the minimax-regret choice."""
    return np.isclose(regret, regret.min(), rtol=0.0, atol=1e-12)


def standings(matrix: pd.DataFrame, side: str = "us") -> pd.DataFrame:
    """Per strategy of one side, "us" or "rus", in that side's utility over the other side's strategies: its mean
    and worst case, the durable share it ends in on average, and its worst-case regret (the side's best utility
    against an opposing strategy minus this one's), with `minimax_regret` on the smallest.

    The US table also gives the durable share's worst case and regret (`minimax_regret_durable`) and a rank: sorted
    by regret, then by mean utility. Russia's is sorted by regret alone."""
    if side not in ("us", "rus"):
        raise ValueError(f"side is us or rus, not {side!r}")
    me, other = f"{side}_strategy", "rus_strategy" if side == "us" else "us_strategy"
    order = list(dict.fromkeys(matrix[me]))
    util = matrix.pivot(index=me, columns=other, values=f"{side}_utility").reindex(order)
    durable = matrix.pivot(index=me, columns=other, values="p_durable").reindex(order)
    utility = {f"mean_{side}_utility": util.mean(axis=1).to_numpy(),
               f"worst_{side}_utility": util.min(axis=1).to_numpy(),
               f"worst_{side}_utility_against": util.idxmin(axis=1).to_numpy()}
    mean_durable = durable.mean(axis=1).to_numpy()
    max_regret = (util.max(axis=0) - util).max(axis=1).to_numpy()
    if side == "rus":
        out = pd.DataFrame({me: order, **utility, "mean_p_durable": mean_durable, "max_regret": max_regret})
        out["minimax_regret"] = _least(out["max_regret"])
        return out.sort_values("max_regret", kind="stable").reset_index(drop=True)
    out = pd.DataFrame({
        me: order,
        "mean_p_durable": mean_durable,
        "worst_p_durable": durable.min(axis=1).to_numpy(),
        "worst_p_durable_against": durable.idxmin(axis=1).to_numpy(),
        **utility,
        "max_regret": max_regret,
        "max_regret_durable": (durable.max(axis=0) - durable).max(axis=1).to_numpy(),
    })
    out["minimax_regret"] = _least(out["max_regret"])
    out["minimax_regret_durable"] = _least(out["max_regret_durable"])
    out = out.sort_values(["max_regret", "mean_us_utility"], ascending=[True, False], kind="stable")
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out.reset_index(drop=True)


def russian_standings(matrix: pd.DataFrame) -> pd.DataFrame:
    """`standings` from Russia's side, in Russian utility."""
    return standings(matrix, side="rus")
