"""Outcomes of a run (DESIGN section 5): termination, collapse and truncation stay distinct.

`durable`: a ceasefire in force at the end that has held at least `durable_weeks`. `holding`: one in force at the end
but signed too recently to count as durable. `collapsed`: one was signed and none is in force at the end. `no_deal`:
none was ever signed before the turns ran out.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from model.rules.welfare import final_utilities as final_utilities_kernel
from model.world import World

OUTCOMES = ("durable", "holding", "collapsed", "no_deal")


def truce_age(world: World) -> np.ndarray:
    """(B,) weeks the ceasefire in force at the end has held (0 where none is)."""
    start = world.run_column("truce_start")
    return np.where(world.ceasefire, world.turn - start + 1, 0).astype(np.int64)


def durable(world: World) -> np.ndarray:
    """(B,) a ceasefire in force at the end that has held at least `durable_weeks`."""
    return world.ceasefire & (truce_age(world) >= world.p["durable_weeks"])


def outcome_codes(world: World) -> np.ndarray:
    """(B,) outcome label per run."""
    agreed = world.run_column("first_agreed") >= 0
    return np.where(durable(world), "durable",
                    np.where(world.ceasefire, "holding", np.where(agreed, "collapsed", "no_deal")))


def final_utilities(world: World) -> np.ndarray:
    """(B, A) every actor's utility over the run (discounted weekly utility minus costs, plus the end state)."""
    return final_utilities_kernel(world.kernel, world.turn)


def concession_of(world: World, actor: int) -> np.ndarray:
    """(B,) salience-weighted distance from the actor's ideal to the last signed terms, or, with no deal ever
    signed, to its final demand: how much of its position it gave up."""
    reference = np.where(np.isnan(world.terms), world.demand[:, actor, :], world.terms)
    return (world.salience[:, actor, :] * np.abs(reference - world.ideal[:, actor, :])).sum(axis=1)


def _sum_over_actors(values: np.ndarray, actors) -> np.ndarray:
    """sum_a values[:, a] over `actors`, in actor order: the same bits whatever the batch size (a matrix product or
    a strided reduction can round differently with the number of rows)."""
    out = np.zeros(values.shape[0])
    for a in actors:
        out = out + values[:, a]
    return out


def summarize(world: World) -> dict[str, np.ndarray]:
    """Per-run summary columns, each (B,): the tidy row of DESIGN section 5."""
    focal = world.focal
    first = world.run_column("first_agreed").astype(np.int64)
    utilities = final_utilities(world)
    cols: dict[str, np.ndarray] = {
        "outcome": outcome_codes(world),
        "durable": durable(world),
        "ever_agreed": first >= 0,
        "first_agreed_turn": first,
        "weeks_under_ceasefire": world.run_column("weeks_under_ceasefire").astype(np.int64),
        "turns_held": world.run_column("weeks_under_ceasefire").astype(np.int64),
        "longest_truce": world.run_column("longest_truce").astype(np.int64),
        "truce_age_at_end": truce_age(world),
        "n_ceasefires": world.run_column("n_ceasefires").astype(np.int64),
        "n_collapses": world.run_column("n_collapses").astype(np.int64),
        "us_concession": concession_of(world, focal),
        "us_utility": utilities[:, focal],
        "us_costs": world.costs[:, focal].copy(),
        "us_credibility": world.credibility[:, focal].copy(),
        "us_strikes": world.strikes[:, focal].astype(np.int64),
        "casualties": _sum_over_actors(world.casualties, range(world.n_actors)),
        "battles": world.run_column("battles").copy(),
        "p_fail_at_first_signing": world.run_column("p_fail_at_first_signing").copy(),
        "first_truce_end": world.run_column("first_truce_end").astype(np.int64),
        "truces_ended_1": world.run_column("truces_1").astype(np.int64),
        "truces_ended_2_4": world.run_column("truces_2_4").astype(np.int64),
        "truces_ended_5_12": world.run_column("truces_5_12").astype(np.int64),
        "truces_ended_13_plus": world.run_column("truces_13_plus").astype(np.int64),
    }
    for k, issue in enumerate(world.issue_ids):
        cols[f"terms_{issue}"] = world.terms[:, k].copy()
    for c, camp in enumerate(world.camp_ids):
        cols[f"casualties_{camp}"] = _sum_over_actors(world.casualties, np.flatnonzero(world.camp == c))
    for a, actor in enumerate(world.actor_ids):
        cols[f"utility_{actor}"] = utilities[:, a]
    return cols


def run_record(summary: dict[str, np.ndarray], b: int, issue_ids: tuple[str, ...]) -> dict[str, Any]:
    """Run b of a summary as plain Python values, with `terms` as a dict (None if never agreed)."""
    first = int(summary["first_agreed_turn"][b])
    terms = None if first < 0 else {k: round(float(summary[f"terms_{k}"][b]), 4) for k in issue_ids}
    record: dict[str, Any] = {
        "outcome": str(summary["outcome"][b]),
        "durable": bool(summary["durable"][b]),
        "first_agreed_turn": None if first < 0 else first,
        "weeks_under_ceasefire": int(summary["weeks_under_ceasefire"][b]),
        "turns_held": int(summary["weeks_under_ceasefire"][b]),  # the first edition's name, kept for scripts
        "longest_truce": int(summary["longest_truce"][b]),
        "n_ceasefires": int(summary["n_ceasefires"][b]),
        "n_collapses": int(summary["n_collapses"][b]),
        "terms": terms,
        "us_concession": round(float(summary["us_concession"][b]), 6),
        "us_utility": round(float(summary["us_utility"][b]), 6),
        "us_credibility": round(float(summary["us_credibility"][b]), 6),
        "us_strikes": int(summary["us_strikes"][b]),
        "casualties": round(float(summary["casualties"][b]), 6),
    }
    record["casualties_by_camp"] = {key.removeprefix("casualties_"): round(float(v[b]), 6)
                                    for key, v in summary.items() if key.startswith("casualties_")}
    record["utilities"] = {key.removeprefix("utility_"): round(float(v[b]), 6)
                           for key, v in summary.items() if key.startswith("utility_")}
    return record

