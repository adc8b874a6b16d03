"""`ceasefire sensitivity` and `ceasefire discover` (registered on the app of `runs.cli`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from runs.cli import app, check_out_dir, dumps_json, user_errors
from runs.progress import wanted


@app.command()
@user_errors
def sensitivity(
    scenario: Annotated[str, typer.Option("--scenario", help="built-in scenario name or path to a .toml file")] = "syria-2016",
    strategy: Annotated[str, typer.Option("--strategy", help="the US (focal actor's) strategy")] = "or_else",
    method: Annotated[str, typer.Option("--method", help="sobol or morris")] = "sobol",
    samples: Annotated[int, typer.Option("--samples", min=2, max=65_536, help="Sobol' base sample (power of 2) or Morris trajectories")] = 128,
    replicates: Annotated[int, typer.Option("--replicates", min=1, max=10_000, help="seeded runs per sample point")] = 20,
    seed: Annotated[int, typer.Option("--seed", min=0, help="master seed")] = 0,
    out: Annotated[Path, typer.Option("--out", help="directory for the plot and CSV tables")] = Path("out/sensitivity"),
    as_json: Annotated[bool, typer.Option("--json", help="print the indices as JSON")] = False,
    progress: Annotated[bool | None, typer.Option("--progress/--no-progress", help="progress bar on stderr (default: only on a terminal)")] = None,
) -> None:
    """Sobol' or Morris indices (SALib) for the durable share, US concession and US utility over the uncertain parameters
    (actor numbers and, by default, 14 mechanism constants over their plausible ranges)."""
    from model import scenario as scenario_module
    from runs import sensitivity as sa

    check_out_dir(out)  # before any computing
    spec = scenario_module.load(scenario)
    result = sa.sensitivity(spec, strategy, method=method, samples=samples, replicates=replicates, seed=seed,
                            progress=wanted(progress))
    out.mkdir(parents=True, exist_ok=True)
    stem = f"sensitivity-{spec.name}-{strategy}-{method}"
    result["indices"].to_csv(out / f"{stem}.csv", index=False)
    result["samples"].to_csv(out / f"{stem}-samples.csv", index=False)
    png = sa.plot(result, out / f"{stem}.png")
    warning = sa.interval_warning(result)
    if warning:
        typer.echo(warning, err=True)
    if as_json:
        typer.echo(dumps_json(result["indices"].to_dict(orient="records")))
        return
    typer.echo(sa.format_indices(result))
    typer.echo(f"\nplot: {png}\ntables: {out / (stem + '.csv')}")


@app.command()
@user_errors
def discover(
    scenario: Annotated[str, typer.Option("--scenario", help="built-in scenario name or path to a .toml file")] = "syria-2016",
    strategy: Annotated[str, typer.Option("--strategy", help="strategy A (the US's, or the focal actor's)")] = "or_else",
    versus: Annotated[str, typer.Option("--versus", help="strategy B")] = "concede",
    samples: Annotated[int, typer.Option("--samples", min=10, max=100_000, help="Latin-hypercube sample points")] = 400,
    replicates: Annotated[int, typer.Option("--replicates", min=1, max=10_000, help="seeded runs per point (same seeds for A and B)")] = 20,
    metric: Annotated[str, typer.Option("--metric", help="us_utility (higher), durable (higher) or us_concession (lower)")] = "us_utility",
    min_coverage: Annotated[float, typer.Option("--min-coverage", min=0.0, max=1.0, help="choose the densest box covering at least this share of A's wins")] = 0.5,
    focus: Annotated[list[str], typer.Option("--focus", help="parameter for a second, focused PRIM (repeatable; default: US credibility and Russian resolve)")] = [],  # noqa: B006
    seed: Annotated[int, typer.Option("--seed", min=0, help="master seed")] = 0,
    out: Annotated[Path, typer.Option("--out", help="directory for plots and the sample table")] = Path("out/discover"),
    as_json: Annotated[bool, typer.Option("--json", help="print the boxes as JSON")] = False,
    progress: Annotated[bool | None, typer.Option("--progress/--no-progress", help="progress bar on stderr (default: only on a terminal)")] = None,
) -> None:
    """Where does strategy A beat strategy B? PRIM boxes (EMA Workbench) with coverage and density."""
    from model import scenario as scenario_module
    from runs import discover as sd

    check_out_dir(out)  # before any computing
    spec = scenario_module.load(scenario)
    result = sd.discover(spec, strategy, versus, samples=samples, replicates=replicates, seed=seed, metric=metric,
                         min_coverage=min_coverage, focus=focus or None, progress=wanted(progress))
    out.mkdir(parents=True, exist_ok=True)
    table = out / f"discover-{spec.name}-{strategy}-vs-{versus}.csv"
    result["data"].to_csv(table, index=False)
    paths = sd.plot(result, out)
    if as_json:
        keys = ("scenario", "strategy", "versus", "metric", "samples", "replicates", "seed", "share_a_beats_b",
                "boxes", "focus", "focus_boxes")
        typer.echo(dumps_json({k: result[k] for k in keys}))
        return
    typer.echo(sd.format_result(result))
    typer.echo(f"\nplots: {', '.join(str(p) for p in paths)}\nsamples: {table}")
