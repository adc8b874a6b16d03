"""Validation against historical cases: run a case file's scenario over N seeded replicates and check its
`[expected]` table (DESIGN section 7; the keys are documented in `docs/validation.md`).

Every case runs with the one set of mechanism constants in `model.constants` (the calibrated set by default) and the
scenario's own numbers and (historical) strategies; nothing here is set per case. A criterion bounds a statistic of
the N runs (a share, or a median among the runs that agree) from below (`_min`) or above (`_max`); a counterfactual
(`[[expected.versus]]`) runs a named variant of the case on the same seeds and requires a difference of at least D in
a named statistic. A criterion passes when the point estimate meets its bound; the 95% interval (Wilson for shares,
percentile bootstrap for medians and for paired differences) is shown beside it so a reader can see whether a verdict
is within sampling noise.

An ablation (`--ablate NAME`) switches one mechanism off in every run of every case, through parameters and
strategies the model already accepts (`ABLATIONS`), so the table shows which mechanisms each case needs.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from model import scenario as scenario_module
from model.errors import CeasefireError
from model.scenario import Scenario
from runs.stats import wilson_interval

# --------------------------------------------------------------------------------------------------------------------
# Statistics a criterion can bound


@dataclass(frozen=True)
class Statistic:
    """A simulated quantity an `[expected]` key bounds: a share of all runs, or a median among runs that agree."""

    name: str
    kind: str  # "share" or "median"
    meaning: str
    column: Callable[[pd.DataFrame], np.ndarray]
    """Per-run values: 0/1 for a share; the measured number for a median (NaN where the run does not count)."""

    def value(self, values: np.ndarray) -> float:
        if self.kind == "share":
            return float(np.mean(values)) if values.size else float("nan")
        kept = values[~np.isnan(values)]
        return float(np.median(kept)) if kept.size else float("nan")


def _in_force(df: pd.DataFrame) -> np.ndarray:
    return df["outcome"].isin(["durable", "holding"]).to_numpy()


def _among_agreed(df: pd.DataFrame, column: str) -> np.ndarray:
    return np.where(df["ever_agreed"].to_numpy(bool), df[column].to_numpy(np.float64), np.nan)


_FIXED_STATISTICS: dict[str, tuple[str, str, Callable[[pd.DataFrame], np.ndarray]]] = {
    "agreed_share": ("share", "share of runs in which a ceasefire was ever agreed",
                     lambda df: df["ever_agreed"].to_numpy(bool).astype(float)),
    "holding_share": ("share", "share of runs ending with a ceasefire in force (durable or recent)",
                      lambda df: _in_force(df).astype(float)),
    "durable_share": ("share", "share of runs ending with a ceasefire in force that has held durable_weeks",
                      lambda df: (df["outcome"].to_numpy() == "durable").astype(float)),
    "collapsed_share": ("share", "share of runs in which a ceasefire was agreed and none is in force at the end",
                        lambda df: (df["outcome"].to_numpy() == "collapsed").astype(float)),
    "first_agreed_median": ("median", "median week of the first agreement, among runs that agree",
                            lambda df: _among_agreed(df, "first_agreed_turn")),
    "held_median": ("median", "median weeks under any ceasefire (summed over repeated ones), among runs that agree",
                    lambda df: _among_agreed(df, "turns_held")),
}
_WEEK_STATISTICS = {
    "agreed_by_week": "share of runs whose first agreement came in week {n} or earlier",
    "truce_lasting": "share of runs in which some truce lasted at least {n} weeks (one in force at the end counts "
                     "with its age)",
}
_WEEK_PATTERN = re.compile(r"^(agreed_by_week|truce_lasting)_(\d+)$")


def statistic(name: str) -> Statistic | None:
    """The statistic called `name` (e.g. `durable_share`, `agreed_by_week_14`, `truce_lasting_4`), or None."""
    if name in _FIXED_STATISTICS:
        kind, meaning, column = _FIXED_STATISTICS[name]
        return Statistic(name, kind, meaning, column)
    match = _WEEK_PATTERN.match(name)
    if match is None:
        return None
    family, n = match.group(1), int(match.group(2))
    if family == "agreed_by_week":
        def column(df: pd.DataFrame, n: int = n) -> np.ndarray:
            first = df["first_agreed_turn"].to_numpy()
            return ((first >= 0) & (first <= n)).astype(float)
    else:
        def column(df: pd.DataFrame, n: int = n) -> np.ndarray:
            return (df["longest_truce"].to_numpy() >= n).astype(float)
    return Statistic(name, "share", _WEEK_STATISTICS[family].format(n=n), column)


STATISTIC_NAMES = (*_FIXED_STATISTICS, "agreed_by_week_N", "truce_lasting_N")
"""What an `[expected]` key may bound (N a whole number of weeks); a key is `<statistic>_min` or `<statistic>_max`."""

# --------------------------------------------------------------------------------------------------------------------
# Criteria and counterfactuals, parsed from `[expected]`


@dataclass(frozen=True)
class Criterion:
    """`<statistic>_min = bound` or `<statistic>_max = bound`."""

    key: str
    stat: Statistic
    side: str  # "min" or "max"
    bound: float


@dataclass(frozen=True)
class Versus:
    """A counterfactual: the case with some fields, parameters or strategies changed must differ from the case
    itself by at least `by` in `stat` (lower or higher)."""

    name: str
    why: str
    spec: Scenario  # the variant scenario (fields edited)
    params: dict[str, float]  # per-run overrides of the variant (ACTOR.field, params.NAME, ISSUE.status_quo)
    strategies: dict[str, str]
    stat: Statistic
    direction: str  # "lower" or "higher"
    by: float
    changes: dict[str, Any]

    @property
    def key(self) -> str:
        return f"versus {self.name!r}"


VERSUS_KEYS = ("name", "why", "set", "strategy", "outcome", "lower_by", "higher_by")


def _fail(label: str, where: str, message: str) -> CeasefireError:
    return CeasefireError(f"{label}: [expected]{where}: {message}")


def _number(label: str, where: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _fail(label, where, f"must be a number (got {value!r})")
    return float(value)


def _criterion(label: str, key: str, value: Any) -> Criterion:
    base, _, side = key.rpartition("_")
    stat = statistic(base) if side in ("min", "max") else None
    if stat is None:
        raise _fail(label, "", f"unknown key {key!r}; allowed: description, versus, and <statistic>_min or "
                               f"<statistic>_max for statistic in {', '.join(STATISTIC_NAMES)}")
    bound = _number(label, f".{key}", value)
    if stat.kind == "share" and not 0.0 <= bound <= 1.0:
        raise _fail(label, f".{key}", f"a share must be in [0, 1] (got {value!r})")
    if stat.kind == "median" and bound < 0:
        raise _fail(label, f".{key}", f"a number of weeks must be >= 0 (got {value!r})")
    return Criterion(key=key, stat=stat, side=side, bound=bound)


def _variant(spec: Scenario, where: str, name: str, changes: Any) -> tuple[Scenario, dict[str, float]]:
    """The variant scenario (fields edited in the file's data) and its per-run overrides."""
    from model.world import allowed_override_names

    label = spec.label
    if not isinstance(changes, dict):
        raise _fail(label, f"{where}.set", "must be a table of NAME = VALUE")
    allowed = set(allowed_override_names(spec))
    params: dict[str, float] = {}
    edits: dict[str, Any] = {}
    for key, value in changes.items():
        if key in allowed and not isinstance(value, bool):
            params[key] = _number(label, f"{where}.set.{key}", value)
        else:
            edits[key] = value
    if not edits:
        return spec, params
    data = copy.deepcopy(scenario_module.load_data(spec.path or spec.name))
    actor_fields = set(scenario_module.Actor.model_fields) - {"id"}
    issue_fields = set(scenario_module.Issue.model_fields) - {"id"}
    for key, value in edits.items():
        owner, _, attr = key.partition(".")
        actors = {a.get("id"): a for a in data.get("actors", [])}
        issues = {i.get("id"): i for i in data.get("issues", [])}
        if owner in actors and attr in actor_fields:
            actors[owner][attr] = value
        elif owner in issues and attr in issue_fields:
            issues[owner][attr] = value
        elif owner == "params" and attr in scenario_module.Params.model_fields:
            data.setdefault("params", {})[attr] = value
        else:
            raise _fail(label, f"{where}.set", f"variant {name!r} names unknown field {key!r}; allowed: ACTOR.FIELD "
                                               f"for ACTOR in {', '.join(spec.actor_ids)}, ISSUE.FIELD for ISSUE in "
                                               f"{', '.join(spec.issue_ids)}, or params.NAME")
    variant = scenario_module.parse(data, f"{label} [versus {name!r}]")
    return variant, params


def _versus(spec: Scenario, n: int, raw: Any) -> Versus:
    from model.assignment import assign
    from model.world import allowed_override_names

    label = spec.label
    where = f".versus[{n}]"
    if not isinstance(raw, dict):
        raise _fail(label, where, "must be a table ([[expected.versus]])")
    unknown = sorted(set(raw) - set(VERSUS_KEYS))
    if unknown:
        raise _fail(label, where, f"unknown key {unknown[0]!r}; allowed: {', '.join(VERSUS_KEYS)}")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _fail(label, f"{where}.name", "a counterfactual needs a name (string)")
    why = raw.get("why", "")
    if not isinstance(why, str):
        raise _fail(label, f"{where}.why", "must be a string")
    outcome = raw.get("outcome")
    stat = statistic(outcome) if isinstance(outcome, str) else None
    if stat is None:
        raise _fail(label, f"{where}.outcome", f"unknown outcome {outcome!r}; allowed: {', '.join(STATISTIC_NAMES)}")
    sides = [k for k in ("lower_by", "higher_by") if k in raw]
    if len(sides) != 1:
        raise _fail(label, where, "give exactly one of lower_by, higher_by (the difference required)")
    by = _number(label, f"{where}.{sides[0]}", raw[sides[0]])
    if by < 0:
        raise _fail(label, f"{where}.{sides[0]}", f"must be >= 0 (got {by!r})")
    changes = raw.get("set", {})
    strategies = raw.get("strategy", {})
    if not isinstance(strategies, dict) or not all(isinstance(v, str) for v in strategies.values()):
        raise _fail(label, f"{where}.strategy", "must be a table of ACTOR = \"strategy name\"")
    if not changes and not strategies:
        raise _fail(label, where, f"variant {name!r} changes nothing; give set = {{...}} or strategy = {{...}}")
    variant, params = _variant(spec, where, name, changes)
    try:
        assign(variant, overrides=strategies)
    except CeasefireError as exc:
        raise _fail(label, f"{where}.strategy", str(exc).split(": ", 1)[-1]) from None
    for key in params:
        if key not in allowed_override_names(variant):  # pragma: no cover - checked in _variant
            raise _fail(label, f"{where}.set", f"unknown field {key!r}")
    return Versus(name=name, why=why, spec=variant, params=params, strategies=dict(strategies), stat=stat,
                  direction=sides[0].removesuffix("_by"), by=by, changes=dict(changes) | {"strategy": dict(strategies)})


def expected_criteria(spec: Scenario) -> tuple[list[Criterion], list[Versus]]:
    """The criteria and counterfactuals of a case's `[expected]` table; CeasefireError (one line naming the file
    and key) on a missing table, an unknown key or outcome, a value of the wrong type, or a variant naming an unknown
    field, actor or strategy."""
    label = spec.label
    if not spec.expected:
        raise CeasefireError(f"{label}: no [expected] table; a validation case needs one (keys: <statistic>_min or "
                             f"_max for statistic in {', '.join(STATISTIC_NAMES)}, and [[expected.versus]])")
    criteria: list[Criterion] = []
    versus: list[Versus] = []
    for key, value in spec.expected.items():
        if key == "description":
            if not isinstance(value, str):
                raise _fail(label, ".description", "must be a string")
        elif key == "versus":
            if not isinstance(value, list):
                raise _fail(label, ".versus", "must be an array of tables ([[expected.versus]])")
            versus += [_versus(spec, n, raw) for n, raw in enumerate(value)]
        else:
            criteria.append(_criterion(label, key, value))
    if not criteria and not versus:
        raise _fail(label, "", f"has no criteria; keys: <statistic>_min or _max for statistic in "
                               f"{', '.join(STATISTIC_NAMES)}, or [[expected.versus]]")
    return criteria, versus


# --------------------------------------------------------------------------------------------------------------------
# Ablations: one mechanism off, through parameters and strategies the model already accepts


@dataclass(frozen=True)
class Ablation:
    """A mechanism switched off in every run: overrides for a scenario, and optionally strategy parameters
    ({strategy: {param: value}}) given to every actor that plays one of those strategies."""

    name: str
    meaning: str
    overrides: Callable[[Scenario], dict[str, float]]
    strategy_params: dict[str, dict[str, Any]] = field(default_factory=dict)


def _every_actor(field_name: str, value: float) -> Callable[[Scenario], dict[str, float]]:
    return lambda spec: {f"{a}.{field_name}": value for a in spec.actor_ids}


def _without_enforcement() -> dict[str, dict[str, Any]]:
    """`enforce = false` for every strategy that has that parameter (`or_else` and the strategies built on its
    ultimatum): it may still threaten, but the threat lapses at signing instead of staying as an enforcement clause."""
    from agents import strategies

    return {name: {"enforce": False} for name in strategies.names()
            if "enforce" in strategies.get(name).Params.names()}


ABLATIONS: dict[str, Ablation] = {a.name: a for a in (
    Ablation("learning", "beliefs never move: params.prior_weeks = 1e9 (a prior worth a billion weeks of battles)",
             lambda spec: {"params.prior_weeks": 1e9}),
    Ablation("costs", "no costs of no deal: every ACTOR.no_deal_cost = 0 and params.loss_weight = 0",
             lambda spec: _every_actor("no_deal_cost", 0.0)(spec) | {"params.loss_weight": 0.0}),
    Ablation("enforcement", "no enforcement clauses: every strategy's `enforce` parameter false (threats lapse at "
                            "signing)", lambda spec: {}, strategy_params=_without_enforcement()),
    Ablation("audience", "no audience costs: every ACTOR.audience_cost = 0",
             _every_actor("audience_cost", 0.0)),
    Ablation("patrons", "no patron restraint: every ACTOR.leverage = 0 (a client loses nothing by breaking its "
                        "patron's truce but the patron's own force)",
             _every_actor("leverage", 0.0)),
    Ablation("sanctions", "sanctions harmless: every ACTOR.sanction_harm = 0",
             _every_actor("sanction_harm", 0.0)),
    Ablation("weariness", "costs do not accumulate: params.resolve_wear = 0 (resolve never wears)",
             lambda spec: {"params.resolve_wear": 0.0}),
)}
"""The mechanisms `--ablate` can switch off (DESIGN section 7: learning, costs of no deal, enforcement; plus audience
costs, patrons, sanctions and war weariness)."""


def ablation(name: str) -> Ablation:
    if name not in ABLATIONS:
        raise CeasefireError(f"--ablate {name!r}: unknown mechanism; allowed: {', '.join(ABLATIONS)}")
    return ABLATIONS[name]


# --------------------------------------------------------------------------------------------------------------------
# Running a case


def run_case(spec: Scenario, runs: int, seed: int, params: Mapping[str, Any] | None = None,
             strategies: Mapping[str, str] | None = None,
             strategy_params: Mapping[str, Mapping[str, Any]] | None = None,
             prepare: Callable[[Any], None] | None = None, progress: Any = None) -> pd.DataFrame:
    """Replicates 0..runs-1 of `seed`: `model.ensemble.run_replicates`, or, when the world is prepared by hand (a
    test that breaks a mechanism on purpose), the same loop written out here. `strategy_params` are given to the
    actors that play those strategies (others are passed over); an ultimatum's deadline reaches the rules as the
    run's threat_period, as in every command (`model.assignment.configure`)."""
    from model import assignment
    from model.ensemble import run_replicates

    chosen, overrides = assignment.configure(spec, None, strategies, strategy_params, params, in_use_only=True)
    if prepare is None:
        return run_replicates(spec, runs=runs, seed=seed, strategies=chosen, params=overrides, progress=progress)
    from model.outcomes import summarize
    from model.rng import replicate_keys
    from model.turn import advance, start
    from model.world import build_world

    world = build_world(spec, replicate_keys(seed, 0, runs), overrides)
    prepare(world)
    actors = assignment.instances(spec, chosen)
    start(world)
    for _ in range(world.turns):
        advance(world, actors)
    df = pd.DataFrame(summarize(world))
    df.insert(0, "replicate", np.arange(runs))
    if progress is not None:
        progress(runs)
    return df


# --------------------------------------------------------------------------------------------------------------------
# Checks and results


@dataclass
class Check:
    """One criterion (or counterfactual) of one case, as simulated."""

    key: str
    expected: str
    kind: str  # "share" or "median": how values print
    value: float
    low: float
    high: float
    n: int
    passed: bool
    shortfall: float
    """How far the estimate falls short of its bound, in shares (a median: in weeks / max(bound, 4)); 0 if met."""
    versus: dict[str, Any] | None = None

    @property
    def simulated_text(self) -> str:
        if math.isnan(self.value):
            return f"n/a (0 of {self.n} runs agree)"
        share = self.kind == "share"
        text = f"{_fmt(self.value, share)} [{_fmt(self.low, share)}, {_fmt(self.high, share)}]"
        if self.versus is not None:
            text += f" ({_fmt(self.versus['base'], share)} -> {_fmt(self.versus['variant'], share)})"
        return text

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for k in ("value", "low", "high"):
            out[k] = None if math.isnan(out[k]) else out[k]
        return out


@dataclass
class CaseResult:
    """All criteria of one case, with a few descriptive statistics."""

    case: str
    path: str
    description: str
    runs: int
    seed: int
    strategies: dict[str, str]
    ablated: list[str] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def shortfall(self) -> float:
        return float(sum(c.shortfall for c in self.checks))

    def to_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items() if k != "checks"}
        out["checks"] = [c.to_dict() for c in self.checks]
        out["passed"] = self.passed
        return out


def _fmt(x: float, share: bool = False) -> str:
    if math.isnan(x):
        return "n/a"
    if share:
        return f"{x:.2f}"
    return f"{x:.0f}" if float(x).is_integer() else f"{x:.1f}"


def _bound_text(stat: Statistic, side: str, bound: float) -> str:
    return f"{stat.name} {'>=' if side == 'min' else '<='} {_fmt(bound, stat.kind == 'share')}"


def _scale(stat: Statistic, bound: float) -> float:
    return 1.0 if stat.kind == "share" else max(abs(bound), 4.0)


def _passes(side: str, value: float, bound: float) -> bool:
    if math.isnan(value):  # no run agreed: a maximum on a duration holds vacuously, a minimum does not
        return side == "max"
    return value >= bound - 1e-12 if side == "min" else value <= bound + 1e-12


def _shortfall(stat: Statistic, side: str, value: float, bound: float) -> float:
    if math.isnan(value):
        return 0.0 if side == "max" else 1.0
    gap = bound - value if side == "min" else value - bound
    return max(gap, 0.0) / _scale(stat, bound)


def bootstrap_median_interval(values: np.ndarray, seed: int = 0, resamples: int = 2000) -> tuple[float, float]:
    """95% percentile bootstrap interval of the median; (v, v) when all values agree."""
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        return (float("nan"), float("nan"))
    if np.all(values == values[0]):
        return (float(values[0]), float(values[0]))
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    medians = np.median(values[rng.integers(0, values.size, size=(resamples, values.size))], axis=1)
    return (float(np.percentile(medians, 2.5)), float(np.percentile(medians, 97.5)))


def interval(stat: Statistic, values: np.ndarray, intervals: bool = True) -> tuple[float, float, float, int]:
    """(estimate, low, high, n) of a statistic from its per-run values."""
    value = stat.value(values)
    if stat.kind == "share":
        n = int(values.size)
        low, high = wilson_interval(int(round(values.sum())), n) if intervals else (float("nan"), float("nan"))
        return value, low, high, n
    kept = values[~np.isnan(values)]
    low, high = bootstrap_median_interval(kept) if intervals else (float("nan"), float("nan"))
    return value, low, high, int(kept.size)


def paired_difference(stat: Statistic, base: np.ndarray, variant: np.ndarray, direction: str,
                      intervals: bool = True, seed: int = 0, resamples: int = 1000) -> tuple[float, float, float]:
    """The required difference (base - variant for "lower", variant - base for "higher") over runs paired on common
    random numbers, with its 95% percentile bootstrap interval (the same resampled runs for both)."""
    sign = 1.0 if direction == "lower" else -1.0
    diff = sign * (stat.value(base) - stat.value(variant))
    if not intervals or base.size == 0:
        return diff, float("nan"), float("nan")
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    idx = rng.integers(0, base.size, size=(resamples, base.size))
    if stat.kind == "share":
        draws = sign * (base[idx].mean(axis=1) - variant[idx].mean(axis=1))
    else:
        draws = np.array([sign * (np.nanmedian(base[i]) - np.nanmedian(variant[i]))
                          if np.any(~np.isnan(base[i])) and np.any(~np.isnan(variant[i])) else np.nan for i in idx])
        draws = draws[~np.isnan(draws)]
        if draws.size == 0:
            return diff, float("nan"), float("nan")
    return diff, float(np.percentile(draws, 2.5)), float(np.percentile(draws, 97.5))


def validate_case(spec: Scenario, runs: int, seed: int = 0, params: Mapping[str, Any] | None = None,
                  ablate: list[str] | None = None, intervals: bool = True,
                  prepare: Callable[[Any], None] | None = None, progress: Any = None) -> CaseResult:
    """Run one case (and each of its counterfactual variants, on the same seeds) over `runs` seeded replicates with
    its historical strategies, and check its criteria.

    Args:
        params: overrides for every run (e.g. a calibration trial's constants, `params.NAME`).
        ablate: mechanisms to switch off (names in `ABLATIONS`), in the case and in its variants alike.
        intervals: compute the 95% intervals (calibration skips them for speed).
        prepare: a hook that edits the built world before the first turn (tests that break a mechanism on purpose).
        progress: called with the number of runs just finished (the case's and its variants').
    """
    criteria, versus = expected_criteria(spec)
    ablations = [ablation(a) for a in (ablate or [])]
    strategy_params: dict[str, dict[str, Any]] = {}
    for a in ablations:
        for name, values in a.strategy_params.items():
            strategy_params.setdefault(name, {}).update(values)

    def simulate(case: Scenario, extra: Mapping[str, Any], strategies: Mapping[str, str]) -> pd.DataFrame:
        overrides = dict(params or {}) | dict(extra)
        for a in ablations:
            overrides |= a.overrides(case)
        return run_case(case, runs, seed, overrides, strategies, strategy_params, prepare, progress)

    df = simulate(spec, {}, {})
    from model.assignment import assign

    result = CaseResult(case=spec.name, path=spec.label, description=str(spec.expected.get("description", "")),
                        runs=runs, seed=seed, strategies=assign(spec), ablated=[a.name for a in ablations])
    for c in criteria:
        value, low, high, n = interval(c.stat, c.stat.column(df), intervals)
        result.checks.append(Check(key=c.key, expected=_bound_text(c.stat, c.side, c.bound), kind=c.stat.kind,
                                   value=value, low=low, high=high, n=n, passed=_passes(c.side, value, c.bound),
                                   shortfall=_shortfall(c.stat, c.side, value, c.bound)))
    for v in versus:
        vdf = simulate(v.spec, v.params, v.strategies)
        base, other = v.stat.column(df), v.stat.column(vdf)
        diff, low, high = paired_difference(v.stat, base, other, v.direction, intervals)
        expected = f"vs {v.name}: {v.stat.name} {v.direction} by >= {_fmt(v.by, v.stat.kind == 'share')}"
        result.checks.append(Check(key=v.key, expected=expected, kind=v.stat.kind, value=diff, low=low, high=high,
                                   n=runs, passed=_passes("min", diff, v.by),
                                   shortfall=_shortfall(v.stat, "min", diff, v.by),
                                   versus={"name": v.name, "why": v.why, "changes": v.changes,
                                           "base": v.stat.value(base), "variant": v.stat.value(other)}))
    first = df["first_agreed_turn"].to_numpy()
    result.summary = {
        "agreed_share": float(np.mean(first >= 0)),
        "first_week_quantiles": {q: (float(np.quantile(first[first >= 0], q)) if np.any(first >= 0) else None)
                                 for q in (0.1, 0.5, 0.9)},
        "durable_share": float(np.mean(df["outcome"].to_numpy() == "durable")),
        "ceasefires_per_run_mean": float(df["n_ceasefires"].mean()),
        "longest_truce_median": float(df["longest_truce"].median()),
    }
    return result


def case_names() -> list[str]:
    """Built-in scenarios that carry an `[expected]` table: the validation cases."""
    return [name for name in scenario_module.builtin_names() if scenario_module.load(name).expected]


def load_cases(cases: list[str] | None = None) -> list[Scenario]:
    """The named cases (built-in names or paths; default every built-in case), criteria checked before anything runs."""
    names = list(cases) if cases else case_names()
    specs = [scenario_module.load(c) for c in names]
    for spec in specs:
        expected_criteria(spec)
    return specs


def validate(cases: list[str] | None = None, runs: int = 200, seed: int = 0, params: Mapping[str, Any] | None = None,
             ablate: list[str] | None = None, intervals: bool = True, progress: bool = False) -> list[CaseResult]:
    """Validate the named cases (default: every built-in case). All files are loaded and their criteria checked
    before anything runs, so bad input fails fast. `progress`: a bar on stderr."""
    from runs.progress import bar

    if runs < 1:
        raise CeasefireError(f"--runs {runs}: must be at least 1")
    for name in ablate or []:
        ablation(name)
    specs = load_cases(cases)
    total = sum(runs * (1 + len(expected_criteria(spec)[1])) for spec in specs)
    with bar("validate", total, progress) as advance:
        return [validate_case(spec, runs, seed, params=params, ablate=ablate, intervals=intervals, progress=advance)
                for spec in specs]


def hand_set_params() -> dict[str, float]:
    """Overrides that put every mechanism constant back at its hand-set value (before calibration)."""
    from dataclasses import fields

    from model.constants import HAND_SET, Mechanism

    return {f"params.{f.name}": float(getattr(HAND_SET, f.name)) for f in fields(Mechanism)}


CONSTANTS = ("default", "calibrated", "hand")
"""`--constants`: what the model loads (`default`), the calibration file whether or not it passes validation
(`calibrated`), or the hand-set values (`hand`)."""


def constants_params(which: str) -> tuple[dict[str, float], str]:
    """(overrides that put every mechanism constant at the chosen set, that set in words).

    Raises:
        CeasefireError: an unknown choice, or `calibrated` without a calibration file.
    """
    from dataclasses import fields

    from model.constants import CALIBRATION, CONSTANTS_SOURCE, Mechanism, calibrated, passes_validation

    if which not in CONSTANTS:
        raise CeasefireError(f"--constants {which!r}: allowed: {', '.join(CONSTANTS)}")
    if which == "default":
        return {}, CONSTANTS_SOURCE
    if which == "hand":
        return hand_set_params(), "hand-set (--constants hand)"
    if not CALIBRATION:
        raise CeasefireError("--constants calibrated: there is no model/calibration.json (docs/calibration.md says "
                             "how to make one)")
    fitted = calibrated(CALIBRATION)
    verdict = "passes validation" if passes_validation(CALIBRATION) else "does not pass validation"
    return ({f"params.{f.name}": float(getattr(fitted, f.name)) for f in fields(Mechanism)},
            f"calibrated (model/calibration.json, which {verdict}: docs/calibration.md)")


# --------------------------------------------------------------------------------------------------------------------
# Tables


def table_rows(results: list[CaseResult]) -> list[tuple[str, str, str, str]]:
    """(case, expected, simulated with 95% interval, pass/FAIL) rows, one per criterion."""
    rows = []
    for r in results:
        for i, c in enumerate(r.checks):
            rows.append((r.case if i == 0 else "", c.expected, c.simulated_text, "pass" if c.passed else "FAIL"))
    return rows


def format_table(results: list[CaseResult]) -> str:
    """The case table as plain text (`markdown_table` gives the same rows for docs/validation.md)."""
    header = ("case", "expected", "simulated [95% CI]", "result")
    rows = table_rows(results)
    widths = [max(len(header[j]), *(len(row[j]) for row in rows)) if rows else len(header[j]) for j in range(4)]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)), line]
    out += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    passed = sum(r.passed for r in results)
    runs = results[0].runs if results else 0
    seed = results[0].seed if results else 0
    ablated = f"; ablated: {', '.join(results[0].ablated)}" if results and results[0].ablated else ""
    checks = [c for r in results for c in r.checks]
    out += [line, f"{passed} of {len(results)} cases pass, {sum(c.passed for c in checks)} of {len(checks)} criteria "
                  f"({runs} runs each, seed {seed}{ablated}); a vs row is the difference from the case, "
                  f"(case -> variant)"]
    return "\n".join(out)


def markdown_table(results: list[CaseResult]) -> str:
    rows = table_rows(results)
    out = ["| case | expected | simulated [95% CI] | result |", "|---|---|---|---|"]
    out += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    return "\n".join(out)


def ablation_table(full: list[CaseResult], ablated: dict[str, list[CaseResult]]) -> pd.DataFrame:
    """Per ablation and case: passes?, and the criteria that pass with every mechanism on but fail without this one
    (what the case needs the mechanism for)."""
    rows = []
    for name, results in ablated.items():
        for base, res in zip(full, results, strict=True):
            broke = [c.expected for b, c in zip(base.checks, res.checks, strict=True) if b.passed and not c.passed]
            fixed = [c.expected for b, c in zip(base.checks, res.checks, strict=True) if not b.passed and c.passed]
            rows.append({"ablation": name, "case": res.case, "passed": res.passed, "needs": broke, "now_passes": fixed})
    return pd.DataFrame(rows)
