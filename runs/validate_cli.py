"""`ceasefire validate`: the historical cases, pass or fail (registered on the app of `runs.cli`)."""

from __future__ import annotations

from typing import Annotated

import typer

from runs.cli import app, dumps_json, parse_params, user_errors


@app.command()
@user_errors
def validate(
    runs: Annotated[int, typer.Option("--runs", min=1, max=1_000_000, help="seeded replicates per case (and per counterfactual variant)")] = 200,
    case: Annotated[list[str], typer.Option("--case", help="built-in case name or path to a case .toml, repeatable (default: every built-in case)")] = [],  # noqa: B006
    seed: Annotated[int, typer.Option("--seed", min=0, help="master seed")] = 0,
    ablate: Annotated[list[str], typer.Option("--ablate", help="switch a mechanism off in every run: learning, costs, enforcement, audience, patrons, sanctions, weariness (repeatable)")] = [],  # noqa: B006
    constants: Annotated[str, typer.Option("--constants", help="default (what the model loads: the calibration only if it passes validation, else the hand-set values), calibrated (model/calibration.json whether or not it passes) or hand (the hand-set values of model/constants.py)")] = "default",
    set_: Annotated[list[str], typer.Option("--set", help="PARAM=VALUE or ACTOR.field=VALUE for every run of every case, repeatable")] = [],  # noqa: B006
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of the table")] = False,
    progress: Annotated[bool | None, typer.Option("--progress/--no-progress", help="progress bar on stderr (default: only on a terminal)")] = None,
) -> None:
    """Run each validation case over N seeded replicates and check its [expected] criteria and counterfactuals.

    Exit status 0 when every case passes, 1 when any fails, 2 on bad input."""
    from runs.progress import wanted
    from runs.validate import constants_params, format_table
    from runs.validate import validate as run_validation

    chosen, described = constants_params(constants)
    params = chosen | parse_params(set_)
    results = run_validation(case or None, runs=runs, seed=seed, params=params, ablate=ablate,
                             progress=wanted(progress))
    if as_json:
        typer.echo(dumps_json({"passed": all(r.passed for r in results), "constants": described, "ablated": ablate,
                               "cases": [r.to_dict() for r in results]}))
    else:
        typer.echo(f"constants: {described}")
        typer.echo(format_table(results))
    if not all(r.passed for r in results):
        raise typer.Exit(1)
