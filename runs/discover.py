"""Scenario discovery: under which conditions does strategy A beat strategy B? (PRIM, Friedman & Fisher 1999,
as implemented in the EMA Workbench; Bryant & Lempert 2010 on scenario discovery.)

The uncertain parameters (`runs.sensitivity.default_uncertainties`) are sampled by Latin hypercube; A and B run on
the same sample points and the same seeds (common random numbers: the same `seed` and the same `per_run` arrays, so
run i of A and run i of B share every random draw the strategies do not change). At each point "A beats B" when A's
mean over the replicates is better than B's on the chosen metric (higher US utility by default; or higher share
durable; or lower US concession). PRIM then peels boxes of the parameter space where A beats B: each box is printed
with its limits, coverage (share of all A-wins inside it) and density (share of points inside it where A wins).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.errors import CeasefireError
from model.scenario import Scenario
from runs.sensitivity import (
    Uncertainty,
    check_override_names,
    counterpart_of,
    default_uncertainties,
    focal_actor,
    per_sample,
    problem,
    run_samples,
    strategy_kwargs,
)

METRICS: dict[str, tuple[str, int]] = {
    "us_utility": ("us_utility", +1),
    "durable": ("share_durable", +1),
    "us_concession": ("us_concession", -1),
}
"""Metric name -> (per-sample column, +1 if higher is better, -1 if lower is better)."""


def choose_box(trajectory: pd.DataFrame, min_coverage: float) -> int:
    """The peeling step to report: the densest box that still covers `min_coverage` of the A-wins (ties: the
    one with more coverage, then the simpler one)."""
    ok = trajectory[trajectory["coverage"] >= min_coverage]
    if ok.empty:
        ok = trajectory
    best = ok.sort_values(["density", "coverage", "res_dim"], ascending=[False, False, True])
    return int(best.index[0])


def box_report(box: Any, i: int, columns: list[str]) -> dict[str, Any]:
    """Limits (restricted dimensions only, with PRIM's quasi-p-values), coverage, density, mass of step i."""
    stats, limits = box.inspect(i, style="data")[0]
    restricted = []
    for name, row in limits.iterrows():
        values = row.to_numpy()
        restricted.append({"parameter": str(name), "min": float(values[0]), "max": float(values[1]),
                           "qp": [float(v) for v in values[2:] if np.isfinite(v)]})
    return {"step": i, "coverage": float(stats["coverage"]), "density": float(stats["density"]),
            "mass": float(stats["mass"]), "n": int(stats["n"]), "restricted": restricted, "columns": columns}


def run_prim(x: pd.DataFrame, wins: np.ndarray, min_coverage: float, max_boxes: int) -> tuple[list[dict[str, Any]], list[Any]]:
    """PRIM boxes (at most max_boxes; PRIM stops earlier when what remains is not worth a box)."""
    import logging
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ema_workbench warns that optional ipyparallel is missing
        from ema_workbench.analysis import prim

    logging.getLogger("EMA").setLevel(logging.ERROR)
    reports, boxes = [], []
    if wins.all() or not wins.any():
        return reports, boxes
    base_rate = float(wins.mean())
    finder = prim.Prim(x, wins, peel_alpha=0.05, paste_alpha=0.05, mass_min=0.05)
    for _ in range(max_boxes):
        box = finder.find_box()
        if box is None:
            break
        traj = box.peeling_trajectory
        i = choose_box(traj, min_coverage)
        box.select(i)
        if traj.loc[i, "res_dim"] == 0 or traj.loc[i, "density"] < base_rate + 0.05:
            break  # no box clearly denser in wins than the whole space
        reports.append(box_report(box, i, list(x.columns)))
        boxes.append(box)
    return reports, boxes


def discover(spec: Scenario, strategy: str, versus: str, samples: int = 400, replicates: int = 20, seed: int = 0,
             metric: str = "us_utility", min_coverage: float = 0.5, max_boxes: int = 2,
             uncertainties: list[Uncertainty] | None = None, focus: list[str] | None = None,
             progress: bool = False) -> dict[str, Any]:
    """Sample, run A and B on common random numbers, mark where A beats B, and find PRIM boxes.

    Args:
        focus: parameters for a second PRIM restricted to them (default: the focal actor's credibility and its
            counterpart's resolve, the question of the project), or [] for none.

    Returns:
        {"data": per-sample parameters, both strategies' outputs, the difference and `a_beats_b`; "boxes": PRIM
        boxes over all parameters; "focus_boxes": over `focus` only; "share_a_beats_b"; ...}.
    """
    from SALib.sample import latin

    from model.assignment import assign

    if metric not in METRICS:
        raise CeasefireError(f"--metric {metric!r}: allowed: {', '.join(METRICS)}")
    if samples < 10:
        raise CeasefireError(f"--samples {samples}: must be at least 10")
    if strategy == versus:
        raise CeasefireError(f"--strategy and --versus are both {strategy!r}: nothing to compare")
    for name in (strategy, versus):
        assign(spec, **strategy_kwargs(spec, name))
    uncertainties = uncertainties or default_uncertainties(spec)
    check_override_names(spec, uncertainties)
    prob = problem(uncertainties)
    names = prob["names"]
    x = latin.sample(prob, samples, seed=seed)
    from runs.progress import bar

    with bar("discover", 2 * samples * replicates, progress) as advance:
        out_a = per_sample(run_samples(spec, strategy, names, x, replicates, seed, progress=advance))
        out_b = per_sample(run_samples(spec, versus, names, x, replicates, seed, progress=advance))
    column, sign = METRICS[metric]
    diff = sign * (out_a[column].to_numpy() - out_b[column].to_numpy())
    wins = diff > 0
    data = pd.DataFrame(x, columns=names)
    for col in out_a.columns:
        data[f"{col}_A"] = out_a[col].to_numpy()
        data[f"{col}_B"] = out_b[col].to_numpy()
    data["advantage"] = diff
    data["a_beats_b"] = wins
    boxes, box_objects = run_prim(data[names], wins, min_coverage, max_boxes)
    if focus is None:
        focal = focal_actor(spec)
        other = counterpart_of(spec, focal)
        focus = [n for n in (f"{focal}.credibility", f"{other}.resolve") if n in names]
    unknown = [f for f in focus if f not in names]
    if unknown:
        raise CeasefireError(f"--focus {unknown[0]!r}: not an uncertain parameter; allowed: {', '.join(names)}")
    focus_boxes, focus_objects = run_prim(data[focus], wins, min_coverage, max_boxes) if focus else ([], [])
    return {"scenario": spec.name, "strategy": strategy, "versus": versus, "metric": metric, "samples": samples,
            "replicates": replicates, "seed": seed, "share_a_beats_b": float(wins.mean()), "data": data,
            "boxes": boxes, "focus": focus, "focus_boxes": focus_boxes, "_box_objects": box_objects,
            "_focus_objects": focus_objects, "uncertainties": uncertainties}


def _box_lines(reports: list[dict[str, Any]], uncertainties: list[Uncertainty]) -> list[str]:
    ranges = {u.name: (u.low, u.high) for u in uncertainties}
    lines = []
    if not reports:
        lines.append("  no box: PRIM found no region that separates the wins from the losses")
    for n, r in enumerate(reports, 1):
        lines.append(f"  box {n} (peeling step {r['step']}): coverage {r['coverage']:.2f}, density {r['density']:.2f}, "
                     f"mass {r['mass']:.2f} ({r['n']} points)")
        for lim in r["restricted"]:
            lo, hi = ranges.get(lim["parameter"], (np.nan, np.nan))
            qp = ", ".join(f"{q:.1e}" for q in lim["qp"])
            lines.append(f"    {lim['parameter']:26s} {lim['min']:.3f} .. {lim['max']:.3f}   (sampled {lo:.3g} .. {hi:.3g}; qp {qp})")
    return lines


def format_result(result: dict[str, Any]) -> str:
    data = result["data"]
    lines = [
        f"{result['scenario']}: does {result['strategy']} beat {result['versus']} on {result['metric']}? "
        f"{result['samples']} Latin-hypercube points x {result['replicates']} replicates, common random numbers (seed {result['seed']})",
        f"A beats B at {result['share_a_beats_b']:.0%} of points; mean advantage {data['advantage'].mean():+.3f} "
        f"(A {data[METRICS[result['metric']][0] + '_A'].mean():.3f}, B {data[METRICS[result['metric']][0] + '_B'].mean():.3f})",
        "",
        "PRIM boxes over all uncertain parameters (where A beats B):",
        *_box_lines(result["boxes"], result["uncertainties"]),
    ]
    if result["focus"]:
        lines += ["", f"PRIM boxes over {', '.join(result['focus'])} only:",
                  *_box_lines(result["focus_boxes"], result["uncertainties"])]
    return "\n".join(lines)


def plot(result: dict[str, Any], out_dir: Path) -> list[Path]:
    """Peeling trajectory (coverage vs density) and the chosen box's limits, for each box found; and a scatter of
    the focus parameters coloured by whether A beats B."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"discover-{result['scenario']}-{result['strategy']}-vs-{result['versus']}"
    paths = []
    for label, objects in (("all", result["_box_objects"]), ("focus", result["_focus_objects"])):
        for n, box in enumerate(objects, 1):
            fig = box.show_tradeoff()
            fig.suptitle(f"{label} parameters, box {n}: peeling trajectory")
            path = out_dir / f"{stem}-{label}-box{n}-tradeoff.png"
            fig.savefig(path, dpi=100, bbox_inches="tight")
            plt.close(fig)
            paths.append(path)
            res = box.inspect(style="graph")
            while isinstance(res, list | tuple):
                res = res[0]
            fig = res.figure if hasattr(res, "figure") and not hasattr(res, "savefig") else res
            path = out_dir / f"{stem}-{label}-box{n}-limits.png"
            fig.savefig(path, dpi=100, bbox_inches="tight")
            plt.close(fig)
            paths.append(path)
    if len(result["focus"]) == 2:
        data = result["data"]
        a, b = result["focus"]
        fig, ax = plt.subplots(figsize=(6, 5))
        wins = data["a_beats_b"].to_numpy()
        ax.scatter(data.loc[~wins, a], data.loc[~wins, b], s=10, c="tab:red", label=f"{result['versus']} at least as good")
        ax.scatter(data.loc[wins, a], data.loc[wins, b], s=10, c="tab:blue", label=f"{result['strategy']} better")
        for r in result["focus_boxes"][:1]:
            lims = {x["parameter"]: (x["min"], x["max"]) for x in r["restricted"]}
            xa = lims.get(a, (data[a].min(), data[a].max()))
            xb = lims.get(b, (data[b].min(), data[b].max()))
            ax.add_patch(plt.Rectangle((xa[0], xb[0]), xa[1] - xa[0], xb[1] - xb[0], fill=False, lw=2))
        ax.set_xlabel(a)
        ax.set_ylabel(b)
        ax.legend(loc="best", fontsize=8)
        ax.set_title(f"{result['scenario']}: {result['strategy']} vs {result['versus']} ({result['metric']})")
        path = out_dir / f"{stem}-focus-scatter.png"
        fig.savefig(path, dpi=100, bbox_inches="tight")
        plt.close(fig)
        paths.append(path)
    return paths
