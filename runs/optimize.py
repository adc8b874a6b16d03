"""The best US policy under uncertainty: a multi-objective search over the US strategies and their parameters,
each candidate evaluated over sampled worlds (robust decision making).

Robust decision making (Lempert, Popper & Bankes 2003; Kasprzyk et al. 2013, many-objective robust decision
making; Kwakkel 2017, EMA Workbench): a policy is a US strategy with its parameters (the levers); the worlds are
samples of what we do not know (the uncertainties: by default `runs.sensitivity.default_uncertainties`, or those of
an experiment file). NSGA-II (Deb et al. 2002, optuna's `NSGAIISampler`) proposes a generation of policies at a
time; each policy is evaluated as one ensemble batch (every sampled world x `replicates` seeded runs), on the same
worlds and the same seeds for every policy (common random numbers). The two objectives are the durable share and
the mean US utility over all runs. The Pareto set is reported with each policy's robustness:

- `worst_decile_utility`, `worst_decile_durable`: the 10th percentile over worlds of the policy's per-world mean
  (how it does in the worst tenth of the worlds);
- `regret_utility`, `regret_durable`: its largest shortfall, over worlds, from the best policy evaluated in that
  world (Savage 1951's regret, relative to every policy the search evaluated).

The search space is every US strategy (a categorical lever) and every searched parameter of every US strategy
(each parameter's `search` range in its strategy's `Params`); parameters of strategies other than the chosen one are
drawn but unused, so the space is the same for every candidate and NSGA-II's crossover applies to all of it. The
first generation includes every US strategy at its defaults, so defaults are always among the candidates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from agents import strategies as registry
from model import assignment
from model.constants import MECHANISM
from model.errors import CeasefireError
from model.scenario import Scenario

DEFAULT_POPULATION = 10
DEFAULT_GENERATIONS = 4
DEFAULT_SAMPLES = 12
DEFAULT_REPLICATES = 4
"""The default budget: 40 policies x 48 runs (~2,000 runs of 52 weeks), a couple of minutes on a shared 2-core
machine."""


@dataclass(frozen=True)
class Worlds:
    """The sampled worlds a policy is evaluated over: one row per world, one column per uncertain override, and the
    number of seeded runs per world."""

    table: pd.DataFrame
    replicates: int
    seed: int
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return [c for c in self.table.columns if c != "sample"]

    @property
    def n(self) -> int:
        return len(self.table)

    def per_run(self) -> dict[str, np.ndarray]:
        """Each uncertain override, one value per run: world s's value for its `replicates` runs (run s*R + r)."""
        return {name: np.repeat(self.table[name].to_numpy(dtype=np.float64), self.replicates) for name in self.names}


def default_worlds(spec: Scenario, samples: int = DEFAULT_SAMPLES, replicates: int = DEFAULT_REPLICATES,
                   seed: int = 0) -> Worlds:
    """Latin hypercube samples of `runs.sensitivity.default_uncertainties(spec)` with the second edition's eight
    mechanism constants (seeded, apart from the runs' streams). Not `threat_period`: an ultimatum's deadline is a
    lever the search chooses (`or_else.deadline`), not an uncertainty of the world."""
    from scipy.stats import qmc

    from runs.sensitivity import SECOND_EDITION_MECHANISM, default_uncertainties

    unc = default_uncertainties(spec, SECOND_EDITION_MECHANISM)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x0F7111]))
    u = qmc.LatinHypercube(len(unc), rng=rng).random(samples)
    table = {"sample": np.arange(samples)}
    for i, x in enumerate(unc):
        values = x.low + u[:, i] * (x.high - x.low)
        if x.name.removeprefix("params.") in ("threat_period", "suspension_weeks", "durable_weeks"):
            values = np.maximum(1.0, np.round(values))
        table[x.name] = values
    return Worlds(table=pd.DataFrame(table), replicates=replicates, seed=seed)


def experiment_worlds(path: str) -> tuple[Scenario, Worlds]:
    """The scenario, sampled worlds, replicates, seed and turns of an experiment file (its levers are not used:
    the policies are what the search chooses)."""
    from runs import experiment

    exp = experiment.load(path)
    return exp.scenario, Worlds(table=exp.sample_table, replicates=exp.replicates, seed=exp.seed,
                                params=exp.params())


def search_space(us: Sequence[str]) -> dict[str, Any]:
    """The optuna distributions: `strategy` over `us`, and `NAME.PARAM` for every searched parameter of each."""
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

    space: dict[str, Any] = {"strategy": CategoricalDistribution(list(us))}
    for name in us:
        for f in registry.strategy_class(name).Params.specs():
            m = f.metadata
            if m["kind"] == "float" and m["search"] is not None:
                space[f"{name}.{f.name}"] = FloatDistribution(*m["search"])
            elif m["kind"] == "int" and m["search"] is not None:
                space[f"{name}.{f.name}"] = IntDistribution(*m["search"])
            elif m["kind"] == "bool" and m["search"]:
                space[f"{name}.{f.name}"] = CategoricalDistribution([False, True])
            elif m["kind"] == "choice" and m["search"]:
                space[f"{name}.{f.name}"] = CategoricalDistribution(list(m["options"]))
    return space


def defaults(name: str, space: Mapping[str, Any]) -> dict[str, Any]:
    """Strategy `name` at its defaults, in the search space's terms (an unset parameter at its mechanism constant)."""
    out: dict[str, Any] = {"strategy": name}
    for f in registry.strategy_class(name).Params.specs():
        key = f"{name}.{f.name}"
        if key not in space:
            continue
        value = f.default if f.default is not None else getattr(MECHANISM, f.metadata["mechanism"])
        dist = space[key]
        if hasattr(dist, "low"):
            value = min(max(value, dist.low), dist.high)
        out[key] = value
    return out


def policy(values: Mapping[str, Any]) -> registry.Choice:
    """The US policy a point of the search space stands for: its strategy with that strategy's parameters."""
    name = values["strategy"]
    prefix = f"{name}."
    params = {k.removeprefix(prefix): v for k, v in values.items() if k.startswith(prefix)}
    params = {k: _plain(v) for k, v in params.items()}
    return registry.Choice(name, params)


def _plain(value: Any) -> Any:
    """A search value as the policy uses it: whole numbers as int, reals to 3 decimals (a policy one can state)."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return round(float(value), 3)
    return value


def evaluate(spec: Scenario, choice: str, worlds: Worlds) -> pd.DataFrame:
    """One policy over every world: per world, the durable share and the mean US utility (one ensemble batch)."""
    from model.ensemble import run_replicates

    chosen, run_params = assignment.configure(spec, choice, None, None, worlds.params)
    per_run = worlds.per_run()
    if "params.threat_period" in per_run and "params.threat_period" in run_params:
        run_params.pop("params.threat_period")  # the world's deadline wins; a searched deadline is then moot
    runs = run_replicates(spec, runs=worlds.n * worlds.replicates, seed=worlds.seed, strategies=chosen,
                          params=run_params, per_run=per_run)
    sample = runs["replicate"].to_numpy() // worlds.replicates
    frame = pd.DataFrame({"sample": sample, "durable": (runs["outcome"].astype(str) == "durable").to_numpy(float),
                          "us_utility": runs["us_utility"].to_numpy(dtype=np.float64)})
    return frame.groupby("sample", sort=True).mean().reset_index()


def _evaluate_job(args: tuple[Scenario, str, Worlds]) -> pd.DataFrame:
    return evaluate(*args)


@dataclass
class Search:
    """A finished search: every candidate with its objectives and robustness, the Pareto set, per-world results."""

    scenario: str
    trials: pd.DataFrame
    pareto: pd.DataFrame
    per_world: pd.DataFrame
    worlds: Worlds
    settings: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        from runs.compare import json_rows

        return {**self.settings, "pareto": json_rows(self.pareto), "trials": json_rows(self.trials)}


def optimize(spec: Scenario, worlds: Worlds | None = None, us: Iterable[str] | None = None,
             population: int = DEFAULT_POPULATION, generations: int = DEFAULT_GENERATIONS, seed: int = 0,
             workers: int = 1, progress: Callable[[int], None] | None = None) -> Search:
    """Search the US policies for the Pareto set of durable share and US utility over `worlds`.

    Args:
        spec: a scenario with an actor USA.
        worlds: the sampled worlds (default: `default_worlds(spec, seed=seed)`).
        us: the US strategies searched (default: every US strategy).
        population: candidates per generation (NSGA-II's population).
        generations: generations evaluated.
        seed: seeds the sampler (and the default worlds): the same seed gives the same search.
        workers: local processes evaluating a generation's candidates side by side (same result for any number).
        progress: called with the number of candidates just evaluated.
    """
    import optuna

    if "USA" not in spec.actor_ids:
        raise CeasefireError(f"{spec.label}: the policy search needs an actor USA; actors: {', '.join(spec.actor_ids)}")
    check_budget(population, generations)
    us_list = list(registry.US_STRATEGIES if us is None else us)
    for name in us_list:
        assignment.check_strategy_name(name, "--us")
    worlds = worlds if worlds is not None else default_worlds(spec, seed=seed)
    space = search_space(us_list)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.NSGAIISampler(population_size=population, seed=seed)
    study = optuna.create_study(directions=["maximize", "maximize"], sampler=sampler)
    for name in us_list:
        study.enqueue_trial(defaults(name, space))

    executor = None
    if workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        executor = ProcessPoolExecutor(max_workers=workers)
    rows, per_world = [], []
    try:
        for generation in range(generations):
            trials = [study.ask(space) for _ in range(population)]
            choices = [policy(t.params) for t in trials]
            jobs = [(spec, c, worlds) for c in choices]
            results = list(executor.map(_evaluate_job, jobs)) if executor is not None else [_evaluate_job(j) for j in jobs]
            for trial, choice, result in zip(trials, choices, results, strict=True):
                durable, utility = float(result["durable"].mean()), float(result["us_utility"].mean())
                study.tell(trial, [durable, utility])
                rows.append({"trial": trial.number, "generation": generation, "strategy": str(choice),
                             "policy": choice.label, "params": dict(choice.params),
                             "p_durable": durable, "us_utility": utility})
                per_world.append(result.assign(trial=trial.number))
                if progress is not None:
                    progress(1)
    finally:
        if executor is not None:
            executor.shutdown(cancel_futures=True)
    table = pd.DataFrame(rows)
    worlds_table = pd.concat(per_world, ignore_index=True)
    table = table.merge(robustness(worlds_table), on="trial")
    table["pareto"] = pareto_mask(table[["p_durable", "us_utility"]].to_numpy())
    front = pareto_front(table)
    settings = {"scenario": spec.name, "seed": seed, "population": population, "generations": generations,
                "worlds": worlds.n, "replicates": worlds.replicates, "uncertainties": worlds.names,
                "us_strategies": us_list}
    return Search(scenario=spec.name, trials=table, pareto=front, per_world=worlds_table, worlds=worlds,
                  settings=settings)


OUTCOME_COLUMNS = ("p_durable", "us_utility", "worst_decile_durable", "worst_decile_utility", "regret_durable",
                   "regret_utility")


def pareto_front(trials: pd.DataFrame) -> pd.DataFrame:
    """The Pareto candidates, one row per distinct result: policies that played out identically in every run (their
    differing parameters never came into play, e.g. a deadline when every deal is signed in week 1) are one row,
    the first found, with `equivalent` counting the distinct policies and `policies` listing them."""
    front = trials[trials["pareto"]].drop_duplicates("policy")
    key = front[list(OUTCOME_COLUMNS)].round(12).astype(str).agg("|".join, axis=1)
    rows = []
    for _, group in front.groupby(key, sort=False):
        row = group.iloc[0].copy()
        row["equivalent"] = len(group)
        row["policies"] = list(group["policy"])
        rows.append(row)
    out = pd.DataFrame(rows)
    return out.sort_values(["p_durable", "us_utility"], ascending=[False, False]).reset_index(drop=True)


def check_budget(population: int, generations: int) -> None:
    if population < 2:
        raise CeasefireError(f"--population {population}: at least 2 policies per generation")
    if generations < 1:
        raise CeasefireError(f"--generations {generations}: at least 1")


def robustness(per_world: pd.DataFrame) -> pd.DataFrame:
    """Per trial: the worst decile over worlds of its durable share and US utility, and its largest regret over
    worlds against the best trial in each world."""
    util = per_world.pivot(index="trial", columns="sample", values="us_utility")
    durable = per_world.pivot(index="trial", columns="sample", values="durable")
    return pd.DataFrame({
        "trial": util.index.to_numpy(),
        "worst_decile_utility": util.quantile(0.1, axis=1).to_numpy(),
        "worst_decile_durable": durable.quantile(0.1, axis=1).to_numpy(),
        "regret_utility": (util.max(axis=0) - util).max(axis=1).to_numpy(),
        "regret_durable": (durable.max(axis=0) - durable).max(axis=1).to_numpy(),
    })


def pareto_mask(values: np.ndarray) -> np.ndarray:
    """(n,) True where no other row is at least as good on every objective and better on one (maximising)."""
    values = np.asarray(values, dtype=np.float64)
    n = values.shape[0]
    out = np.ones(n, dtype=bool)
    for i in range(n):
        dominated = np.all(values >= values[i], axis=1) & np.any(values > values[i], axis=1)
        out[i] = not dominated.any()
    return out


def budget(population: int, generations: int, worlds: Worlds) -> int:
    """Runs the search makes."""
    return population * generations * worlds.n * worlds.replicates


__all__ = ["Search", "Worlds", "budget", "default_worlds", "evaluate", "experiment_worlds", "optimize",
           "pareto_mask", "policy", "robustness", "search_space"]
