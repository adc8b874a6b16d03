"""`ceasefire tournament`: every US strategy against every Russian strategy, with trembles (runs/tournament.py)."""

from __future__ import annotations

import json
import os
from typing import Annotated

import typer

from runs.cli import app, parse_pairs, parse_params, user_errors


@app.command()
@user_errors
def tournament(
    scenario: Annotated[str, typer.Option("--scenario", help="built-in scenario name or path to a .toml file (needs USA and RUS)")] = "syria-2016",
    noise: Annotated[float, typer.Option("--noise", help="share of each player's weekly moves that tremble to a random move, in [0, 1]")] = 0.0,
    runs: Annotated[int, typer.Option("--runs", min=1, help="replicates per cell (common random numbers across cells)")] = 200,
    seed: Annotated[int, typer.Option("--seed", min=0, help="master seed")] = 0,
    us: Annotated[str | None, typer.Option("--us", help="comma-separated US strategies (default: all US strategies)")] = None,
    russia: Annotated[str | None, typer.Option("--russia", help="comma-separated Russian strategies (default: all)")] = None,
    set_: Annotated[list[str], typer.Option("--set", help="PARAM=VALUE or ACTOR.field=VALUE, repeatable")] = [],  # noqa: B006
    strategy_param: Annotated[list[str], typer.Option("--strategy-param", help="STRATEGY.PARAM=VALUE, repeatable (see `ceasefire strategies`)")] = [],  # noqa: B006
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="local processes (default: one per core); same result for any number")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the matrix and standings as JSON")] = False,
) -> None:
    """Noisy round robin: durable share and US utility per US x Russian strategy, each US strategy's mean and worst
    case, and the minimax-regret choice."""
    from agents.strategies import RUSSIA_STRATEGIES, US_STRATEGIES
    from model import scenario as scenario_module
    from model.assignment import parse_strategy_params
    from runs.compare import resolve_strategies
    from runs.tournament import check_noise, play

    spec = scenario_module.load(scenario)
    check_noise(noise)
    us_list = resolve_strategies(us, US_STRATEGIES, US_STRATEGIES, "--us")
    rus_list = resolve_strategies(russia, RUSSIA_STRATEGIES, RUSSIA_STRATEGIES, "--russia")
    strategy_params = parse_strategy_params(parse_pairs(strategy_param, "--strategy-param"))
    params = parse_params(set_)

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    total = runs * len(us_list) * len(rus_list)
    with Progress(TextColumn("runs"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True, disable=as_json) as bar:
        task = bar.add_task("runs", total=total)
        result = play(spec, us_list, rus_list, noise=noise, runs=runs, seed=seed, params=params,
                      strategy_params=strategy_params, workers=workers or os.cpu_count() or 1,
                      progress=lambda n: bar.advance(task, n))
    if as_json:
        typer.echo(json.dumps(result.to_json()))
        return
    print_tournament(result)


def _cell(p: float, ci: list[float]) -> str:
    return f"{p:.3f} [{ci[0]:.3f}, {ci[1]:.3f}]"


def print_tournament(result) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not console.is_terminal:  # piped: Rich would assume 80 columns and truncate every cell
        console = Console(width=200)
    rus = result.russian_strategies
    m = result.matrix.set_index(["us_strategy", "rus_strategy"])
    title = (f"Tournament on {result.scenario}: noise {result.noise:g}, {result.runs_per_cell} runs per cell, "
             f"seed {result.seed}")
    table = Table(title=title, caption="each cell: share durable [95% Wilson] / mean US utility [95% bootstrap]")
    table.add_column("US \\ Russia", no_wrap=True)
    for r in rus:
        table.add_column(r, justify="right")
    for u in result.us_strategies:
        cells = []
        for r in rus:
            row = m.loc[(u, r)]
            cells.append(f"{_cell(row['p_durable'], row['p_durable_ci'])}\n{_cell(row['us_utility'], row['us_utility_ci'])}")
        table.add_row(u, *cells)
    console.print(table)
    st = Table(title="US strategies: mean and worst case over Russian strategies; regret (Savage); * = minimax regret")
    for h in ("#", "US strategy", "durable mean", "durable worst (vs)", "utility mean", "utility worst (vs)",
              "max regret (utility)", "max regret (durable)"):
        st.add_column(h, justify="left" if h in ("US strategy", "durable worst (vs)", "utility worst (vs)") else "right")
    for _, r in result.standings.iterrows():
        name = r["us_strategy"] + (" *" if r["minimax_regret"] else "")
        st.add_row(str(r["rank"]), name, f"{r['mean_p_durable']:.3f}",
                   f"{r['worst_p_durable']:.3f} ({r['worst_p_durable_against']})", f"{r['mean_us_utility']:.3f}",
                   f"{r['worst_us_utility']:.3f} ({r['worst_us_utility_against']})", f"{r['max_regret']:.3f}",
                   f"{r['max_regret_durable']:.3f}" + (" *" if r["minimax_regret_durable"] else ""),
                   style="bold" if r["minimax_regret"] else None)
    console.print(st)
    rt = Table(title="Russian strategies, from Russia's side: mean and worst case of Russian utility over US strategies")
    for h in ("Russian strategy", "utility mean", "utility worst (vs)", "durable mean", "max regret"):
        rt.add_column(h, justify="left" if h in ("Russian strategy", "utility worst (vs)") else "right")
    for _, r in result.russian_standings.iterrows():
        rt.add_row(r["rus_strategy"] + (" *" if r["minimax_regret"] else ""), f"{r['mean_rus_utility']:.3f}",
                   f"{r['worst_rus_utility']:.3f} ({r['worst_rus_utility_against']})", f"{r['mean_p_durable']:.3f}",
                   f"{r['max_regret']:.3f}")
    console.print(rt)
