"""`ceasefire optimize`: the Pareto set of US policies for durable share and US utility over sampled worlds
(runs/optimize.py)."""

from __future__ import annotations

import json
import os
from typing import Annotated

import typer

from runs.cli import app, user_errors


@app.command()
@user_errors
def optimize(
    scenario: Annotated[str, typer.Option("--scenario", help="built-in scenario name or path to a .toml file (needs USA)")] = "syria-2016",
    experiment: Annotated[str | None, typer.Option("--experiment", help="take the scenario, uncertainties, samples, replicates, seed and turns from this experiment file")] = None,
    population: Annotated[int, typer.Option("--population", help="policies per generation")] = 10,
    generations: Annotated[int, typer.Option("--generations", help="generations of NSGA-II")] = 4,
    samples: Annotated[int, typer.Option("--samples", min=1, help="sampled worlds (default uncertainties; ignored with --experiment)")] = 12,
    replicates: Annotated[int, typer.Option("--replicates", min=1, help="seeded runs per world (ignored with --experiment)")] = 4,
    seed: Annotated[int, typer.Option("--seed", min=0, help="seeds the search and the default worlds")] = 0,
    us: Annotated[str | None, typer.Option("--us", help="comma-separated US strategies searched (default: all)")] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="local processes evaluating a generation side by side (default: one per core)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the Pareto set and every candidate as JSON")] = False,
) -> None:
    """Search the US strategies' parameters (NSGA-II) for the policies that maximise durable share and US utility
    over sampled worlds; print the Pareto set with each policy's worst decile and regret."""
    from agents.strategies import US_STRATEGIES
    from model import scenario as scenario_module
    from model.errors import CeasefireError
    from runs import optimize as opt
    from runs.compare import resolve_strategies

    opt.check_budget(population, generations)
    if experiment is not None:
        if scenario != "syria-2016":
            raise CeasefireError("--scenario: not with --experiment (the experiment file names its scenario)")
        spec, worlds = opt.experiment_worlds(experiment)
    else:
        spec = scenario_module.load(scenario)
        worlds = opt.default_worlds(spec, samples=samples, replicates=replicates, seed=seed)
    us_list = resolve_strategies(us, US_STRATEGIES, US_STRATEGIES, "--us")

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    if not as_json:
        typer.echo(f"{population} x {generations} policies, each over {worlds.n} worlds x {worlds.replicates} runs "
                   f"= {opt.budget(population, generations, worlds):,} runs", err=True)
    with Progress(TextColumn("policies"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True, disable=as_json) as bar:
        task = bar.add_task("policies", total=population * generations)
        result = opt.optimize(spec, worlds, us_list, population=population, generations=generations, seed=seed,
                              workers=workers or os.cpu_count() or 1, progress=lambda n: bar.advance(task, n))
    if as_json:
        typer.echo(json.dumps(result.to_json()))
        return
    print_search(result)


def print_search(result) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not console.is_terminal:
        console = Console(width=200)
    s = result.settings
    table = Table(title=f"Pareto set of US policies on {result.scenario} ({s['worlds']} worlds x {s['replicates']} runs; "
                        f"uncertain: {', '.join(s['uncertainties'])})",
                  caption="durable share and US utility over all runs; same result: policies that played out identically "
                          "(the first is shown); worst decile over worlds; regret: largest shortfall from the best "
                          "policy evaluated in a world")
    for h in ("policy", "same result", "durable", "US utility", "worst decile durable", "worst decile utility",
              "regret durable", "regret utility"):
        table.add_column(h, justify="left" if h == "policy" else "right", overflow="fold")
    for _, r in result.pareto.iterrows():
        table.add_row(r["policy"], str(r["equivalent"]), f"{r['p_durable']:.3f}", f"{r['us_utility']:.3f}", f"{r['worst_decile_durable']:.3f}",
                      f"{r['worst_decile_utility']:.3f}", f"{r['regret_durable']:.3f}", f"{r['regret_utility']:.3f}")
    console.print(table)
    best = result.trials.sort_values("us_utility", ascending=False).drop_duplicates("strategy")
    bt = Table(title="Best policy found for each US strategy (by US utility)")
    for h in ("strategy", "policy", "durable", "US utility", "regret utility"):
        bt.add_column(h, justify="left" if h in ("strategy", "policy") else "right", overflow="fold")
    for _, r in best.iterrows():
        bt.add_row(r["strategy"], r["policy"], f"{r['p_durable']:.3f}", f"{r['us_utility']:.3f}", f"{r['regret_utility']:.3f}")
    console.print(bt)
