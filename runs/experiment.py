"""Experiment files: an experiment declared as data, in the vocabulary of EMA Workbench (levers, uncertainties).

```toml
[experiment]
name = "syria-2016-strategies"
scenario = "syria-2016"        # built-in name, or a path (relative to this file or to the working directory)
turns = 52                     # optional; the scenario's own number otherwise
replicates = 50                # runs per lever combination and sample
seed = 1

[levers]                       # the choices compared: every combination is run
us_strategy = ["concede", "or_else", "or_else(deadline=6, enforce=false)"]   # NAME or NAME(PARAM=VALUE, ...)
RUS = ["force_backed_diplomacy", "stall"]     # any actor's strategy, keyed by actor id

[strategy_params]              # optional: a grid over a lever strategy's parameter, one lever value per value
"stall.step" = [0.01, 0.05]    # STRATEGY.PARAM as `--strategy-param` spells it

[uncertainties]                # what we do not know: one value drawn per sample
"RUS.resolve" = { uniform = [0.6, 0.95] }
"USA.credibility" = { normal = [0.3, 0.1] }   # truncated to the field's range
"params.horizon" = { choice = [8, 12, 16] }

[sampling]
method = "lhs"                 # grid | lhs | sobol | monte_carlo
samples = 20                   # samples (grid: levels per uncertainty)
```

A lever value is a strategy as `Choice.label` writes it (`model.assignment.parse_choice` reads it): its name, or its
name with parameters, `or_else(deadline=6, enforce=false)`, the same parameters `--strategy-param` sets on the command
line. `[strategy_params]` expands each lever value of that strategy into one per value (several parameters of one
strategy: their product), so `"or_else.deadline" = [2, 4, 6]` with `us_strategy = ["concede", "or_else"]` compares
concede, or_else(deadline=2), or_else(deadline=4) and or_else(deadline=6). Each lever value is named by its label in
the results (`us_strategy`, `strategy_<ACTOR>`), the manifest and `compare --from`; a parameter the rules read per
run (an ultimatum's deadline: `params.threat_period`) is set in that combination's runs.

Every lever combination is crossed with every sample and every replicate. Sample s, replicate r has the global
replicate index `s * replicates + r` (its random streams are child `s * replicates + r` of `SeedSequence(seed)`),
whatever the lever combination: strategies are compared on common random numbers, paired by that index.

Bad input is a `CeasefireError` whose one line names the file and the field.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from agents import strategies
from agents.strategies import Choice
from model import scenario as scenario_module
from model.errors import CeasefireError
from model.scenario import MAX_MAGNITUDE, Scenario

METHODS = ("grid", "lhs", "sobol", "monte_carlo")
MAX_RUNS = 100_000_000
"""Runs per experiment at most: about nine hours on one core at 52 turns (a cluster does it faster). The plan is
lazy and memory does not grow with it, but anything larger is a typo more often than a plan."""
MAX_COMBOS = 10_000
"""Lever combinations at most (each is named in the manifest; a grid of strategy parameters multiplies them)."""
MAX_SAMPLES = 1_000_000
"""Sample points at most (the sample table is kept in memory): also the limit of a grid's size, levels^d."""

Finite = Annotated[float, Field(allow_inf_nan=False)]


class _Strict(BaseModel):
    # strict: "100" is not a number nor "yes" a boolean (TOML has types); an integer is accepted for a float.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class ExperimentSection(_Strict):
    name: str = Field(min_length=1)
    scenario: str = Field(min_length=1)
    turns: Annotated[int, Field(ge=1, le=10_000)] | None = None
    replicates: Annotated[int, Field(ge=1, le=MAX_RUNS)] = 1
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = 0
    description: str = ""


class Uncertainty(_Strict):
    """Exactly one of `uniform = [lo, hi]`, `normal = [mean, sd]`, `choice = [v, ...]`."""

    uniform: Annotated[list[Finite], Field(min_length=2, max_length=2)] | None = None
    normal: Annotated[list[Finite], Field(min_length=2, max_length=2)] | None = None
    choice: Annotated[list[Finite], Field(max_length=MAX_SAMPLES)] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Uncertainty:
        given = [k for k in ("uniform", "normal", "choice") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of uniform = [lo, hi], normal = [mean, sd], choice = [values]")
        if self.uniform is not None:
            lo, hi = self.uniform
            if not (math.isfinite(lo) and math.isfinite(hi)) or not lo < hi:
                raise ValueError(f"uniform = [{lo}, {hi}]: empty range, need lo < hi")
        if self.normal is not None:
            mean, sd = self.normal
            if not (math.isfinite(mean) and math.isfinite(sd)) or not sd > 0:
                raise ValueError(f"normal = [{mean}, {sd}]: need a finite mean and sd > 0")
        if self.choice is not None and not self.choice:
            raise ValueError("choice = []: empty, need at least one value")
        return self

    @property
    def kind(self) -> str:
        return next(k for k in ("uniform", "normal", "choice") if getattr(self, k) is not None)


class Sampling(_Strict):
    method: Literal["grid", "lhs", "sobol", "monte_carlo"] = "lhs"
    samples: Annotated[int, Field(ge=1, le=MAX_SAMPLES)] = 1


ParamValue = bool | int | Finite | str
"""A strategy parameter's value as TOML writes it (a number, a boolean, or a word such as "default")."""


class ExperimentFile(_Strict):
    experiment: ExperimentSection
    levers: dict[str, list[str]] = {}
    strategy_params: dict[str, ParamValue | Annotated[list[ParamValue], Field(max_length=MAX_SAMPLES)]] = {}
    uncertainties: dict[str, Uncertainty] = {}
    sampling: Sampling = Sampling()


@dataclass
class Experiment:
    """A validated experiment: its file, the loaded scenario, the lever combinations and the plan's size."""

    spec: ExperimentFile
    scenario: Scenario
    path: str
    text: str
    combos: list[dict[str, str]] = field(default_factory=list)
    """Lever combinations: each a mapping actor id -> strategy (USA for `us_strategy`), in file order. A strategy
    with parameters is an `agents.strategies.Choice` (its `label`, e.g. `or_else(deadline=6)`, names it in the
    results)."""
    combo_params: list[dict[str, Any]] = field(default_factory=list)
    """Per combination, the run parameters its strategies set (an ultimatum's deadline is the run's threat_period),
    with `params()`."""

    @property
    def name(self) -> str:
        return self.spec.experiment.name

    @property
    def seed(self) -> int:
        return self.spec.experiment.seed

    @property
    def replicates(self) -> int:
        return self.spec.experiment.replicates

    @property
    def text_hash(self) -> str:
        """sha256 of the file as written."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def fingerprint(self) -> str:
        """sha256 of what the experiment means: the parsed file (not its comments or layout) and the scenario's
        content. Two runs into one output folder must have the same fingerprint."""
        spec = self.spec.model_dump(mode="json")
        del spec["strategy_params"]  # (a file without parameters means what it meant before they existed)
        if any(isinstance(s, Choice) for combo in self.combos for s in combo.values()):
            # The strategies as they run, whatever the spelling: `or_else( deadline = 6.0 )` or a grid's point is
            # `or_else(deadline=6)`, and any other value of a parameter is another experiment.
            spec["levers"] = {actor_id: list(dict.fromkeys(strategies.label(c[actor_id]) for c in self.combos))
                              for actor_id in self.combos[0]}
        body = {"experiment": spec, "scenario": self.scenario.model_dump(mode="json", exclude={"path"})}
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode("utf-8")).hexdigest()

    def labels(self) -> list[dict[str, str]]:
        """The lever combinations as labels: actor id -> `or_else(deadline=6)` or a plain name (the values of the
        results' `us_strategy` and `strategy_<ACTOR>` columns)."""
        return [{actor_id: strategies.label(s) for actor_id, s in combo.items()} for combo in self.combos]

    def run_params(self, combo: int) -> dict[str, Any]:
        """Overrides applied to every run of lever combination `combo`: `params()` and what its strategies set."""
        return dict(self.combo_params[combo]) if self.combo_params else self.params()

    @cached_property
    def sample_table(self) -> pd.DataFrame:
        """One row per sample (`sample` 0..n-1), one column per uncertainty."""
        return draw_samples(self)

    @property
    def n_samples(self) -> int:
        return len(self.sample_table)

    @property
    def runs_per_combo(self) -> int:
        return self.n_samples * self.replicates

    @property
    def total_runs(self) -> int:
        return len(self.combos) * self.runs_per_combo

    def params(self) -> dict[str, float]:
        """Overrides applied to every run."""
        turns = self.spec.experiment.turns
        return {} if turns is None else {"params.turns": turns}


def _where(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out


def _domain(name: str) -> tuple[float, float | None, bool]:
    """(low, high, whole number) allowed for an override name."""
    from model.constants import INTEGER_MECHANISM_NAMES
    from model.world import UNIT_ACTOR_FIELDS, UNIT_PARAMS

    head, _, tail = name.partition(".")
    if head == "params":
        return 0.0, 1.0 if tail in UNIT_PARAMS else MAX_MAGNITUDE, tail in INTEGER_MECHANISM_NAMES
    if tail == "status_quo" or tail in UNIT_ACTOR_FIELDS:
        return 0.0, 1.0, False
    if tail == "optimism":
        return -2.0, 2.0, False
    return 0.0, MAX_MAGNITUDE, False


def parse(data: dict[str, Any], label: str, base_dir: Path | None = None, text: str = "") -> Experiment:
    """Validate an experiment given as a dict (as read from TOML); errors name `label` and the field."""
    try:
        spec = ExperimentFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = _where(tuple(err["loc"]))
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown field" if len(err["loc"]) > 1 else "unknown section; allowed: experiment, levers, strategy_params, uncertainties, sampling"
        elif err["loc"][0] == "levers" and len(err["loc"]) == 3:
            message = ('expected a strategy as text, NAME or NAME(PARAM=VALUE, ...), e.g. "or_else(deadline=6)" '
                       f"(got {err['input']!r})")
        elif err["loc"][0] == "strategy_params" and len(err["loc"]) > 2:
            where = f"strategy_params.{err['loc'][1]}"
            message = ('expected a value (a finite number, true or false, or a word) or a list of them, e.g. '
                       '"or_else.deadline" = [2, 4, 6]')
        elif err["type"] == "literal_error" and where == "sampling.method":
            message = f"unknown sampling method {err['input']!r}; allowed: {', '.join(METHODS)}"
        elif err.get("input") is not None and err["type"] != "missing" and not isinstance(err["input"], dict | list):
            message += f" (got {err['input']!r})"
        raise CeasefireError(f"{label}: {where + ': ' if where else ''}{message}") from None

    # The scenario: a built-in name, a path relative to the experiment file, or one relative to the working directory.
    name = spec.experiment.scenario
    candidate = base_dir / name if base_dir is not None else None
    try:
        scen = scenario_module.load(candidate if candidate is not None and candidate.is_file() else name)
    except CeasefireError as exc:
        raise CeasefireError(f"{label}: experiment.scenario: {exc}") from None

    # Levers: `us_strategy` or an actor id, each a non-empty list of strategies, `NAME` or `NAME(PARAM=VALUE, ...)`,
    # each NAME expanded over the values its [strategy_params] grid gives.
    from model.assignment import assign, check_strategy_name, check_strategy_for, parse_choice, rule_overrides

    grid = _strategy_param_grid(spec, label)
    lever_actors: list[tuple[str, str]] = []
    lever_values: dict[str, list[str]] = {}
    for key, values in spec.levers.items():
        actor_id = "USA" if key == "us_strategy" else key
        where = f"{label}: levers.{key}"
        if actor_id not in scen.actor_ids:
            allowed = ", ".join(["us_strategy", *scen.actor_ids])
            raise CeasefireError(f"{where}: unknown lever; allowed: {allowed} (strategies of {scen.name}'s actors)")
        if not values:
            raise CeasefireError(f"{where}: empty list, need at least one strategy")
        if any(a == actor_id for a, _ in lever_actors):
            raise CeasefireError(f"{where}: USA given twice (as us_strategy and USA)")
        expanded: list[str] = []
        for value in values:
            name = value.partition("(")[0].strip()
            if name not in strategies.names():
                raise CeasefireError(f"{where}: unknown strategy {name!r}; allowed: {', '.join(strategies.names())} "
                                     "(each written NAME or NAME(PARAM=VALUE, ...))")
            check_strategy_for(name, actor_id, where)
            choice = parse_choice(value, where)
            expanded.extend(_expand(choice, grid, where))
        seen: set[str] = set()
        for choice in expanded:
            if strategies.label(choice) in seen:
                raise CeasefireError(f"{where}: {strategies.label(choice)} is listed twice")
            seen.add(strategies.label(choice))
        lever_actors.append((actor_id, key))
        lever_values[key] = expanded
    in_levers = {str(c) for values in lever_values.values() for c in values}
    for key in grid:
        name = key.partition(".")[0]
        if name not in in_levers:
            check_strategy_name(name, f"{label}: strategy_params.{key}")
            levers = "; ".join(f"levers.{k}: {', '.join(dict.fromkeys(map(str, v)))}" for k, v in lever_values.items())
            raise CeasefireError(f"{label}: strategy_params.{key}: {name} is not a strategy in the levers "
                                 f"({levers or 'no levers'}); a parameter is varied only for a strategy listed in [levers]")
    n_combos = math.prod(len(v) for v in lever_values.values())
    if n_combos > MAX_COMBOS:
        sizes = " x ".join(f"{len(v):,} ({k})" for k, v in lever_values.items())
        raise CeasefireError(f"{label}: levers: {sizes} = {n_combos:,} lever combinations, more than the limit of "
                             f"{MAX_COMBOS:,}; use fewer")
    combos = [dict(zip([a for a, _ in lever_actors], values, strict=True))
              for values in itertools.product(*(lever_values[k] for _, k in lever_actors))]
    base_params = {} if spec.experiment.turns is None else {"params.turns": spec.experiment.turns}
    combo_params = []
    for combo in combos:
        chosen = assign(scen, None, combo)
        try:
            combo_params.append(base_params | rule_overrides(chosen, base_params))
        except CeasefireError as exc:
            raise CeasefireError(f"{label}: levers: {exc}") from None
    # Uncertainties: names the engine accepts, ranges inside the field's domain.
    from model.world import ACTOR_FIELDS, allowed_override_names

    allowed = set(allowed_override_names(scen))
    for key, unc in spec.uncertainties.items():
        where = f"{label}: uncertainties.{key}"
        if key == "params.turns":
            raise CeasefireError(f"{where}: the number of turns cannot vary within an experiment; set experiment.turns")
        if key not in allowed:
            raise CeasefireError(
                f"{where}: unknown parameter; allowed: params.NAME (see model/constants.py), ACTOR.FIELD for ACTOR in "
                f"{', '.join(scen.actor_ids)} and FIELD in {', '.join(ACTOR_FIELDS)}, or ISSUE.status_quo")
        lo, hi, whole = _domain(key)
        values = list(unc.uniform) if unc.uniform is not None else list(unc.choice or [])
        if unc.normal is not None:
            mean = unc.normal[0]
            if mean < lo or (hi is not None and mean > hi):
                raise CeasefireError(f"{where}: normal mean {mean} outside [{lo}, {hi if hi is not None else 'inf'}]")
        for v in values:
            if v < lo or (hi is not None and v > hi):
                raise CeasefireError(f"{where}: {unc.kind} value {v} outside [{lo}, {hi if hi is not None else 'inf'}]")
            if whole and unc.kind == "choice" and (v < 1 or v != round(v)):
                raise CeasefireError(f"{where}: {v} is not a whole number of turns >= 1")
        if whole and unc.uniform is not None and max(unc.uniform) < 1:
            raise CeasefireError(f"{where}: a whole number of turns >= 1 is needed")
    if not spec.uncertainties and spec.sampling.samples != 1:
        raise CeasefireError(f"{label}: sampling.samples: {spec.sampling.samples} samples but no uncertainties; "
                             "use experiment.replicates for more runs")
    for key in spec.uncertainties:  # a run's parameter that a lever already sets cannot also be sampled
        setter = next((f"{strategies.label(s)} ({a})" for combo, params in zip(combos, combo_params, strict=True)
                       for a, s in combo.items() if key in params and key in rule_overrides({a: s})), None)
        if setter is not None:
            raise CeasefireError(f"{label}: uncertainties.{key}: set by the lever {setter} (the rules read one "
                                 f"{key} per run); vary it in one place, the uncertainty or the strategy's parameter")
    exp = Experiment(spec=spec, scenario=scen, path=label, text=text, combos=combos, combo_params=combo_params)
    _check_size(exp, label)
    return exp


def _strategy_param_grid(spec: ExperimentFile, label: str) -> dict[str, list[Any]]:
    """[strategy_params]: `"STRATEGY.PARAM" = [values]` (or one value), each checked against the parameter's range;
    as {"STRATEGY.PARAM": [values as the strategy reads them]}."""
    from model.assignment import check_strategy_name

    out: dict[str, list[Any]] = {}
    for key, raw in spec.strategy_params.items():
        where = f"{label}: strategy_params.{key}"
        name, dot, param = key.partition(".")
        if not dot or not name or not param:
            raise CeasefireError(f"{where}: expected \"STRATEGY.PARAM\" = [VALUE, ...], e.g. \"or_else.deadline\" = [2, 4, 6]")
        check_strategy_name(name, where)
        values = raw if isinstance(raw, list) else [raw]
        if not values:
            raise CeasefireError(f"{where}: empty list, need at least one value")
        read = []
        for value in values:
            try:
                built = strategies.get(name, **{param: value})
            except strategies.StrategyParamError as exc:
                raise CeasefireError(f"{where}: {exc}") from None
            read.append(getattr(built.params, param))
        if len(set(map(repr, read))) != len(read):
            raise CeasefireError(f"{where}: a value is listed twice")
        out[key] = read
    return out


def _expand(choice: str, grid: dict[str, list[Any]], where: str) -> list[str]:
    """`choice` once per point of its strategy's grid (the product of its varied parameters, in file order)."""
    name = str(choice)
    axes = {key.partition(".")[2]: values for key, values in grid.items() if key.partition(".")[0] == name}
    if not axes:
        return [choice]
    own = dict(getattr(choice, "params", ()))
    both = sorted(set(own) & set(axes))
    if both:
        raise CeasefireError(f"{where}: {strategies.label(choice)} sets {both[0]}, which strategy_params.{name}."
                             f"{both[0]} varies; give it in one place")
    points = math.prod(len(v) for v in axes.values())
    if points > MAX_COMBOS:
        raise CeasefireError(f"{where}: {name}'s [strategy_params] grid has {points:,} points, more than the limit of "
                             f"{MAX_COMBOS:,} lever combinations; use fewer values")
    return [Choice(name, own | dict(zip(axes, point, strict=True)))
            for point in itertools.product(*axes.values())]


def sample_count(exp: Experiment) -> int:
    """The number of sample points, without drawing them (a grid's is the product of its axes' lengths)."""
    unc, sampling = exp.spec.uncertainties, exp.spec.sampling
    if not unc:
        return 1
    if sampling.method != "grid":
        return sampling.samples
    return math.prod(len(_grid_levels(u, k, sampling.samples)) for k, u in unc.items())


def _check_size(exp: Experiment, label: str) -> None:
    """Refuse, before anything is drawn or run, a grid over MAX_SAMPLES points or a plan over MAX_RUNS runs."""
    sampling = exp.spec.sampling
    n = sample_count(exp)
    if n > MAX_SAMPLES:
        raise CeasefireError(
            f"{label}: sampling.samples: a grid of {sampling.samples:,} levels over {len(exp.spec.uncertainties)} "
            f"uncertainties has {n:,} points, more than the limit of {MAX_SAMPLES:,}; use fewer levels, or lhs or sobol")
    combos, replicates = max(1, len(exp.combos)), exp.replicates
    total = combos * n * replicates
    if total > MAX_RUNS:
        field = "experiment.replicates" if replicates >= n else "sampling.samples"
        raise CeasefireError(
            f"{label}: {field}: {combos:,} lever combination(s) x {n:,} sample(s) x {replicates:,} replicate(s) = "
            f"{total:,} runs, more than the limit of {MAX_RUNS:,} per experiment; use fewer")


def load(path: str | Path) -> Experiment:
    """Read and validate an experiment file (CeasefireError naming the file and field otherwise)."""
    path = Path(path)
    if not path.is_file():
        raise CeasefireError(f"{path}: no such experiment file")
    try:
        text = path.read_text(encoding="utf-8-sig")  # a UTF-8 byte-order mark is allowed (and dropped)
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CeasefireError(f"{path}: not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CeasefireError(f"{path}: cannot read: {exc}") from None
    return parse(data, str(path), base_dir=path.parent, text=text)


def _sampler_rng(exp: Experiment) -> np.random.Generator:
    # A stream of its own, apart from the runs' streams (which are children of SeedSequence(seed)).
    return np.random.default_rng(np.random.SeedSequence([exp.seed, 0x5A3D1E]))


def _unit_samples(method: str, d: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """(n, d) points in [0, 1)^d from scipy.stats.qmc (or numpy for plain Monte Carlo)."""
    import warnings

    from scipy.stats import qmc

    if method == "lhs":
        return qmc.LatinHypercube(d, rng=rng).random(n)
    if method == "sobol":
        with warnings.catch_warnings():  # n need not be a power of 2 (balance is then only approximate)
            warnings.simplefilter("ignore", UserWarning)
            return qmc.Sobol(d, scramble=True, rng=rng).random(n)
    return rng.random((n, d))


def _transform(unc: Uncertainty, name: str, u: np.ndarray) -> np.ndarray:
    """Points u in [0, 1) mapped to the uncertainty's distribution (inverse CDF)."""
    from scipy.stats import truncnorm

    lo, hi, whole = _domain(name)
    if unc.uniform is not None:
        a, b = unc.uniform
        values = a + u * (b - a)
    elif unc.normal is not None:  # truncated to the field's domain, so every draw is a valid value
        mean, sd = unc.normal
        upper = np.inf if hi is None else (hi - mean) / sd
        values = truncnorm.ppf(u, (lo - mean) / sd, upper, loc=mean, scale=sd)
    else:
        choices = np.asarray(unc.choice, dtype=np.float64)
        values = choices[np.minimum((u * len(choices)).astype(np.int64), len(choices) - 1)]
    if whole:
        values = np.maximum(1.0, np.round(values))
    return np.asarray(values, dtype=np.float64)


def _grid_levels(unc: Uncertainty, name: str, levels: int) -> np.ndarray:
    if unc.choice is not None:
        return _transform(unc, name, (np.arange(len(unc.choice)) + 0.5) / len(unc.choice))
    if unc.uniform is not None:
        a, b = unc.uniform
        values = np.linspace(a, b, levels) if levels > 1 else np.array([(a + b) / 2])
        return np.unique(np.maximum(1.0, np.round(values))) if _domain(name)[2] else values
    return _transform(unc, name, (np.arange(levels) + 0.5) / levels)  # normal: quantile midpoints


def draw_samples(exp: Experiment) -> pd.DataFrame:
    """The sample table: one row per sample (`sample` 0..n-1), one column per uncertainty. Deterministic in the seed."""
    unc = exp.spec.uncertainties
    names = list(unc)
    method, n = exp.spec.sampling.method, exp.spec.sampling.samples
    if not names:
        return pd.DataFrame({"sample": np.arange(1, dtype=np.int64)})
    if method == "grid":
        axes = [_grid_levels(unc[k], k, n) for k in names]
        mesh = np.array(list(itertools.product(*axes)), dtype=np.float64).reshape(-1, len(names))
        columns = {k: mesh[:, i] for i, k in enumerate(names)}
        rows = len(mesh)
    else:
        u = _unit_samples(method, len(names), n, _sampler_rng(exp))
        columns = {k: _transform(unc[k], k, u[:, i]) for i, k in enumerate(names)}
        rows = n
    return pd.DataFrame({"sample": np.arange(rows, dtype=np.int64), **columns})
