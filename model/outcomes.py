"""Outcomes of a run (DESIGN section 5): termination (a ceasefire holding) is not truncation (running out of turns).

`holding`: a ceasefire is in force at the end. `collapsed`: one was agreed and broke, none in force at the end.
`no_deal`: none was ever agreed before the turns ran out.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from model.rules.arrays import over_actors
from model.rules.evaluation import utility
from model.world import World

OUTCOMES = ("holding", "collapsed", "no_deal")


def outcome_codes(world: World) -> np.ndarray:
    """(B,) outcome label per run."""
    return np.where(world.ceasefire, "holding", np.where(world.first_agreed >= 0, "collapsed", "no_deal"))


def final_utility(world: World) -> np.ndarray:
    """Each actor's utility of how the run ended (B, A): the terms in force if a ceasefire holds, otherwise the
    expected outcome of the fighting (the war lottery at the final balance of force), less the force it lost."""
    terms_value = utility(world, np.nan_to_num(world.terms))
    p = world.win_prob  # (B, C)
    if p.shape[1]:
        war_value = 1.0 - world.static_loss - (p[:, None, :] * world.contest_loss).sum(axis=2)
    else:
        war_value = 1.0 - world.static_loss
    outcome_value = np.where(world.ceasefire[:, None], terms_value, war_value)
    lost = np.divide(world.casualties, world.force0, out=np.zeros_like(world.casualties), where=world.force0 > 0)
    return outcome_value - world.p["loss_weight"][:, None] * np.minimum(lost, 1.0)


def concession_of(world: World, actor: int) -> np.ndarray:
    """(B,) salience-weighted distance from the actor's ideal to the last agreed terms, or, with no deal ever
    agreed, to its final demand: how much of its position it gave up."""
    reference = np.where(np.isnan(world.terms), world.position[:, actor, :], world.terms)
    return (world.salience[:, actor, :] * np.abs(reference - world.ideal[:, actor, :])).sum(axis=1)


def summarize(world: World) -> dict[str, np.ndarray]:
    """Per-run summary columns, each (B,): the tidy row of DESIGN section 5."""
    focal = world.focal
    cols: dict[str, np.ndarray] = {
        "outcome": outcome_codes(world),
        "ever_agreed": world.first_agreed >= 0,
        "first_agreed_turn": world.first_agreed.copy(),
        "turns_held": world.turns_held.copy(),
        "n_ceasefires": world.n_ceasefires.copy(),
        "us_concession": concession_of(world, focal),
        "casualties": world.casualties.sum(axis=1),
        "us_credibility": world.credibility[:, focal].copy(),
    }
    utilities = final_utility(world)
    cols["us_utility"] = utilities[:, focal]
    for k, issue in enumerate(world.issue_ids):
        cols[f"terms_{issue}"] = world.terms[:, k].copy()
    for c, camp in enumerate(world.camp_ids):
        cols[f"casualties_{camp}"] = over_actors(world.casualties, world.members[:, c : c + 1])[:, 0]
    for a, actor in enumerate(world.actor_ids):
        cols[f"utility_{actor}"] = utilities[:, a]
    return cols


def run_record(summary: dict[str, np.ndarray], b: int, issue_ids: tuple[str, ...]) -> dict[str, Any]:
    """Run b of a summary as plain Python values, with `terms` as a dict (None if never agreed)."""
    first = int(summary["first_agreed_turn"][b])
    terms = None if first < 0 else {k: round(float(summary[f"terms_{k}"][b]), 4) for k in issue_ids}
    record: dict[str, Any] = {
        "outcome": str(summary["outcome"][b]),
        "first_agreed_turn": None if first < 0 else first,
        "turns_held": int(summary["turns_held"][b]),
        "n_ceasefires": int(summary["n_ceasefires"][b]),
        "terms": terms,
        "us_concession": round(float(summary["us_concession"][b]), 6),
        "us_utility": round(float(summary["us_utility"][b]), 6),
        "us_credibility": round(float(summary["us_credibility"][b]), 6),
        "casualties": round(float(summary["casualties"][b]), 6),
    }
    record["casualties_by_camp"] = {key.removeprefix("casualties_"): round(float(v[b]), 6)
                                    for key, v in summary.items() if key.startswith("casualties_")}
    record["utilities"] = {key.removeprefix("utility_"): round(float(v[b]), 6)
                           for key, v in summary.items() if key.startswith("utility_")}
    return record
