"""What is recorded each turn, defined once: the Mesa DataCollector and the ensemble's traces read these columns.

Per turn (DESIGN section 5): the ceasefire state, the deal on offer, each camp's true chance to prevail, the public
anticipated failure risk; per actor: demands, force, resolve, credibility, intensity, concession, its belief that
its side prevails, the deal's value to it, its alternative, its margin and the failure risk it anticipates.
"""

from __future__ import annotations

import numpy as np

from model import layout
from model.rules.beliefs import chances_of_every_run
from model.world import World

ACTOR_COLUMNS = ("force", "resolve", "credibility", "intensity", "concession", "belief", "deal_value", "batna",
                 "margin", "p_fail", "threat_deadline", "engaged", "violating", "casualties")


def model_columns(world: World) -> dict[str, np.ndarray]:
    """Per-turn model quantities, each (B,)."""
    cols: dict[str, np.ndarray] = {
        "ceasefire": world.ceasefire.copy(),
        "n_ceasefires": world.run_column("n_ceasefires").astype(np.int64),
        "p_fail": world.run_column("p_fail_public").copy(),
        "offer_feasible": world.run_column("offer_feasible") > 0.5,
        "demands_compatible": world.run_column("demands_compatible") > 0.5,
        "blocker": world.run_event("blocker").astype(np.int64),
    }
    for k, issue in enumerate(world.issue_ids):
        cols[f"offer_{issue}"] = world.offer[:, k].copy()
    if world.camp_ids:
        p = chances_of_every_run(world.kernel)
        for c, camp in enumerate(world.camp_ids):
            cols[f"p_win_{camp}"] = p[:, c]
    return cols


def actor_columns(world: World) -> dict[str, np.ndarray]:
    """Per-turn actor quantities, each (B, A)."""
    state = world.arrays.actor_state
    cols: dict[str, np.ndarray] = {name: state[:, :, layout.ACTOR_STATE.index(name)].copy() for name in ACTOR_COLUMNS}
    cols["engaged"] = cols["engaged"] > 0.5
    cols["violating"] = cols["violating"] > 0.5
    for k, issue in enumerate(world.issue_ids):
        cols[f"demand_{issue}"] = world.demand[:, :, k].copy()
    return cols
