"""One seeded run on either engine, with its event log and a one-paragraph headline."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from model import assignment
from model.ensemble import simulate
from model.errors import CeasefireError
from model.mesa_model import CeasefireModel
from model.outcomes import run_record
from model.rng import run_key
from model.scenario import Scenario

ENGINES = ("mesa", "ensemble")


def run_one(
    spec: Scenario,
    us_strategy: str | None = None,
    strategies: Mapping[str, str] | None = None,
    seed: int = 0,
    turns: int | None = None,
    params: Mapping[str, Any] | None = None,
    engine: str = "mesa",
    progress: bool = False,
    strategy_params: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """Run once; returns {"summary": dict, "log": [lines], "headline": str}. Both engines give the same result.
    `progress` draws a bar of the turns on stderr (Mesa engine: a long run takes a while); `strategy_params` gives
    strategies' parameters ({strategy: {param: value}}, see `model.assignment`)."""
    if engine not in ENGINES:
        raise CeasefireError(f"--engine {engine!r}: allowed: {', '.join(ENGINES)}")
    if strategy_params:
        chosen, params = assignment.configure(spec, us_strategy, strategies, strategy_params, params)
        us_strategy, strategies = None, chosen
    if engine == "mesa":
        from runs.progress import polled

        model = CeasefireModel(spec, us_strategy=us_strategy, strategies=strategies, turns=turns, params=params, rng=seed)
        with polled("run", model.turns, progress, lambda: model.turn):
            summary = model.run()
        log = model.log
    else:
        chosen = assignment.assign(spec, us_strategy, strategies)
        overrides = dict(params or {}) | ({"params.turns": turns} if turns is not None else {})
        result = simulate(spec, chosen, np.array([run_key(seed)]), overrides, log=True)
        summary = run_record(result.summary, 0, tuple(spec.issue_ids))
        summary |= {"turns": int(overrides.get("params.turns", spec.params.turns)),
                    "turns_played": int(overrides.get("params.turns", spec.params.turns)),
                    "seed": seed, "scenario": spec.name, "strategies": chosen}
        log = result.log
    summary["strategy_params"] = {a: dict(getattr(s, "params", ())) for a, s in summary["strategies"].items()
                                  if getattr(s, "params", ())}
    return {"summary": summary, "log": log, "headline": headline(summary)}


def headline(summary: Mapping[str, Any]) -> str:
    """The outcome in plain words."""
    strategies = summary["strategies"]
    who = ", ".join(f"{a}: {s}" for a, s in strategies.items() if s != "opportunist")
    outcome = summary["outcome"]
    weeks = (f"{summary['n_ceasefires']} signed, {summary['n_collapses']} collapsed, {summary['weeks_under_ceasefire']} "
             f"weeks under ceasefire, longest truce {summary['longest_truce']} weeks")
    if outcome in ("durable", "holding"):
        kind = "A durable ceasefire" if outcome == "durable" else "A ceasefire signed too recently to call durable"
        story = (f"{kind} is in force at the end of week {summary['turns_played']} (first signed in week "
                 f"{summary['first_agreed_turn']}; {weeks}).")
    elif outcome == "collapsed":
        story = f"A ceasefire was signed in week {summary['first_agreed_turn']} but none is in force at the end ({weeks})."
    else:
        story = f"No ceasefire was agreed in {summary['turns_played']} turns."
    terms = summary["terms"]
    terms_text = ", ".join(f"{k}={v:.2f}" for k, v in terms.items()) if terms else "none"
    return (f"OUTCOME: {outcome}. {story}\n"
            f"Strategies: {who}. Last terms: {terms_text}.\n"
            f"US concession {summary['us_concession']:.3f}, US utility {summary['us_utility']:.3f}, "
            f"US credibility {summary['us_credibility']:.2f}, US strikes {summary['us_strikes']}, "
            f"casualties {summary['casualties']:.1f} (force points).\n"
            f"Utilities: {', '.join(f'{a} {u:.3f}' for a, u in summary['utilities'].items())}. "
            f"Seed {summary['seed']}, scenario {summary['scenario']}.")
