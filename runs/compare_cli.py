"""`ceasefire compare`: the ranked strategy table (runs/compare.py), printed, as JSON, or as an HTML report."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from runs.cli import app, check_out_dir, dumps_json, user_errors


@app.command()
@user_errors
def compare(
    scenario: Annotated[str, typer.Option("--scenario", help="built-in scenario name or path to a .toml file")] = "syria-2016",
    strategies: Annotated[str | None, typer.Option("--strategies", help="comma-separated US strategies, or all (default: all)")] = None,
    runs: Annotated[int, typer.Option("--runs", min=1, max=1_000_000, help="replicates per strategy (common random numbers), at most 1,000,000")] = 1000,
    seed: Annotated[int, typer.Option("--seed", min=0, help="master seed")] = 0,
    baseline: Annotated[str, typer.Option("--baseline", help="strategy the paired differences are taken against")] = "concede",
    from_: Annotated[Path | None, typer.Option("--from", help="read a batch output folder instead of running")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="write report.html and the PNG plots into this folder")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the rows as JSON")] = False,
    versus_russia: Annotated[str | None, typer.Option("--versus-russia", help="comma-separated Russian strategies, or all: the US x Russia matrix")] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="local processes (default: one per core); same result for any number")] = None,
    wide: Annotated[bool, typer.Option("--wide", help="every column of the table (wider than 80 columns)")] = False,
    progress: Annotated[bool | None, typer.Option("--progress/--no-progress", help="progress bar on stderr (default: only on a terminal)")] = None,
    strategy_param: Annotated[list[str], typer.Option("--strategy-param", help="STRATEGY.PARAM=VALUE, repeatable (see `ceasefire strategies`)")] = [],  # noqa: B006
) -> None:
    """Compare US strategies: ranked table with 95% intervals and paired differences against a baseline."""
    from agents.strategies import RUSSIA_STRATEGIES, US_STRATEGIES, names
    from model.errors import CeasefireError
    from runs import compare as cmp
    from runs import progress as progress_module

    if out is not None:
        check_out_dir(out)  # before any computing
    turns = None
    if from_ is not None and strategy_param:
        raise CeasefireError("--strategy-param: not with --from (the batch's runs were made with their own parameters)")
    if from_ is not None:
        # The batch's strategies are named by their labels (`or_else(deadline=6)`); --strategies, --versus-russia
        # and --baseline take a label or a plain name (every label of that strategy).
        from runs.batch import load_metadata, load_results

        meta = load_metadata(from_)
        data = load_results(from_)
        source = f"the batch {from_}"
        if strategies is not None:
            labels = list(dict.fromkeys(data["us_strategy"].astype(str)))
            data = data[data["us_strategy"].isin(cmp.resolve_labels(strategies, labels, "--strategies", source))]
        rus_list = None
        if versus_russia:
            if "strategy_RUS" not in data.columns:
                raise CeasefireError(f"--versus-russia: the batch {from_} has no Russian strategy (add RUS to its [levers])")
            rus_list = cmp.resolve_labels(versus_russia, list(dict.fromkeys(data["strategy_RUS"].astype(str))),
                                          "--versus-russia", source)
            data = data[data["strategy_RUS"].isin(rus_list)]
        metadata = {"title": f"Strategy comparison: {meta.get('experiment_name')} ({meta.get('scenario')})",
                    "source": str(from_), **{k: v for k, v in meta.items() if k != "sessions"}}
        if meta.get("runs_done", 0) < meta.get("total_runs", 0):
            typer.echo(f"note: the batch in {from_} is incomplete ({meta['runs_done']:,} of {meta['total_runs']:,} runs)", err=True)
        seed_for_ci = 0
    else:
        from model import scenario as scenario_module
        from runs.batch import _now, _package_version

        us_list = cmp.resolve_strategies(strategies, US_STRATEGIES, US_STRATEGIES, "--strategies")
        rus_list = cmp.resolve_strategies(versus_russia, RUSSIA_STRATEGIES, RUSSIA_STRATEGIES, "--versus-russia") if versus_russia else None
        if baseline not in names():
            raise CeasefireError(f"--baseline {baseline}: unknown strategy; allowed: {', '.join(names())}")
        spec = scenario_module.load(scenario)
        if baseline not in us_list:
            raise CeasefireError(f"--baseline {baseline}: not among --strategies ({', '.join(us_list)})")
        turns = spec.params.turns
        from model.assignment import parse_strategy_params
        from runs.cli import parse_pairs

        data = _run_with_progress(spec, us_list, runs, seed, rus_list, progress=progress_module.wanted(progress),
                                  workers=workers or os.cpu_count() or 1,
                                  strategy_params=parse_strategy_params(parse_pairs(strategy_param, "--strategy-param")))
        metadata = {"title": f"Strategy comparison: {spec.name}", "scenario": spec.name, "runs_per_strategy": runs,
                    "seed": seed, "us_strategies": us_list, "russian_strategies": rus_list or [spec.actor("RUS").strategy if "RUS" in spec.actor_ids else None],
                    "package_version": _package_version(), "created": _now()}
        seed_for_ci = seed
    if data.empty:
        raise CeasefireError("no runs to compare")
    # A strategy run with parameters is named by its label: the baseline is the one label it names.
    baseline = cmp.resolve_baseline(baseline, list(dict.fromkeys(data["us_strategy"].astype(str))),
                                    f"the batch {from_}" if from_ is not None else "the strategies compared")
    table = cmp.strategy_table(data, baseline=baseline, seed=seed_for_ci)
    versus = None
    if rus_list is not None:
        versus = cmp.versus_matrix(data)
    metadata["baseline"] = baseline

    if as_json:
        rows = cmp.json_rows(table)
        typer.echo(dumps_json(rows if versus is None else {"strategies": rows, "versus_russia": cmp.json_rows(versus)}))
    else:
        _print_table(table, versus, baseline, metadata["title"], wide=wide)
    if out is not None:
        from runs.report import write_report

        paths = write_report(out, table, data, metadata, turns=turns or int(max(1, data["first_agreed_turn"].max())), versus=versus)
        typer.echo(f"report: {paths['report']}", err=True)


def _run_with_progress(spec, us_list, runs, seed, rus_list, progress, workers=1, strategy_params=None):  # type: ignore[no-untyped-def]
    from runs.compare import run_strategies
    from runs.progress import bar

    total = runs * len(us_list) * (len(rus_list) if rus_list else 1)
    with bar("compare", total, progress) as advance:
        return run_strategies(spec, us_list, runs, seed, russia=rus_list, progress=advance, workers=workers,
                              strategy_params=strategy_params)


NARROW = {
    "rank": "#", "strategy": "strategy", "p_durable": "durable\n[95% CI]", "median_first_turn": "1st\nweek",
    "mean_us_concession": "US\nconc.", "mean_us_utility": "US\nutil.", "diff_vs_baseline": "durable vs\nbaseline",
}
"""The columns of the default table, which fits 80 columns (`--wide` shows every column of the report)."""


def _wrap_name(name: str, width: int = 13) -> str:
    """A strategy name broken into lines at its underscores (a header over a narrow column)."""
    lines = [""]
    for part in name.split("_"):
        piece = part if not lines[-1] else "_" + part
        if lines[-1] and len(lines[-1]) + len(piece) > width:
            lines.append(part)
        else:
            lines[-1] += piece
    return "\n".join(lines)


def _wrap_label(label: str, width: int = 22) -> str:
    """A strategy's label broken into lines after its commas, each at most about `width` wide, so that a
    strategy with parameters (`or_else(deadline=6, enforce=false)`) does not squeeze the 80-column table."""
    parts = [p.strip() for p in label.split(",")]
    lines = [parts[0]]
    for part in parts[1:]:
        lines[-1] += ","
        if len(lines[-1]) + 1 + len(part) > width:
            lines.append("  " + part)
        else:
            lines[-1] += " " + part
    return "\n".join(lines)


def _narrow_cell(row, c) -> str:  # type: ignore[no-untyped-def]
    from runs.report import cell, fmt

    if c in ("p_durable", "diff_vs_baseline"):
        return cell(row, c, signed=c.startswith("diff_"), sep="\n")
    if c == "median_first_turn":
        return fmt(row[c]) if fmt(row[c]) == "–" else f"{row[c]:g}"
    return fmt(row[c])


def _print_table(table, versus, baseline, title, wide=False, console=None) -> None:  # type: ignore[no-untyped-def]
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from runs.report import fmt, table_cells

    if wide:
        headers, rows = table_cells(table, sep="\n")
    else:
        cols = [c for c in NARROW if c in table.columns]
        headers = [NARROW[c] for c in cols]
        rows = [[_narrow_cell(row, c) for c in cols] for _, row in table.iterrows()]
    out = Table(title=title, caption=f"95% intervals; differences paired on common random numbers vs {baseline}"
                + ("" if wide else "; --wide for every column"), box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False, collapse_padding=True)
    for h in headers:
        out.add_column(h, justify="left" if h == "strategy" else "right", no_wrap=h == "strategy" or not wide,
                       overflow="fold")
    for row in rows:
        out.add_row(*row[:1], _wrap_label(row[1]), *row[2:], style="bold" if row[1] == baseline else None)
    if console is None:
        # At most 80 columns (the wide table: as wide as it needs), on a terminal or piped into a file alike.
        console = Console(width=220 if wide else 80)
    console.print(out)
    if versus is not None:
        vt = Table(title="US strategy x Russian strategy: share durable / US utility (* = minimax regret)",
                   box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False, collapse_padding=True)
        rus = [c.split(":", 1)[1] for c in versus.columns if c.startswith("p_durable:")]
        vt.add_column("US strategy", justify="left", no_wrap=True)
        for r in rus:
            vt.add_column("vs " + _wrap_name(r), justify="right", overflow="fold")
        vt.add_column("max regret", justify="right")
        for _, row in versus.iterrows():
            cells = [_wrap_label(row["us_strategy"] + (" *" if row["minimax_regret"] else ""))]
            cells += [f"{fmt(row[f'p_durable:{r}'])} / {fmt(row[f'us_utility:{r}'])}" for r in rus]
            cells.append(fmt(row["max_regret"]))
            vt.add_row(*cells, style="bold" if row["minimax_regret"] else None)
        console.print(vt)
