"""Global sensitivity analysis with SALib: how much each uncertain number drives the share of runs ending with a
durable ceasefire, the US concession and US utility, under one strategy.

A SALib sample of the uncertain parameters (Sobol' via Saltelli/Sobol sequences, or Morris elementary effects) is
run as one array program: each sample point gets `replicates` seeded runs (`run_replicates(..., per_run=...)`), and
the model output at the point is the mean over them (share durable; mean US concession; mean US utility). Indices come with SALib's
bootstrap confidence intervals. The default uncertain set and its ranges are defined here and documented in
`docs/model.md` ("Uncertain parameters and sensitivity").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.errors import CeasefireError
from model.scenario import Scenario

OUTPUTS: dict[str, str] = {
    "share_durable": "share of runs ending with a durable ceasefire in force",
    "us_concession": "mean US concession (salience-weighted distance from its ideal to the terms)",
    "us_utility": "mean US utility over the run (discounted weekly utility minus costs borne, plus the end state)",
}

SECOND_EDITION_MECHANISM = ("horizon", "prior_weeks", "betrayal_cost", "margin_uncertainty", "regroup_rate",
                            "punish_fraction", "resolve_wear", "gamma")
"""The eight constants the second edition's mechanics rest on (the default set of `ceasefire optimize`'s worlds,
where an ultimatum's deadline is a lever the search chooses, not an uncertainty)."""

DEFAULT_MECHANISM = (*SECOND_EDITION_MECHANISM, "threat_period", "attrition", "war_intensity", "limited_escalation",
                     "concession_step", "recruitment_noise")
"""Mechanism constants varied by default over their plausible ranges: the eight the second edition's mechanics
rest on, and the six under which issue 11 found the 2016 conclusion ("or_else holds more often than concede")
reversing or the fit to the cases moving (threat_period, attrition, war_intensity, limited_escalation; concession_step
and recruitment_noise)."""


@dataclass(frozen=True)
class Uncertainty:
    """One uncertain number: an override name (`ACTOR.field` or `params.NAME`), its range and why."""

    name: str
    low: float
    high: float
    reason: str


def focal_actor(spec: Scenario) -> str:
    """The actor whose strategy is studied: USA where present, else the first veto player."""
    if "USA" in spec.actor_ids:
        return "USA"
    return next(a.id for a in spec.actors if a.veto)


def counterpart_of(spec: Scenario, actor_id: str) -> str | None:
    actor = spec.actor(actor_id)
    if actor.counterpart:
        return actor.counterpart
    return next((a.id for a in spec.actors if a.veto and a.id != actor_id), None)


def default_uncertainties(spec: Scenario, mechanism: tuple[str, ...] = DEFAULT_MECHANISM) -> list[Uncertainty]:
    """The default uncertain set for a scenario (ranges and reasons in docs/model.md):

    - focal (US) `credibility` over [0, 1]: the counterfactual under study, unknowable in advance;
    - focal `strike_cost` from 0.5x to 2x its value, if it has one: what a strike would cost it is a judgement;
    - the counterpart's (Russia's) `resolve` over [0.3, 1]: from a Russia that would fold to one that would not;
    - `incident_rate` over [0, 0.3]: a judgement in every scenario;
    - the force of each armed spoiler in the counterpart's camp (the regime, Iran) from 0.5x to 1.5x: the sources
      give ranges (deployable regime troops 20-25k of ~200k) and the conversion to combat power is a judgement;
    - the mechanism constants in `mechanism` (by default `DEFAULT_MECHANISM`), over their plausible ranges
      (`model.constants.MECHANISM_RANGES`; integer ones are rounded).
    """
    from model.constants import MECHANISM_RANGES

    focal = focal_actor(spec)
    out = [Uncertainty(f"{focal}.credibility", 0.0, 1.0, "how credible the focal actor's threats are: the question itself")]
    cost = spec.actor(focal).strike_cost
    if cost > 0:
        out.append(Uncertainty(f"{focal}.strike_cost", 0.5 * cost, 2.0 * cost, "judgement of what a strike costs the threatener, 0.5x-2x"))
    other = counterpart_of(spec, focal)
    if other is not None:
        out.append(Uncertainty(f"{other}.resolve", 0.3, 1.0, "counterpart's tolerance for costs, from folding to unyielding"))
    out.append(Uncertainty("params.incident_rate", 0.0, 0.3, "weekly chance of a grave incident under a truce, 0-30%"))
    if other is not None:
        camp = spec.actor(other).camp
        for a in spec.actors:
            if camp is not None and a.camp == camp and a.spoiler and a.force > 0:
                out.append(Uncertainty(f"{a.id}.force", 0.5 * a.force, 1.5 * a.force, "armed spoiler's combat power, +-50%"))
    for name in mechanism:
        lo, hi = MECHANISM_RANGES[name]
        out.append(Uncertainty(f"params.{name}", float(lo), float(hi), "mechanism constant, plausible range"))
    return out


def problem(uncertainties: list[Uncertainty]) -> dict[str, Any]:
    """The SALib problem dict."""
    return {"num_vars": len(uncertainties), "names": [u.name for u in uncertainties],
            "bounds": [[u.low, u.high] for u in uncertainties]}


def strategy_kwargs(spec: Scenario, strategy: str) -> dict[str, Any]:
    """`run_replicates` keywords that give the focal actor `strategy`."""
    if "USA" in spec.actor_ids:
        return {"us_strategy": strategy}
    return {"strategies": {focal_actor(spec): strategy}}


def run_samples(spec: Scenario, strategy: str, names: list[str], x: np.ndarray, replicates: int,
                seed: int = 0, progress: Any = None) -> pd.DataFrame:
    """Run every sample point (rows of x) `replicates` times as one batch; one row per run with a `sample` column.

    Run i of the batch is replicate i of `seed`, so two strategies run on the same x and seed see common random
    numbers run by run."""
    from model.constants import INTEGER_MECHANISM_NAMES
    from model.ensemble import run_replicates

    if replicates < 1:
        raise CeasefireError(f"--replicates {replicates}: must be at least 1")
    n = x.shape[0]
    whole = {f"params.{k}" for k in INTEGER_MECHANISM_NAMES}
    per_run = {name: np.repeat(np.round(x[:, j]) if name in whole else x[:, j], replicates)
               for j, name in enumerate(names)}
    df = run_replicates(spec, runs=n * replicates, seed=seed, per_run=per_run, progress=progress,
                        **strategy_kwargs(spec, strategy))
    df.insert(0, "sample", np.repeat(np.arange(n), replicates))
    return df


def per_sample(df: pd.DataFrame) -> pd.DataFrame:
    """Model outputs per sample point: share durable, mean US concession, mean US utility."""
    grouped = df.assign(durable=(df["outcome"] == "durable").astype(float)).groupby("sample", sort=True)
    return pd.DataFrame({"share_durable": grouped["durable"].mean(), "us_concession": grouped["us_concession"].mean(),
                         "us_utility": grouped["us_utility"].mean()})


def check_override_names(spec: Scenario, uncertainties: list[Uncertainty]) -> None:
    from model.world import allowed_override_names

    allowed = set(allowed_override_names(spec))
    for u in uncertainties:
        if u.name not in allowed:
            raise CeasefireError(f"{spec.label}: unknown uncertain parameter {u.name!r}")
        if not u.low < u.high:
            raise CeasefireError(f"{u.name}: range [{u.low}, {u.high}] is empty")


def sensitivity(spec: Scenario, strategy: str, method: str = "sobol", samples: int = 128, replicates: int = 20,
                seed: int = 0, uncertainties: list[Uncertainty] | None = None, progress: bool = False) -> dict[str, Any]:
    """Sobol' (first-order S1 and total ST) or Morris (mu*, sigma) indices with 95% confidence intervals.

    Args:
        samples: Sobol' base sample N (a power of 2; N x (D + 2) points) or Morris trajectories (N x (D + 1)).
        replicates: seeded runs per sample point.
        progress: a bar of the runs on stderr.

    Returns:
        {"indices": long DataFrame (output, parameter, index, value, conf), "samples": per-point outputs with the
        parameter values, "uncertainties": the list, "method", "runs"}.
    """
    from SALib.analyze import morris as morris_analyze
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    from model.assignment import assign

    if method not in ("sobol", "morris"):
        raise CeasefireError(f"--method {method!r}: allowed: sobol, morris")
    if samples < 2:
        raise CeasefireError(f"--samples {samples}: must be at least 2")
    assign(spec, **strategy_kwargs(spec, strategy))  # a bad strategy name fails before any work
    uncertainties = uncertainties or default_uncertainties(spec)
    check_override_names(spec, uncertainties)
    prob = problem(uncertainties)
    if method == "sobol":
        if samples & (samples - 1):
            raise CeasefireError(f"--samples {samples}: Sobol' sampling needs a power of 2 (e.g. 64, 128, 256)")
        x = sobol_sample.sample(prob, samples, calc_second_order=False, seed=seed)
    else:
        x = morris_sample.sample(prob, samples, num_levels=4, seed=seed)
    from runs.progress import bar

    with bar("sensitivity", x.shape[0] * replicates, progress) as advance:
        outputs = per_sample(run_samples(spec, strategy, prob["names"], x, replicates, seed, progress=advance))
    rows = []
    for out in OUTPUTS:
        y = outputs[out].to_numpy()
        if method == "sobol":
            res = sobol_analyze.analyze(prob, y, calc_second_order=False, seed=seed)
            for j, name in enumerate(prob["names"]):
                rows.append((out, name, "S1", res["S1"][j], res["S1_conf"][j]))
                rows.append((out, name, "ST", res["ST"][j], res["ST_conf"][j]))
        else:
            res = morris_analyze.analyze(prob, x, y, num_levels=4, seed=seed)
            for j, name in enumerate(prob["names"]):
                rows.append((out, name, "mu_star", res["mu_star"][j], res["mu_star_conf"][j]))
                rows.append((out, name, "sigma", res["sigma"][j], np.nan))
    indices = pd.DataFrame(rows, columns=["output", "parameter", "index", "value", "conf"])
    table = pd.concat([pd.DataFrame(x, columns=prob["names"]), outputs.reset_index(drop=True)], axis=1)
    return {"indices": indices, "samples": table, "uncertainties": uncertainties, "method": method,
            "runs": int(x.shape[0] * replicates), "points": int(x.shape[0]), "scenario": spec.name, "strategy": strategy}


def ranked(indices: pd.DataFrame, method: str) -> pd.DataFrame:
    """One row per output and parameter, ranked by total effect (ST) or mu*."""
    main = "ST" if method == "sobol" else "mu_star"
    wide = indices.pivot_table(index=["output", "parameter"], columns="index", values=["value", "conf"], dropna=False)
    wide.columns = [f"{idx}" if v == "value" else f"{idx}_conf" for v, idx in wide.columns]
    wide = wide.reset_index()
    return wide.sort_values(["output", main], ascending=[True, False]).reset_index(drop=True)


def wide_intervals(result: dict[str, Any]) -> pd.DataFrame:
    """The indices whose 95% confidence half-width is larger than the estimate itself: with so few samples their
    value (even its sign) is noise, and ranking by it means nothing."""
    ind = result["indices"]
    return ind[ind["conf"].notna() & (ind["conf"] > ind["value"].abs())]


def interval_warning(result: dict[str, Any]) -> str | None:
    """One line warning of `wide_intervals` (None when every interval is narrower than its estimate)."""
    wide = wide_intervals(result)
    if wide.empty:
        return None
    total = int(result["indices"]["conf"].notna().sum())
    worst = wide.loc[(wide["conf"] - wide["value"].abs()).idxmax()]
    return (f"warning: {len(wide)} of {total} indices have a 95% interval wider than the estimate (e.g. "
            f"{worst['index']} of {worst['parameter']} on {worst['output']} = {worst['value']:.3f} +- "
            f"{worst['conf']:.3f}): they cannot be told from zero; rerun with more --samples or --replicates")


def format_indices(result: dict[str, Any]) -> str:
    method = result["method"]
    table = ranked(result["indices"], method)
    cols = ["S1", "ST"] if method == "sobol" else ["mu_star", "sigma"]
    lines = [f"{result['scenario']} / {result['strategy']}: {method} over {result['points']} points x "
             f"{result['runs'] // result['points']} replicates = {result['runs']} runs; +- is the 95% confidence half-width"]
    for out, meaning in OUTPUTS.items():
        lines += ["", f"{out}: {meaning}", f"  {'parameter':26s}" + "".join(f"{c:>20s}" for c in cols)]
        for _, row in table[table["output"] == out].iterrows():
            cells = []
            for c in cols:
                conf = row.get(f"{c}_conf", np.nan)
                cells.append(f"{row[c]:8.3f}" + (f" +-{conf:6.3f}" if np.isfinite(conf) else " " * 9))
            lines.append(f"  {row['parameter']:26s}" + "".join(f"{cell:>20s}" for cell in cells))
    return "\n".join(lines)


def plot(result: dict[str, Any], path: Path) -> Path:
    """Bar chart of the indices with their confidence intervals, one panel per output."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    method = result["method"]
    table = ranked(result["indices"], method)
    cols = ["S1", "ST"] if method == "sobol" else ["mu_star"]
    fig, axes = plt.subplots(1, len(OUTPUTS), figsize=(6 * len(OUTPUTS), 0.5 * len(result["uncertainties"]) + 2), squeeze=False)
    for ax, out in zip(axes[0], OUTPUTS, strict=True):
        sub = table[table["output"] == out].iloc[::-1]
        y = np.arange(len(sub))
        h = 0.8 / len(cols)
        for i, c in enumerate(cols):
            err = sub.get(f"{c}_conf")
            ax.barh(y + i * h, sub[c], height=h, xerr=None if err is None else np.nan_to_num(err.to_numpy()), label=c, capsize=2)
        ax.set_yticks(y + h * (len(cols) - 1) / 2, sub["parameter"])
        ax.set_title(out)
        ax.legend()
    fig.suptitle(f"{result['scenario']} / {result['strategy']}: {method} indices (95% CI)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
