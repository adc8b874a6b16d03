"""`ceasefire calibrate` and `ceasefire robust` (registered on the app of `runs.cli`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from runs.cli import app, check_out_dir, dumps_json, user_errors


@app.command()
@user_errors
def calibrate(
    trials: Annotated[int, typer.Option("--trials", min=1, max=100_000, help="optuna TPE trials (the first is the hand-set constants)")] = 200,
    runs: Annotated[int, typer.Option("--runs", min=1, max=1_000_000, help="seeded runs per case and per counterfactual variant in each trial")] = 100,
    seed: Annotated[int, typer.Option("--seed", min=0, help="the sampler's seed (the cases run on seed + 1000)")] = 0,
    case: Annotated[list[str], typer.Option("--case", help="case name or path, repeatable (default: every built-in case)")] = [],  # noqa: B006
    accept_margin: Annotated[float, typer.Option("--accept-margin", min=0.0, max=1e6, help="accept the trials with a score within this of the best")] = 1.0,
    out: Annotated[Path, typer.Option("--out", help="where to write the record (the model reads model/calibration.json, and loads it by default only if it passes validation)")] = Path("model/calibration.json"),
    as_json: Annotated[bool, typer.Option("--json", help="print the record as JSON")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="no progress lines")] = False,
) -> None:
    """Fit the mechanism constants jointly to the validation cases (optuna TPE over their plausible ranges) and write
    the record (loaded by default only if every case passes at the fit's settings). docs/calibration.md says how it was made and how to redo it."""
    from runs import calibrate as cal

    check_out_dir(out.parent, "--out")  # before any computing

    def progress(number: int, value: float, best: float) -> None:
        if not quiet:
            typer.echo(f"trial {number:4d}: score {value:7.3f}   best {best:7.3f}", err=True)

    record = cal.calibrate(trials=trials, runs=runs, seed=seed, cases=case or None, accept_margin=accept_margin,
                           progress=progress)
    path = cal.write(record, out)
    if as_json:
        typer.echo(dumps_json(record))
        return
    typer.echo(cal.format_record(record))
    typer.echo(f"\nrecord: {path}")


@app.command()
@user_errors
def robust(
    scenario: Annotated[str, typer.Option("--scenario", help="built-in scenario name or path to a .toml file")] = "syria-2016",
    strategy: Annotated[list[str], typer.Option("--strategy", help="US strategy to compare, repeatable (default: every US strategy)")] = [],  # noqa: B006
    baseline: Annotated[str, typer.Option("--baseline", help="the course each strategy is compared with")] = "concede",
    worlds: Annotated[int, typer.Option("--worlds", min=1, max=100_000, help="sets of constants (accepted calibrations x uninformed constants)")] = 40,
    runs: Annotated[int, typer.Option("--runs", min=1, max=1_000_000, help="seeded runs per strategy and world")] = 50,
    seed: Annotated[int, typer.Option("--seed", min=0, help="master seed (worlds and runs)")] = 0,
    calibration: Annotated[Path | None, typer.Option("--calibration", help="calibration record (default: model/calibration.json), or 'none' for worlds around the hand-set constants")] = None,
    out: Annotated[Path, typer.Option("--out", help="directory for the per-world table")] = Path("out/robust"),
    as_json: Annotated[bool, typer.Option("--json", help="print the table as JSON")] = False,
) -> None:
    """Each US strategy against the 2016 course over the worlds the validation cases cannot tell apart: the share of
    worlds in which it beats it on durable share and on US utility, with intervals."""
    from agents.strategies import US_STRATEGIES
    from model import scenario as scenario_module
    from model.constants import CALIBRATION, load_calibration
    from model.errors import CeasefireError
    from runs import robust as rb

    hand = calibration is not None and str(calibration) == "none"
    if calibration is not None and not hand and not calibration.is_file():
        raise CeasefireError(f"--calibration {calibration}: no such file (or 'none' for the hand-set constants)")
    check_out_dir(out)  # before any computing
    record = {} if hand else load_calibration(calibration) if calibration is not None else CALIBRATION
    spec = scenario_module.load(scenario)
    table = rb.worlds(record, worlds, seed)
    result = rb.robust(spec, list(strategy) or [s for s in US_STRATEGIES if s != baseline], baseline, table, runs, seed)
    result["calibration"] = rb.describe_record(record)
    out.mkdir(parents=True, exist_ok=True)
    per_world = out / f"robust-{spec.name}.csv"
    result["per_world"].merge(table.reset_index(names="world"), on="world").to_csv(per_world, index=False)
    if as_json:
        keys = ("scenario", "baseline", "worlds", "runs", "seed", "baseline_share_durable", "baseline_us_utility",
                "calibration")
        typer.echo(dumps_json({k: result[k] for k in keys} | {"rows": result["table"].to_dict(orient="records")}))
        return
    typer.echo(rb.format_table(result))
    typer.echo(f"\nper world: {per_world}")
