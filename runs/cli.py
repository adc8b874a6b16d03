"""The `ceasefire` command line: run, scenarios, strategies (and the batch, compare, validate and app commands
added by their own modules). User errors print one line and exit with status 2; tracebacks are for bugs only."""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path
from collections.abc import Callable
from functools import wraps
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from model.errors import CeasefireError

# Typer raises click's exceptions, from its own vendored copy of click in recent versions: find them through Typer.
_ClickException = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")
_UsageError = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")
_NoArgsIsHelp = getattr(sys.modules[_UsageError.__module__], "NoArgsIsHelpError", ())


def one_line(text: str) -> str:
    """A message on one line (a user error is one line on stderr, whatever the library wrote)."""
    return " ".join(str(text).split())


class OneLineErrors(TyperGroup):
    """The `ceasefire` command group: usage errors (an unknown option, a value of the wrong type, a missing
    argument) are one line on stderr and exit status 2, as `CeasefireError` is, instead of Rich's boxed panel."""

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        from runs.processes import Stopped, ctrl_c_noted, signal_name, stops_never_swallowed, terminate_stops

        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            # SIGTERM or SIGHUP: one line and 128 + its number; a stop raised inside a finalizer is sent again.
            with stops_never_swallowed(), terminate_stops(), ctrl_c_noted() as ctrl_c:
                code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            if code == 130 and ctrl_c:  # Typer turns Ctrl-C into a silent exit with status 130
                typer.echo("interrupted by SIGINT", err=True)
        except Stopped as exc:
            typer.echo(f"interrupted by {signal_name(exc.signum)}", err=True)
            sys.exit(128 + exc.signum)
        except _NoArgsIsHelp as exc:  # `ceasefire` alone: the help, as before
            typer.echo(exc.ctx.get_help() if exc.ctx is not None else exc.format_message())
            sys.exit(exc.exit_code)
        except _UsageError as exc:
            where = exc.ctx.command_path if exc.ctx is not None else "ceasefire"
            typer.echo(f"error: {one_line(exc.format_message())} (see {where} --help)", err=True)
            sys.exit(2)
        except _ClickException as exc:
            typer.echo(f"error: {one_line(exc.format_message())}", err=True)
            sys.exit(exc.exit_code)
        except typer.Abort:
            typer.echo("aborted", err=True)
            sys.exit(130)
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(cls=OneLineErrors, add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Agent-based simulation of coercive diplomacy: does a ceasefire emerge, on whose terms, and does it hold?")


def user_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn CeasefireError into one line on stderr and exit status 2."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CeasefireError as exc:
            typer.echo(f"error: {one_line(str(exc))}", err=True)
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
    """`--set` values: `NAME` or `params.NAME` for a parameter, `ACTOR.field` for an actor's number. Each must be a
    finite number no larger than a scenario's numbers may be (the model checks each name's own range)."""
    from model.scenario import MAX_MAGNITUDE

    out: dict[str, float] = {}
    for key, value in parse_pairs(pairs, "--set").items():
        try:
            number = float(value)
        except ValueError:
            raise CeasefireError(f"--set {key}={value}: not a number") from None
        if not math.isfinite(number):
            raise CeasefireError(f"--set {key}={value}: not a finite number")
        if abs(number) > MAX_MAGNITUDE:
            raise CeasefireError(f"--set {key}={value}: out of range; allowed at most {MAX_MAGNITUDE:g} in size")
        out[key if "." in key else f"params.{key}"] = number
    return out


def check_out_dir(path: Path, option: str = "--out") -> Path:
    """A folder the command may write into (existing, or creatable), checked before any computing: CeasefireError
    for a file in its way or a place that cannot be written."""
    if path.exists() and not path.is_dir():
        raise CeasefireError(f"{option} {path}: exists and is not a folder")
    existing = path
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise CeasefireError(f"{option} {path}: {existing} is not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise CeasefireError(f"{option} {path}: cannot write in {existing}")
    return path


def dumps_json(data: Any) -> str:
    """JSON with NaN and infinities as null (bare NaN is not JSON)."""

    def clean(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [clean(x) for x in v]
        if isinstance(v, float) and not math.isfinite(v):
            return None
        if hasattr(v, "item") and callable(v.item) and getattr(v, "ndim", None) == 0:  # a numpy scalar
            return clean(v.item())
        return v

    return json.dumps(clean(data), allow_nan=False)


@app.command()
@user_errors
def run(
    scenario: Annotated[str, typer.Option("--scenario", help="built-in scenario name or path to a .toml file")] = "syria-2016",
    us_strategy: Annotated[str | None, typer.Option("--us-strategy", help="the US strategy (see `ceasefire strategies`)")] = None,
    strategy: Annotated[list[str], typer.Option("--strategy", help="ACTOR=NAME, repeatable")] = [],  # noqa: B006
    seed: Annotated[int, typer.Option("--seed", min=0, help="the run's seed")] = 0,
    turns: Annotated[int | None, typer.Option("--turns", min=1, max=10_000, help="number of turns (weeks), 1 to 10,000")] = None,
    set_: Annotated[list[str], typer.Option("--set", help="PARAM=VALUE or ACTOR.field=VALUE, repeatable")] = [],  # noqa: B006
    engine: Annotated[str, typer.Option("--engine", help="mesa or ensemble (same result)")] = "mesa",
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object instead of the story")] = False,
    progress: Annotated[bool | None, typer.Option("--progress/--no-progress", help="progress bar on stderr (default: only on a terminal)")] = None,
    strategy_param: Annotated[list[str], typer.Option("--strategy-param", help="STRATEGY.PARAM=VALUE, repeatable (see `ceasefire strategies`)")] = [],  # noqa: B006
) -> None:
    """One seeded run: the event log and the outcome."""
    from model import scenario as scenario_module
    from model.assignment import parse_strategy_params
    from runs import progress as progress_module
    from runs.single import run_one

    spec = scenario_module.load(scenario)
    result = run_one(spec, us_strategy=us_strategy, strategies=parse_pairs(strategy, "--strategy"), seed=seed,
                     turns=turns, params=parse_params(set_), engine=engine, progress=progress_module.wanted(progress),
                     strategy_params=parse_strategy_params(parse_pairs(strategy_param, "--strategy-param")))
    if as_json:
        typer.echo(dumps_json(result["summary"]))
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
                   "runs.tournament_cli", "runs.optimize_cli", "runs.calibrate_cli"):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise


_register_optional_commands()
