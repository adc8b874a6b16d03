"""`ceasefire compare`: the ranked strategy table (runs/compare.py), printed, as JSON, or as an HTML report."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from runs.cli import app, user_errors


@app.command()
@user_errors
def compare(
    scenario: Annotated[str, typer.Option("--scenario", help="built-in scenario name or path to a .toml file")] = "syria-2016",
    strategies: Annotated[str | None, typer.Option("--strategies", help="comma-separated US strategies, or all (default: all)")] = None,
    runs: Annotated[int, typer.Option("--runs", min=1, help="replicates per strategy (common random numbers)")] = 1000,
    seed: Annotated[int, typer.Option("--seed", min=0, help="master seed")] = 0,
    baseline: Annotated[str, typer.Option("--baseline", help="strategy the paired differences are taken against")] = "concede",
    from_: Annotated[Path | None, typer.Option("--from", help="read a batch output folder instead of running")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="write report.html and the PNG plots into this folder")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the rows as JSON")] = False,
    versus_russia: Annotated[str | None, typer.Option("--versus-russia", help="comma-separated Russian strategies, or all: the US x Russia matrix")] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="local processes (default: one per core); same result for any number")] = None,
    strategy_param: Annotated[list[str], typer.Option("--strategy-param", help="STRATEGY.PARAM=VALUE, repeatable (see `ceasefire strategies`)")] = [],  # noqa: B006
) -> None:
    """Compare US strategies: ranked table with 95% intervals and paired differences against a baseline."""
    from agents.strategies import RUSSIA_STRATEGIES, US_STRATEGIES, names
    from model.errors import CeasefireError
    from runs import compare as cmp

    us_list = cmp.resolve_strategies(strategies, US_STRATEGIES, US_STRATEGIES, "--strategies")
    rus_list = cmp.resolve_strategies(versus_russia, RUSSIA_STRATEGIES, RUSSIA_STRATEGIES, "--versus-russia") if versus_russia else None
    if baseline not in names():
        raise CeasefireError(f"--baseline {baseline}: unknown strategy; allowed: {', '.join(names())}")
    turns = None
    if from_ is not None and strategy_param:
        raise CeasefireError("--strategy-param: not with --from (the batch's runs were made with their own parameters)")
    if from_ is not None:
        from runs.batch import load_metadata, load_results

        meta = load_metadata(from_)
        data = load_results(from_)
        if strategies is not None and strategies.strip() != "all":
            unknown = sorted(set(us_list) - set(data["us_strategy"]))
            if unknown:
                raise CeasefireError(f"--strategies {unknown[0]}: not in the batch {from_} ({', '.join(data['us_strategy'].unique())})")
            data = data[data["us_strategy"].isin(us_list)]
        if rus_list is not None:
            if "strategy_RUS" not in data.columns:
                raise CeasefireError(f"--versus-russia: the batch {from_} has no Russian strategy (add RUS to its [levers])")
            if versus_russia.strip() != "all":
                missing = sorted(set(rus_list) - set(data.get("strategy_RUS", [])))
                if missing:
                    raise CeasefireError(f"--versus-russia {missing[0]}: not in the batch {from_}")
                data = data[data["strategy_RUS"].isin(rus_list)]
        metadata = {"title": f"Strategy comparison: {meta.get('experiment_name')} ({meta.get('scenario')})",
                    "source": str(from_), **{k: v for k, v in meta.items() if k != "sessions"}}
        if meta.get("runs_done", 0) < meta.get("total_runs", 0):
            typer.echo(f"note: the batch in {from_} is incomplete ({meta['runs_done']:,} of {meta['total_runs']:,} runs)", err=True)
        seed_for_ci = 0
    else:
        from model import scenario as scenario_module
        from runs.batch import _now, _package_version

        spec = scenario_module.load(scenario)
        if baseline not in us_list:
            raise CeasefireError(f"--baseline {baseline}: not among --strategies ({', '.join(us_list)})")
        turns = spec.params.turns
        from model.assignment import parse_strategy_params
        from runs.cli import parse_pairs

        data = _run_with_progress(spec, us_list, runs, seed, rus_list, quiet=as_json, workers=workers or os.cpu_count() or 1,
                                  strategy_params=parse_strategy_params(parse_pairs(strategy_param, "--strategy-param")))
        metadata = {"title": f"Strategy comparison: {spec.name}", "scenario": spec.name, "runs_per_strategy": runs,
                    "seed": seed, "us_strategies": us_list, "russian_strategies": rus_list or [spec.actor("RUS").strategy if "RUS" in spec.actor_ids else None],
                    "package_version": _package_version(), "created": _now()}
        seed_for_ci = seed
    if data.empty:
        raise CeasefireError("no runs to compare")
    table = cmp.strategy_table(data, baseline=baseline, seed=seed_for_ci)
    versus = None
    if rus_list is not None:
        versus = cmp.versus_matrix(data)
    metadata["baseline"] = baseline

    if as_json:
        rows = cmp.json_rows(table)
        typer.echo(json.dumps(rows if versus is None else {"strategies": rows, "versus_russia": cmp.json_rows(versus)}))
    else:
        _print_table(table, versus, baseline, metadata["title"])
    if out is not None:
        from runs.report import write_report

        paths = write_report(out, table, data, metadata, turns=turns or int(max(1, data["first_agreed_turn"].max())), versus=versus)
        typer.echo(f"report: {paths['report']}", err=True)


def _run_with_progress(spec, us_list, runs, seed, rus_list, quiet, workers=1, strategy_params=None):  # type: ignore[no-untyped-def]
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from runs.compare import run_strategies

    total = runs * len(us_list) * (len(rus_list) if rus_list else 1)
    with Progress(TextColumn("runs"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True, disable=quiet) as bar:
        task = bar.add_task("runs", total=total)
        return run_strategies(spec, us_list, runs, seed, russia=rus_list, progress=lambda n: bar.advance(task, n),
                              workers=workers, strategy_params=strategy_params)


def _print_table(table, versus, baseline, title) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console
    from rich.table import Table

    from runs.report import fmt, table_cells

    headers, rows = table_cells(table, sep="\n")
    out = Table(title=title, caption=f"95% intervals; differences paired on common random numbers vs {baseline}")
    for h in headers:
        out.add_column(h, justify="left" if h == "strategy" else "right", no_wrap=h == "strategy")
    for row in rows:
        out.add_row(*row, style="bold" if row[1] == baseline else None)
    console = Console()
    if not console.is_terminal:  # piped or logged: Rich would assume 80 columns and truncate every cell
        console = Console(width=200)
    console.print(out)
    if versus is not None:
        vt = Table(title="US strategy x Russian strategy (share durable, US utility; * = minimax regret)")
        cols = [c for c in versus.columns if c != "minimax_regret"]
        for c in cols:
            vt.add_column(c, justify="left" if c == "us_strategy" else "right", overflow="fold")
        for _, r in versus.iterrows():
            cells = [fmt(r[c]) for c in cols]
            if r["minimax_regret"]:
                cells[0] += " *"
            vt.add_row(*cells, style="bold" if r["minimax_regret"] else None)
        console.print(vt)
