"""`ceasefire batch EXPERIMENT.toml`: run an experiment file into a resumable Parquet dataset (runs/batch.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from runs.cli import app, user_errors


@app.command()
@user_errors
def batch(
    experiment: Annotated[Path, typer.Argument(help="the experiment file (.toml); see docs/batch.md")],
    out: Annotated[Path | None, typer.Option("--out", help="output folder (default results/<experiment name>)")] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="local worker processes (1: in this process)")] = 1,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="address of a Dask distributed scheduler")] = None,
    dask_local: Annotated[int | None, typer.Option("--dask-local", min=1, help="start a Dask LocalCluster with N worker processes")] = None,
    traces: Annotated[bool, typer.Option("--traces", help="also write the per-turn model and actor tables")] = False,
    chunk_size: Annotated[int | None, typer.Option("--chunk-size", min=1, help="runs per saved chunk (fixed when the folder is created)")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="no progress bar (as --no-progress)")] = False,
    progress: Annotated[bool | None, typer.Option("--progress/--no-progress", help="progress bar on stderr (default: only on a terminal)")] = None,
) -> None:
    """Run an experiment (levers x samples x replicates) into a Parquet dataset; rerun the same command to resume."""
    from model.errors import CeasefireError
    from runs import experiment as experiment_module
    from runs.batch import Interrupted, WorkerDied, run_batch
    from runs.processes import StopSignals, Stopped, signal_name
    from runs.progress import wanted

    if scheduler is not None and dask_local is not None:
        raise CeasefireError("--scheduler and --dask-local: give one of them")
    # A stop signal at any point ends the command with one line and 128 + its number; the batch handles the ones
    # that arrive while it runs, this the ones before (loading the experiment) and after (the closing line).
    with StopSignals() as stop:
        try:
            stop.arm()
            exp = experiment_module.load(experiment)
            target = out if out is not None else Path("results") / exp.name
            stop.disarm()  # from here the batch's own handlers take over (and act on a signal received just now)
            report = run_batch(exp, target, workers=workers, scheduler=scheduler, dask_local=dask_local,
                               traces=traces, chunk_size=chunk_size, progress=wanted(progress) and not quiet,
                               announce=lambda line: typer.echo(line, err=True))
        except Stopped as exc:
            typer.echo(f"interrupted by {signal_name(exc.signum)} before the batch started: nothing saved", err=True)
            raise typer.Exit(128 + exc.signum) from None
        except WorkerDied as exc:  # not bad input (exit 2) but a failure: one line all the same
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None
        except Interrupted as exc:  # one line: what was saved, and how to go on
            more = "; run the same command again to continue" if exc.done < exc.total else ": the batch is complete"
            typer.echo(f"{exc} in {target}{more}", err=True)
            raise typer.Exit(exc.exit_code) from None
        new = report.runs_done - report.runs_done_before
        rate = f", {new / report.seconds:,.0f} runs/s" if report.seconds > 0 and new else ""
        resumed = f" (resumed: {report.runs_done_before:,} were already done)" if report.runs_done_before else ""
        typer.echo(f"done: {report.runs_done:,} runs in {report.out} ({report.backend}, {report.seconds:.1f} s{rate}){resumed}")
        if stop.received is not None:  # it came as the batch finished: everything is saved
            raise typer.Exit(128 + stop.received)
