"""Comparing strategies: a ranked table per US strategy with 95% intervals and paired differences against a
baseline on common random numbers, and a US x Russia matrix with the minimax-regret US strategy.

Every function takes the tidy per-run table (from `run_strategies`, `model.ensemble.run_replicates` or a batch's
`runs.batch.load_results`) and returns a DataFrame.

- Shares (ceasefire ever agreed, durable at the end, in force at the end, collapsed) have Wilson score intervals.
- Means (US concession, US utility, casualties) have percentile bootstrap intervals.
- The paired difference against the baseline pairs each run with the baseline's run on the same replicate (and
  sample, and any other lever): the same random numbers and the same sampled world, so what differs is the
  strategy. Its interval is the bootstrap interval of the mean of the per-pair differences.
- Ranking: share durable (a ceasefire in force at the end that has held `durable_weeks`), then mean US utility
  (both higher first).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from model.errors import CeasefireError
from runs.stats import bootstrap_mean_interval, wilson_interval

MAX_BOOTSTRAP_VALUES = 200_000
"""Above this many values a mean's bootstrap uses fewer resamples (the interval is then ~normal anyway)."""

ROW_KEYS = (
    "rank", "strategy", "runs",
    "p_ceasefire", "p_ceasefire_ci", "p_holding", "p_holding_ci", "p_collapsed", "p_collapsed_ci",
    "median_first_turn", "median_turns_held",
    "p_durable", "p_durable_ci", "mean_weeks_under_ceasefire", "mean_weeks_under_ceasefire_ci",
    "mean_longest_truce", "mean_longest_truce_ci",
    "mean_us_concession", "mean_us_concession_ci", "mean_us_utility", "mean_us_utility_ci",
    "mean_casualties", "mean_casualties_ci",
    "diff_vs_baseline", "diff_vs_baseline_ci", "diff_us_utility_vs_baseline", "diff_us_utility_vs_baseline_ci",
)
"""Columns of `strategy_table` (and keys of each `compare --json` row)."""

PAIR_KEYS = ("sample", "replicate")


def _resamples(n: int) -> int:
    # Efron & Tibshirani (1993): ~1,000 resamples suffice for a percentile interval; more only for small samples.
    return 2000 if n <= 2000 else (1000 if n <= MAX_BOOTSTRAP_VALUES else 500)


def _mean_ci(values: np.ndarray, seed: int) -> tuple[float, list[float]]:
    values = np.asarray(values, dtype=np.float64)
    lo, hi = bootstrap_mean_interval(values, seed=seed, resamples=_resamples(values.size))
    return float(np.mean(values)) if values.size else float("nan"), [lo, hi]


def _share(mask: np.ndarray) -> tuple[float, list[float]]:
    n, k = int(mask.size), int(np.count_nonzero(mask))
    lo, hi = wilson_interval(k, n)
    if not n:
        return float("nan"), [lo, hi]
    return k / n, [lo, hi]


def _median(values: np.ndarray) -> float:
    return float(np.median(values)) if values.size else float("nan")


def pair_keys(runs: pd.DataFrame, group: str = "us_strategy") -> list[str]:
    """Columns that identify a run apart from the compared strategy: sample and replicate, and every other
    strategy column (another lever such as Russia's strategy)."""
    keys = [k for k in PAIR_KEYS if k in runs.columns]
    if "replicate" not in keys:
        raise CeasefireError("the runs table has no 'replicate' column: cannot pair runs on common random numbers")
    compared = "strategy_USA" if group == "us_strategy" else None
    others = [c for c in runs.columns if c.startswith("strategy_") and c != compared and c != group]
    return keys + [c for c in others if runs[c].nunique() > 1]


def paired_difference(runs: pd.DataFrame, strategy: str, baseline: str, column: str, group: str = "us_strategy",
                      seed: int = 0) -> tuple[float, list[float], int]:
    """Mean of (strategy - baseline) over runs paired on common random numbers; its bootstrap interval; pairs."""
    keys = pair_keys(runs, group)
    a = runs.loc[runs[group] == strategy, [*keys, column]]
    b = runs.loc[runs[group] == baseline, [*keys, column]]
    merged = a.merge(b, on=keys, suffixes=("", "_base"), validate="one_to_one")
    if merged.empty:
        return float("nan"), [float("nan"), float("nan")], 0
    diff = merged[column].to_numpy(dtype=np.float64) - merged[f"{column}_base"].to_numpy(dtype=np.float64)
    mean, ci = _mean_ci(diff, seed)
    return mean, ci, int(len(diff))


def strategy_table(runs: pd.DataFrame, baseline: str | None = "concede", group: str = "us_strategy",
                   seed: int = 0) -> pd.DataFrame:
    """The ranked table: one row per strategy (columns `ROW_KEYS`; intervals are [lo, hi] lists).

    `p_holding` is the share with a ceasefire in force at the end (durable or recent); `diff_vs_baseline` is the
    paired difference in the durable share; `diff_us_utility_vs_baseline`
    the paired difference in US utility. Both are NaN when no baseline is given.
    """
    if runs.empty:
        raise CeasefireError("no runs to compare")
    if group not in runs.columns:
        raise CeasefireError(f"the runs table has no column {group!r}")
    names = list(dict.fromkeys(runs[group].tolist()))
    if baseline is not None and baseline not in names:
        raise CeasefireError(f"--baseline {baseline}: not among the strategies compared ({', '.join(names)})")
    runs = runs.assign(_durable=(runs["outcome"] == "durable").astype(np.float64))
    in_force = runs["outcome"].isin(["durable", "holding"]).to_numpy()
    rows: list[dict[str, Any]] = []
    for i, name in enumerate(names):
        sub = runs[runs[group] == name]
        agreed = sub["first_agreed_turn"].to_numpy() >= 0
        row: dict[str, Any] = {"strategy": name, "runs": int(len(sub))}
        row["p_ceasefire"], row["p_ceasefire_ci"] = _share(agreed)
        row["p_holding"], row["p_holding_ci"] = _share(in_force[(runs[group] == name).to_numpy()])
        row["p_durable"], row["p_durable_ci"] = _share(sub["outcome"].to_numpy() == "durable")
        row["p_collapsed"], row["p_collapsed_ci"] = _share(sub["outcome"].to_numpy() == "collapsed")
        row["median_first_turn"] = _median(sub["first_agreed_turn"].to_numpy()[agreed])
        row["median_turns_held"] = _median(sub["turns_held"].to_numpy()[agreed])
        for j, col in enumerate(("us_concession", "us_utility", "casualties", "weeks_under_ceasefire", "longest_truce")):
            row[f"mean_{col}"], row[f"mean_{col}_ci"] = _mean_ci(sub[col].to_numpy(), seed=seed + 101 * i + j)
        for out_key, col in (("diff_vs_baseline", "_durable"), ("diff_us_utility_vs_baseline", "us_utility")):
            if baseline is None:
                row[out_key], row[f"{out_key}_ci"] = float("nan"), [float("nan"), float("nan")]
            else:
                row[out_key], row[f"{out_key}_ci"], _ = paired_difference(runs, name, baseline, col, group, seed + 7 * i)
        rows.append(row)
    table = pd.DataFrame(rows)
    table = table.sort_values(["p_durable", "mean_us_utility"], ascending=[False, False], kind="stable")
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    return table.reset_index(drop=True)[list(ROW_KEYS)]


def versus_matrix(runs: pd.DataFrame, us_column: str = "us_strategy", other_column: str = "strategy_RUS") -> pd.DataFrame:
    """US strategy x Russian strategy: share durable and mean US utility per cell; the regret of each US strategy
    against each Russian strategy (best US utility against it minus this one's), its worst-case regret, and
    `minimax_regret` True on the US strategy whose worst-case regret is smallest (Savage 1951).

    Columns: us_strategy, then `p_durable:<rus>` and `us_utility:<rus>` per Russian strategy, `max_regret`,
    `minimax_regret`.
    """
    if other_column not in runs.columns:
        raise CeasefireError(f"the runs table has no column {other_column!r}")
    us = list(dict.fromkeys(runs[us_column].tolist()))
    rus = list(dict.fromkeys(runs[other_column].tolist()))
    grouped = runs.assign(_durable=(runs["outcome"] == "durable")).groupby([us_column, other_column], sort=False, observed=True)
    durable = grouped["_durable"].mean().unstack(other_column).reindex(index=us, columns=rus)
    utility = grouped["us_utility"].mean().unstack(other_column).reindex(index=us, columns=rus)
    regret = utility.max(axis=0) - utility
    max_regret = regret.max(axis=1)
    out = pd.DataFrame({"us_strategy": us})
    for r in rus:
        out[f"p_durable:{r}"] = durable[r].to_numpy()
    for r in rus:
        out[f"us_utility:{r}"] = utility[r].to_numpy()
    out["max_regret"] = max_regret.to_numpy()
    out["minimax_regret"] = out["max_regret"] == out["max_regret"].min()
    return out


def resolve_strategies(value: str | None, allowed: Sequence[str], default: Sequence[str], option: str) -> list[str]:
    """`all` or a comma-separated list of strategy names, checked against the registry."""
    from agents import strategies

    if value is None or not value.strip():
        return list(default)
    if value.strip() == "all":
        return list(allowed)
    names = [v.strip() for v in value.split(",") if v.strip()]
    for name in names:
        if name not in strategies.names():
            raise CeasefireError(f"{option} {name}: unknown strategy; allowed: {', '.join(strategies.names())}")
    if len(set(names)) != len(names):
        raise CeasefireError(f"{option}: a strategy is listed twice")
    return names


def split_strategies(value: str) -> list[str]:
    """A comma-separated list of strategies, where a strategy may carry its parameters with commas of its own:
    `concede,or_else(deadline=6, enforce=false)` is two."""
    items, depth, current = [], 0, ""
    for ch in value:
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth == 0:
            items.append(current)
            current = ""
        else:
            current += ch
    items.append(current)
    return [item.strip() for item in items if item.strip()]


def resolve_labels(value: str, labels: Sequence[str], option: str, source: str) -> list[str]:
    """The labels of a results table that `value` names: `all`, or a comma-separated list of labels
    (`or_else(deadline=6)`, in any spelling `model.assignment.parse_choice` reads) or plain names (a plain name
    selects every label of that strategy: `or_else` gives `or_else(deadline=2)` and `or_else(deadline=6)`)."""
    from agents import strategies
    from model.assignment import parse_choice

    if value.strip() == "all":
        return list(labels)
    out: list[str] = []
    for item in split_strategies(value):
        if item in labels:
            found = [item]
        else:
            written = strategies.label(parse_choice(item, option))
            found = [written] if written in labels else [
                label for label in labels if "(" not in item and label.partition("(")[0] == item]
        if not found:
            raise CeasefireError(f"{option} {item}: not in {source} ({', '.join(labels)})")
        out.extend(label for label in found if label not in out)
    return out


def resolve_baseline(baseline: str, labels: Sequence[str], source: str) -> str:
    """The one label `baseline` names (a label, or a plain name played with one set of parameters only)."""
    if baseline in labels:
        return baseline
    found = resolve_labels(baseline, labels, "--baseline", source)
    if len(found) != 1:
        raise CeasefireError(f"--baseline {baseline}: {'names several of' if found else 'not among'} the strategies "
                             f"compared ({', '.join(labels)}); give one of them")
    return found[0]


def run_strategies(scenario: Any, us_strategies: Iterable[str], runs: int, seed: int = 0,
                   russia: Iterable[str] | None = None, params: dict[str, float] | None = None,
                   progress: Any = None, workers: int = 1, strategies: dict[str, str] | None = None,
                   strategy_params: dict[str, dict[str, Any]] | None = None) -> pd.DataFrame:
    """Run `runs` replicates of each US strategy (x each Russian strategy) on the same master seed: common random
    numbers, paired by `replicate`. One tidy row per run. `workers` > 1 spreads the chunks over local processes
    (the result is the same). `strategies` sets other actors' strategies (ACTOR -> name) for every run;
    `progress` is called with the number of runs just finished. `strategy_params` ({strategy: {param: value}})
    applies to every actor playing that strategy (`model.assignment`)."""
    import math

    from model import assignment
    from model.ensemble import DEFAULT_CHUNK, run_replicates, strategy_categories
    from runs.processes import WorkerPool

    us_strategies, russia = list(us_strategies), (list(russia) if russia is not None else None)
    if strategy_params:
        in_use = [*us_strategies, *(russia or []), *(strategies or {}).values(), *(a.strategy for a in scenario.actors)]
        assignment.check_strategy_params(strategy_params, in_use)

    # Enough chunks per strategy to keep every worker busy, never more than the engine's default size.
    chunk = min(DEFAULT_CHUNK, max(500, math.ceil(runs / (2 * workers)))) if workers > 1 else DEFAULT_CHUNK
    executor = WorkerPool(workers) if workers > 1 else None  # spawned workers: see runs/processes.py
    try:
        frames = []
        for us in us_strategies:
            for rus in (list(russia) if russia is not None else [None]):
                others = dict(strategies or {}) | ({"RUS": rus} if rus else {})
                chosen, run_params = assignment.configure(scenario, us, others or None, strategy_params, params,
                                                          in_use_only=True)
                frames.append(run_replicates(scenario, runs=runs, seed=seed, strategies=chosen, params=run_params,
                                             progress=progress, chunk_size=chunk, executor=executor))
    except BaseException:  # stopped (Ctrl-C, SIGTERM) or failed: end the workers now, not after their chunks
        if executor is not None:
            executor.stop()
            executor = None
        raise
    finally:
        if executor is not None:
            executor.shutdown(cancel_futures=True)
    return strategy_categories(pd.concat(frames, ignore_index=True))


def agreed_by_turn(runs: pd.DataFrame, turns: int, group: str = "us_strategy",
                   order: Iterable[str] | None = None) -> pd.DataFrame:
    """Share of runs with a first ceasefire by each turn 0..turns, one column per group value (runs that never
    agree count as not yet agreed: censored at the last turn). 1 minus this is the survival curve."""
    keys = runs[group].astype(str)
    names = list(order) if order is not None else list(dict.fromkeys(keys))
    t = np.arange(0, turns + 1)
    out = {}
    for name in names:
        first = runs.loc[keys == name, "first_agreed_turn"].to_numpy()
        agreed = (first[None, :] >= 0) & (first[None, :] <= t[:, None])
        out[name] = agreed.mean(axis=1) if first.size else np.zeros(t.size)
    return pd.DataFrame(out, index=pd.RangeIndex(0, turns + 1, name="turn"))


def json_rows(table: pd.DataFrame) -> list[dict[str, Any]]:
    """The table's rows as plain JSON values (NaN as null)."""

    def clean(v: Any) -> Any:
        if isinstance(v, list | tuple | np.ndarray):
            return [clean(x) for x in v]
        if isinstance(v, np.bool_ | bool):
            return bool(v)
        if isinstance(v, np.integer):
            return int(v)
        if isinstance(v, float | np.floating):
            return None if not np.isfinite(v) else float(v)
        return v

    return [{k: clean(v) for k, v in row.items()} for row in table.to_dict(orient="records")]
