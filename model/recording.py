"""What is recorded each turn, defined once: the Mesa DataCollector and the ensemble's traces read these columns.

Per turn (DESIGN section 5): the ceasefire state, the deal on offer, each camp's chance to prevail; per actor:
demands on each issue, force, resolve, credibility, intensity, concession, V_i and BATNA_i.
"""

from __future__ import annotations

import numpy as np

from model.world import World


def model_columns(world: World) -> dict[str, np.ndarray]:
    """Per-turn model quantities, each (B,)."""
    cols: dict[str, np.ndarray] = {
        "ceasefire": world.ceasefire.copy(),
        "n_ceasefires": world.n_ceasefires.copy(),
        "p_fail": world.p_fail.copy(),
        "distrust": world.distrust.copy(),
    }
    for k, issue in enumerate(world.issue_ids):
        cols[f"offer_{issue}"] = world.offer[:, k].copy()
    for c, camp in enumerate(world.camp_ids):
        cols[f"p_win_{camp}"] = world.win_prob[:, c].copy()
    return cols


def actor_columns(world: World) -> dict[str, np.ndarray]:
    """Per-turn actor quantities, each (B, A)."""
    cols: dict[str, np.ndarray] = {
        "force": world.force.copy(),
        "resolve": world.resolve.copy(),
        "credibility": world.credibility.copy(),
        "intensity": world.intensity.copy(),
        "concession": world.concession.copy(),
        "deal_value": world.deal_value.copy(),
        "batna": world.batna.copy(),
        "threat_deadline": world.threat_deadline.copy(),
        "engaged": world.engaged.copy(),
    }
    for k, issue in enumerate(world.issue_ids):
        cols[f"demand_{issue}"] = world.position[:, :, k].copy()
    return cols
