"""The ceasefire state machine: agree, hold, collapse (DESIGN section 3, step 6).

Summary of rule: with no ceasefire in force, one starts when every engaged veto player judges the offer worth at
least its alternative (V_i - BATNA_i + noise >= 0); its terms are the offer. While one holds, every engaged veto
player and spoiler re-checks each turn, and one whose alternative beats the terms by more than the reputational
cost of breaking its word (`defection_threshold`) defects: the ceasefire collapses, and the distrust it leaves
(`collapse_distrust`, fading by `trust_recovery` a turn) raises the failure risk of any new deal. Incidents (probability
`incident_rate` per turn while it holds) lower everyone's deal value by `incident_shock` that turn.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.rng import Stream
from model.world import World


@dataclass
class CeasefireEvents:
    """What happened to the ceasefire this turn, per run."""

    agreed: np.ndarray  # (B,)
    collapsed: np.ndarray  # (B,)
    defectors: np.ndarray  # (B, A)
    incident: np.ndarray  # (B,)


def incidents(world: World) -> np.ndarray:
    """(B,) True where an incident strikes a ceasefire in force this turn."""
    draw = world.streams.uniform(world.turn, Stream.INCIDENT)
    return world.ceasefire & (draw < world.p["incident_rate"])


def agree_or_break(world: World, incident: np.ndarray) -> CeasefireEvents:
    """Start, keep or end each run's ceasefire from the deal values and BATNAs just evaluated."""
    noise = world.p["decision_noise"][:, None] * world.streams.normal(world.turn, Stream.ACCEPT, world.n_actors)
    margin = world.deal_value - world.batna + noise
    deciders = world.veto & world.engaged
    any_decider = deciders.any(axis=1)
    accepts = (margin >= 0.0) | ~deciders
    agreed = ~world.ceasefire & any_decider & accepts.all(axis=1)

    checkers = (world.veto | world.spoiler) & world.engaged
    defectors = world.ceasefire[:, None] & checkers & (-margin > world.p["defection_threshold"][:, None])
    collapsed = defectors.any(axis=1)

    world.distrust = world.distrust * (1.0 - world.p["trust_recovery"])
    world.distrust = np.where(collapsed, world.distrust + world.p["collapse_distrust"] * (1.0 - world.distrust), world.distrust)
    world.terms = np.where(agreed[:, None], world.offer, world.terms)
    world.first_agreed = np.where(agreed & (world.first_agreed < 0), world.turn, world.first_agreed)
    world.n_ceasefires = world.n_ceasefires + agreed
    world.ceasefire = (world.ceasefire & ~collapsed) | agreed
    world.turns_held = world.turns_held + world.ceasefire
    return CeasefireEvents(agreed=agreed, collapsed=collapsed, defectors=defectors, incident=incident)
