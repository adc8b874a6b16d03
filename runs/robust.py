"""Conclusions with their robustness (DESIGN section 7): each US strategy against the 2016 course over the worlds
the validation cases cannot tell apart.

A world is one set of mechanism constants: one of the calibration's accepted sets (`model/calibration.json`,
"accepted": the trials with a score within `accept_margin` of the best, whether or not the calibration passes
validation; without a calibration, the hand-set constants stand for the accepted set), with the constants the cases
carry no information on (`runs.calibrate.FIXED`, except `margin_uncertainty` and `durable_weeks`, which are fixed by
a consistency condition and by definition) drawn over their plausible ranges by a Latin hypercube. Every strategy
runs in every world on the same seeds (common random numbers). Per strategy, the table gives the share of worlds in
which it beats the baseline (`concede`, the 2016 course; a difference of at most `TIE` is a tie) on the durable
share and on mean US utility, with Wilson 95% intervals over worlds, and the mean paired difference with a bootstrap
interval.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from model.errors import CeasefireError
from model.scenario import Scenario
from runs.stats import bootstrap_mean_interval, wilson_interval

TIE = 1e-9
"""A paired difference no larger than this is a tie, not a win: two strategies that play out identically differ only
by rounding in the last bits of a mean."""

KEPT_FIXED = ("margin_uncertainty", "durable_weeks")
"""Constants that stay at their value in every world: one set by a consistency condition, one a definition."""


def uninformed() -> list[str]:
    """Constants the cases say nothing about: sampled over their plausible ranges."""
    from runs.calibrate import FIXED

    return [name for name in FIXED if name not in KEPT_FIXED]


def describe_record(record: dict[str, Any]) -> str:
    """Which accepted sets the worlds come from, in words (a calibration that passes validation or not)."""
    from model.constants import passes_validation

    if not record.get("accepted"):
        return "no calibration: the hand-set constants stand for the accepted set"
    verdict = "passes validation" if passes_validation(record) else "does not pass validation"
    return (f"the {len(record['accepted'])} accepted sets of a calibration that {verdict} "
            f"({record.get('trials')} trials x {record.get('runs_per_case')} runs, seed {record.get('seed')})")


def worlds(record: dict[str, Any], n: int, seed: int = 0) -> pd.DataFrame:
    """n worlds (rows; columns `params.NAME`): the accepted sets in turn (best first), each with a Latin-hypercube
    draw of the uninformed constants. Without a calibration record, the hand-set constants stand for the accepted set."""
    from scipy.stats import qmc

    from model.constants import INTEGER_MECHANISM_NAMES, MECHANISM_RANGES
    from runs.calibrate import hand_set

    if n < 1:
        raise CeasefireError(f"--worlds {n}: must be at least 1")
    base = hand_set()
    accepted = [a["constants"] for a in record.get("accepted", [])] or [{}]
    names = uninformed()
    draws = qmc.LatinHypercube(d=len(names), seed=np.random.default_rng(seed)).random(n)
    rows = []
    for w in range(n):
        row = base | accepted[w % len(accepted)]
        for j, name in enumerate(names):
            lo, hi = MECHANISM_RANGES[name]
            value = lo + draws[w, j] * (hi - lo)
            row[name] = float(round(value)) if name in INTEGER_MECHANISM_NAMES else float(value)
        rows.append({f"params.{k}": float(v) for k, v in row.items()})
    return pd.DataFrame(rows)


def robust(spec: Scenario, strategies: list[str], baseline: str, world_table: pd.DataFrame, runs: int,
           seed: int = 0) -> dict[str, Any]:
    """Every strategy in every world (`runs` seeded runs each, the same seeds for every strategy and world).

    Returns {"per_world": one row per strategy and world (durable share, mean US utility, differences from the
    baseline), "table": one row per strategy (shares of worlds beating the baseline with intervals)}.
    """
    from model.assignment import assign
    from runs.sensitivity import per_sample, run_samples, strategy_kwargs

    if runs < 1:
        raise CeasefireError(f"--runs {runs}: must be at least 1")
    names = list(dict.fromkeys([baseline, *strategies]))
    for name in names:
        assign(spec, **strategy_kwargs(spec, name))
    x = world_table.to_numpy(dtype=np.float64)
    columns = list(world_table.columns)
    outputs = {}
    for name in names:
        outputs[name] = per_sample(run_samples(spec, name, columns, x, runs, seed)).reset_index(drop=True)
    base = outputs[baseline]
    frames, rows = [], []
    for i, name in enumerate(names):
        out = outputs[name]
        d_durable = (out["share_durable"] - base["share_durable"]).to_numpy()
        d_utility = (out["us_utility"] - base["us_utility"]).to_numpy()
        frames.append(pd.DataFrame({"strategy": name, "world": np.arange(len(out)),
                                    "share_durable": out["share_durable"], "us_utility": out["us_utility"],
                                    "diff_durable": d_durable, "diff_us_utility": d_utility}))
        if name == baseline:
            continue
        n = len(out)
        row: dict[str, Any] = {"strategy": name, "worlds": n}
        for key, diff in (("durable", d_durable), ("us_utility", d_utility)):
            k = int(np.sum(diff > TIE))
            row[f"beats_on_{key}"] = k / n
            row[f"beats_on_{key}_ci"] = list(wilson_interval(k, n))
            row[f"mean_diff_{key}"] = float(np.mean(diff))
            row[f"mean_diff_{key}_ci"] = list(bootstrap_mean_interval(diff, seed=seed + 11 * i))
        row["mean_share_durable"] = float(out["share_durable"].mean())
        row["mean_us_utility"] = float(out["us_utility"].mean())
        rows.append(row)
    table = pd.DataFrame(rows).sort_values(["beats_on_durable", "beats_on_us_utility"], ascending=False,
                                           kind="stable").reset_index(drop=True)
    return {"per_world": pd.concat(frames, ignore_index=True), "table": table, "baseline": baseline,
            "baseline_share_durable": float(base["share_durable"].mean()),
            "baseline_us_utility": float(base["us_utility"].mean()),
            "worlds": int(len(world_table)), "runs": runs, "seed": seed, "scenario": spec.name}


def format_table(result: dict[str, Any]) -> str:
    """The robustness table as plain text (the same rows go into docs and the README as Markdown)."""
    b = result["baseline"]
    lines = [f"{result['scenario']}: each US strategy against {b} in {result['worlds']} worlds (accepted sets of "
             f"constants x uninformed constants over their ranges), {result['runs']} runs per world, seed "
             f"{result['seed']}; {b}: durable {result['baseline_share_durable']:.2f}, US utility "
             f"{result['baseline_us_utility']:.3f} (means over worlds)"]
    if result.get("calibration"):
        lines.append(f"worlds from {result['calibration']}")
    lines += ["", markdown_table(result)]
    return "\n".join(lines)


def markdown_table(result: dict[str, Any]) -> str:
    b = result["baseline"]
    out = [f"| strategy | beats {b} on durable share: share of worlds [95% CI] | mean difference [95% CI] | "
           f"beats {b} on US utility: share of worlds [95% CI] | mean difference [95% CI] |",
           "|---|---|---|---|---|"]
    for _, r in result["table"].iterrows():
        cd, cu = r["beats_on_durable_ci"], r["beats_on_us_utility_ci"]
        md, mu = r["mean_diff_durable_ci"], r["mean_diff_us_utility_ci"]
        out.append(f"| {r['strategy']} | {r['beats_on_durable']:.2f} [{cd[0]:.2f}, {cd[1]:.2f}] | "
                   f"{r['mean_diff_durable']:+.3f} [{md[0]:+.3f}, {md[1]:+.3f}] | "
                   f"{r['beats_on_us_utility']:.2f} [{cu[0]:.2f}, {cu[1]:.2f}] | "
                   f"{r['mean_diff_us_utility']:+.3f} [{mu[0]:+.3f}, {mu[1]:+.3f}] |")
    return "\n".join(out)
