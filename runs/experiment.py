"""Experiment files: an experiment declared as data, in the vocabulary of EMA Workbench (levers, uncertainties).

```toml
[experiment]
name = "syria-2016-strategies"
scenario = "syria-2016"        # built-in name, or a path (relative to this file or to the working directory)
turns = 52                     # optional; the scenario's own number otherwise
replicates = 50                # runs per lever combination and sample
seed = 1

[levers]                       # the choices compared: every combination is run
us_strategy = ["concede", "or_else"]
RUS = ["force_backed_diplomacy", "stall"]     # any actor's strategy, keyed by actor id

[uncertainties]                # what we do not know: one value drawn per sample
"RUS.resolve" = { uniform = [0.6, 0.95] }
"USA.credibility" = { normal = [0.3, 0.1] }   # truncated to the field's range
"params.horizon" = { choice = [8, 12, 16] }

[sampling]
method = "lhs"                 # grid | lhs | sobol | monte_carlo
samples = 20                   # samples (grid: levels per uncertainty)
```

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

from model import scenario as scenario_module
from model.errors import CeasefireError
from model.scenario import MAX_MAGNITUDE, Scenario

METHODS = ("grid", "lhs", "sobol", "monte_carlo")
MAX_RUNS = 100_000_000
"""Runs per experiment at most: about nine hours on one core at 52 turns (a cluster does it faster). The plan is
lazy and memory does not grow with it, but anything larger is a typo more often than a plan."""
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


class ExperimentFile(_Strict):
    experiment: ExperimentSection
    levers: dict[str, list[str]] = {}
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
    """Lever combinations: each a mapping actor id -> strategy (USA for `us_strategy`), in file order."""

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
        body = {"experiment": self.spec.model_dump(mode="json"), "scenario": self.scenario.model_dump(mode="json", exclude={"path"})}
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode("utf-8")).hexdigest()

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
            message = "unknown field" if len(err["loc"]) > 1 else "unknown section; allowed: experiment, levers, uncertainties, sampling"
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

    # Levers: `us_strategy` or an actor id, each a non-empty list of known strategy names.
    from agents import strategies
    from model.assignment import assign, check_strategy_for

    lever_actors: list[tuple[str, str]] = []
    for key, values in spec.levers.items():
        actor_id = "USA" if key == "us_strategy" else key
        if actor_id not in scen.actor_ids:
            allowed = ", ".join(["us_strategy", *scen.actor_ids])
            raise CeasefireError(f"{label}: levers.{key}: unknown lever; allowed: {allowed} (strategies of {scen.name}'s actors)")
        if not values:
            raise CeasefireError(f"{label}: levers.{key}: empty list, need at least one strategy")
        if len(set(values)) != len(values):
            raise CeasefireError(f"{label}: levers.{key}: a strategy is listed twice")
        for value in values:
            if value not in strategies.names():
                raise CeasefireError(f"{label}: levers.{key}: unknown strategy {value!r}; allowed: {', '.join(strategies.names())}")
            check_strategy_for(value, actor_id, f"{label}: levers.{key}")
        if any(a == actor_id for a, _ in lever_actors):
            raise CeasefireError(f"{label}: levers.{key}: USA given twice (as us_strategy and USA)")
        lever_actors.append((actor_id, key))
    combos = [dict(zip([a for a, _ in lever_actors], values, strict=True))
              for values in itertools.product(*(spec.levers[k] for _, k in lever_actors))]
    for combo in combos:
        assign(scen, None, combo)

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
    exp = Experiment(spec=spec, scenario=scen, path=label, text=text, combos=combos)
    _check_size(exp, label)
    return exp


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
