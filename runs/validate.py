"""Validation against historical cases: run a case file's scenario over N seeded replicates and check its
`[expected]` table (DESIGN section 7; the keys are documented in `docs/validation.md`).

Every case runs with the one set of mechanism constants in `model.constants` and the scenario's own numbers and
(historical) strategies; nothing here is set per case. A criterion passes when the point estimate over the N runs
meets its bound; the 95% interval (Wilson for shares, percentile bootstrap for medians) is reported beside it so a
reader can see whether a pass or fail is within sampling noise.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from model import scenario as scenario_module
from model.errors import CeasefireError
from model.scenario import Scenario
from runs.stats import bootstrap_mean_interval, wilson_interval


@dataclass(frozen=True)
class Statistic:
    """A simulated quantity an `[expected]` key bounds."""

    name: str
    kind: str  # "share" or "median"
    meaning: str


STATISTICS: dict[str, Statistic] = {
    "agreed_share": Statistic("agreed_share", "share", "share of runs in which a ceasefire was ever agreed"),
    "holding_share": Statistic("holding_share", "share", "share of runs ending with a ceasefire in force"),
    "durable_share": Statistic("durable_share", "share", "share of runs ending with a ceasefire in force that has held durable_weeks"),
    "collapsed_share": Statistic("collapsed_share", "share", "share of runs in which a ceasefire was agreed and none is in force at the end"),
    "first_agreed_median": Statistic("first_agreed_median", "median", "median turn of the first agreement, among runs that agree"),
    "held_median": Statistic("held_median", "median", "median turns under any ceasefire (summed over repeated ones), among runs that agree"),
}

EXPECTED_KEYS: dict[str, tuple[str, str]] = {
    "agreed_share_min": ("agreed_share", "min"),
    "agreed_share_max": ("agreed_share", "max"),
    "first_agreed_median_max": ("first_agreed_median", "max"),
    "holding_share_min": ("holding_share", "min"),
    "holding_share_max": ("holding_share", "max"),
    "durable_share_min": ("durable_share", "min"),
    "durable_share_max": ("durable_share", "max"),
    "collapsed_share_min": ("collapsed_share", "min"),
    "held_median_min": ("held_median", "min"),
    "held_median_max": ("held_median", "max"),
}
"""Every criterion key an `[expected]` table may hold (besides `description`): statistic and bound."""


@dataclass
class Check:
    """One criterion of one case."""

    key: str
    bound: float
    value: float
    low: float
    high: float
    n: int
    passed: bool

    @property
    def expected_text(self) -> str:
        stat, side = EXPECTED_KEYS[self.key]
        return f"{stat} {'>=' if side == 'min' else '<='} {_fmt(self.bound, self.is_share)}"

    @property
    def is_share(self) -> bool:
        return STATISTICS[EXPECTED_KEYS[self.key][0]].kind == "share"

    @property
    def simulated_text(self) -> str:
        if math.isnan(self.value):
            return f"n/a (0 of {self.n} runs agree)"
        share = self.is_share
        return f"{_fmt(self.value, share)} [{_fmt(self.low, share)}, {_fmt(self.high, share)}]"


@dataclass
class CaseResult:
    """All criteria of one case, with a few descriptive statistics."""

    case: str
    path: str
    description: str
    runs: int
    seed: int
    strategies: dict[str, str]
    checks: list[Check] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["passed"] = self.passed
        for check, raw in zip(self.checks, out["checks"], strict=True):
            raw["expected"] = check.expected_text
            for k in ("value", "low", "high"):
                raw[k] = None if math.isnan(raw[k]) else raw[k]
        return out


def _fmt(x: float, share: bool = False) -> str:
    if math.isnan(x):
        return "n/a"
    if share:
        return f"{x:.2f}"
    return f"{x:.0f}" if float(x).is_integer() else f"{x:.1f}"


def expected_criteria(spec: Scenario) -> dict[str, float]:
    """The criteria of a case's `[expected]` table; CeasefireError (one line naming the file and key) on a
    missing table, an unknown key or a value of the wrong type."""
    label = spec.label
    if not spec.expected:
        raise CeasefireError(f"{label}: no [expected] table; a validation case needs one (keys: {', '.join(EXPECTED_KEYS)})")
    criteria: dict[str, float] = {}
    for key, value in spec.expected.items():
        if key == "description":
            if not isinstance(value, str):
                raise CeasefireError(f"{label}: [expected].description: must be a string")
            continue
        if key not in EXPECTED_KEYS:
            raise CeasefireError(f"{label}: [expected]: unknown key {key!r}; allowed: description, {', '.join(EXPECTED_KEYS)}")
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise CeasefireError(f"{label}: [expected].{key}: must be a number (got {value!r})")
        stat = STATISTICS[EXPECTED_KEYS[key][0]]
        if stat.kind == "share" and not 0.0 <= value <= 1.0:
            raise CeasefireError(f"{label}: [expected].{key}: a share must be in [0, 1] (got {value!r})")
        if stat.kind == "median" and value < 0:
            raise CeasefireError(f"{label}: [expected].{key}: a number of turns must be >= 0 (got {value!r})")
        criteria[key] = float(value)
    if not criteria:
        raise CeasefireError(f"{label}: [expected] has no criteria; keys: {', '.join(EXPECTED_KEYS)}")
    return criteria


def bootstrap_median_interval(values: np.ndarray, seed: int = 0, resamples: int = 2000) -> tuple[float, float]:
    """95% percentile bootstrap interval of the median (scipy.stats.bootstrap); (v, v) when all values agree."""
    from scipy.stats import bootstrap

    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        return (float("nan"), float("nan"))
    if np.all(values == values[0]):
        return (float(values[0]), float(values[0]))
    res = bootstrap((values,), np.median, n_resamples=resamples, method="percentile", vectorized=True,
                    random_state=np.random.default_rng(np.random.SeedSequence(seed)))
    return (float(res.confidence_interval.low), float(res.confidence_interval.high))


def statistics(df: pd.DataFrame) -> dict[str, tuple[float, float, float, int]]:
    """Each statistic as (value, low, high, n) from a run_replicates table."""
    n = len(df)
    agreed = df["ever_agreed"].to_numpy(bool)
    out: dict[str, tuple[float, float, float, int]] = {}
    outcome = df["outcome"].to_numpy()
    for name, mask in (("agreed_share", agreed), ("holding_share", (outcome == "holding") | (outcome == "durable")),
                       ("durable_share", outcome == "durable"),
                       ("collapsed_share", df["outcome"].to_numpy() == "collapsed")):
        k = int(mask.sum())
        out[name] = (k / n, *wilson_interval(k, n), n)
    for name, column in (("first_agreed_median", "first_agreed_turn"), ("held_median", "turns_held")):
        values = df.loc[agreed, column].to_numpy(np.float64)
        median = float(np.median(values)) if values.size else float("nan")
        out[name] = (median, *bootstrap_median_interval(values), int(values.size))
    return out


def _passes(side: str, value: float, bound: float) -> bool:
    if math.isnan(value):  # no run agreed: a maximum on a duration holds vacuously, a minimum does not
        return side == "max"
    return value >= bound - 1e-12 if side == "min" else value <= bound + 1e-12


def validate_case(spec: Scenario, runs: int, seed: int = 0, progress: Any = None) -> CaseResult:
    """Run one case over `runs` seeded replicates with its historical strategies and check its criteria
    (`progress` is called with the number of runs just finished)."""
    from model.ensemble import run_replicates

    criteria = expected_criteria(spec)
    df = run_replicates(spec, runs=runs, seed=seed, progress=progress)
    stats = statistics(df)
    strategies = {a: str(df[f"strategy_{a}"].iloc[0]) for a in spec.actor_ids if f"strategy_{a}" in df}
    result = CaseResult(case=spec.name, path=spec.label, description=str(spec.expected.get("description", "")),
                        runs=runs, seed=seed, strategies=strategies)
    for key, bound in criteria.items():
        stat, side = EXPECTED_KEYS[key]
        value, low, high, n = stats[stat]
        result.checks.append(Check(key=key, bound=bound, value=value, low=low, high=high, n=n,
                                   passed=_passes(side, value, bound)))
    lo, hi = bootstrap_mean_interval(df["n_ceasefires"].to_numpy())
    result.summary = {name: {"value": None if math.isnan(v[0]) else v[0], "low": v[1], "high": v[2], "n": v[3]}
                      for name, v in stats.items()}
    result.summary["ceasefires_per_run_mean"] = {"value": float(df["n_ceasefires"].mean()), "low": lo, "high": hi,
                                                 "n": len(df)}
    return result


def case_names() -> list[str]:
    """Built-in scenarios that carry an `[expected]` table: the validation cases."""
    return [name for name in scenario_module.builtin_names() if scenario_module.load(name).expected]


def validate(cases: list[str] | None = None, runs: int = 200, seed: int = 0, progress: bool = False) -> list[CaseResult]:
    """Validate the named cases (built-in names or paths; default: every built-in case). All files are loaded
    and their criteria checked before anything runs, so bad input fails fast. `progress`: a bar on stderr."""
    from runs.progress import bar

    if runs < 1:
        raise CeasefireError(f"--runs {runs}: must be at least 1")
    names = list(cases) if cases else case_names()
    specs = [scenario_module.load(c) for c in names]
    for spec in specs:
        expected_criteria(spec)
    with bar("validate", runs * len(specs), progress) as advance:
        return [validate_case(spec, runs, seed, progress=advance) for spec in specs]


def table_rows(results: list[CaseResult]) -> list[tuple[str, str, str, str]]:
    """(case, expected, simulated with 95% interval, pass/fail) rows, one per criterion."""
    rows = []
    for r in results:
        for i, c in enumerate(r.checks):
            rows.append((r.case if i == 0 else "", c.expected_text, c.simulated_text, "pass" if c.passed else "FAIL"))
    return rows


def format_table(results: list[CaseResult]) -> str:
    """The case table as plain text (also pasted as Markdown into docs/validation.md by `markdown_table`)."""
    header = ("case", "expected", "simulated [95% CI]", "result")
    rows = table_rows(results)
    widths = [max(len(header[j]), *(len(row[j]) for row in rows)) if rows else len(header[j]) for j in range(4)]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)), line]
    out += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    passed = sum(r.passed for r in results)
    runs = results[0].runs if results else 0
    out += [line, f"{passed} of {len(results)} cases pass ({runs} runs each, seed {results[0].seed if results else 0})"]
    return "\n".join(out)


def markdown_table(results: list[CaseResult]) -> str:
    rows = table_rows(results)
    out = ["| case | expected | simulated [95% CI] | result |", "|---|---|---|---|"]
    out += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    return "\n".join(out)
