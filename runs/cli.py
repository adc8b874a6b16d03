"""The `ceasefire` command line: run, scenarios, strategies (and the batch, compare, validate and app commands
added by their own modules). User errors print one line and exit with status 2; tracebacks are for bugs only."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from typing import Annotated, Any

import typer

from model.errors import CeasefireError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Agent-based simulation of coercive diplomacy: does a ceasefire emerge, on whose terms, and does it hold?")


def user_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn CeasefireError into one line on stderr and exit status 2."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CeasefireError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None

    return wrapper


def parse_pairs(pairs: list[str], option: str) -> dict[str, str]:
    """`KEY=VALUE` strings as a dict (CeasefireError naming the option otherwise)."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise CeasefireError(f"{option} {pair!r}: expected KEY=VALUE")
        out[key.strip()] = value.strip()
    return out


def parse_params(pairs: list[str]) -> dict[str, float]:
    """`--set` values: `NAME` or `params.NAME` for a parameter, `ACTOR.field` for an actor's number."""
    out: dict[str, float] = {}
    for key, value in parse_pairs(pairs, "--set").items():
        try:
            number = float(value)
        except ValueError:
            raise CeasefireError(f"--set {key}={value}: not a number") from None
        out[key if "." in key else f"params.{key}"] = number
    return out


@app.command()
@user_errors
def run(
    scenario: Annotated[str, typer.Option("--scenario", help="built-in scenario name or path to a .toml file")] = "syria-2016",
    us_strategy: Annotated[str | None, typer.Option("--us-strategy", help="the US strategy (see `ceasefire strategies`)")] = None,
    strategy: Annotated[list[str], typer.Option("--strategy", help="ACTOR=NAME, repeatable")] = [],  # noqa: B006
    seed: Annotated[int, typer.Option("--seed", min=0, help="the run's seed")] = 0,
    turns: Annotated[int | None, typer.Option("--turns", min=1, help="number of turns (weeks)")] = None,
    set_: Annotated[list[str], typer.Option("--set", help="PARAM=VALUE or ACTOR.field=VALUE, repeatable")] = [],  # noqa: B006
    engine: Annotated[str, typer.Option("--engine", help="mesa or ensemble (same result)")] = "mesa",
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object instead of the story")] = False,
    strategy_param: Annotated[list[str], typer.Option("--strategy-param", help="STRATEGY.PARAM=VALUE, repeatable (see `ceasefire strategies`)")] = [],  # noqa: B006
) -> None:
    """One seeded run: the event log and the outcome."""
    from model import scenario as scenario_module
    from model.assignment import parse_strategy_params
    from runs.single import run_one

    spec = scenario_module.load(scenario)
    result = run_one(spec, us_strategy=us_strategy, strategies=parse_pairs(strategy, "--strategy"), seed=seed,
                     turns=turns, params=parse_params(set_), engine=engine,
                     strategy_params=parse_strategy_params(parse_pairs(strategy_param, "--strategy-param")))
    if as_json:
        typer.echo(json.dumps(result["summary"]))
        return
    for line in result["log"]:
        typer.echo(line)
    typer.echo("")
    typer.echo(result["headline"])


@app.command()
@user_errors
def scenarios() -> None:
    """List the built-in scenarios."""
    from model import scenario as scenario_module

    for name in scenario_module.builtin_names():
        spec = scenario_module.load(name)
        typer.echo(f"{name:24s} {spec.title}  [{len(spec.actors)} actors, {len(spec.issues)} issues, {spec.params.turns} turns]")


@app.command()
def strategies() -> None:
    """List the registered strategies with their description, classifier and parameters (default [allowed])."""
    from agents.strategies import describe

    typer.echo("\n".join(describe()))


def main() -> None:  # pragma: no cover
    sys.exit(app())


def _register_optional_commands() -> None:
    """Commands that live in their own modules register themselves here when present."""
    import importlib

    for module in ("runs.batch_cli", "runs.compare_cli", "runs.validate_cli", "runs.analysis_cli", "runs.app_cli",
                   "runs.tournament_cli", "runs.optimize_cli"):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise


_register_optional_commands()
