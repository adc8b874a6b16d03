"""One turn for a batch of runs: observe, decide, then resolve (DESIGN section 3). Both engines call this.

All actors decide from the same snapshot; only then do the actions apply, in a fixed order: demands, supply,
sanctions, withdrawal, threats and punishment, fighting, resolve, the offer, incidents, evaluation, agreement or
collapse.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from agents.actions import Actions
from agents.observation import Observation
from agents.strategies.base import Strategy
from model.rules import ceasefire, evaluation, fighting, offer, pressure
from model.world import World


@dataclass
class TurnReport:
    """Everything that happened in one turn, per run (what the event log is written from)."""

    turn: int
    actions: list[Actions]
    position_before: np.ndarray  # (B, A, K)
    losses: np.ndarray  # (B, A)
    pressure: pressure.PressureEvents
    ceasefire: ceasefire.CeasefireEvents
    ceasefire_before: np.ndarray  # (B,)
    engaged_before: np.ndarray  # (B, A)


def stack(actions: Sequence[Actions], name: str) -> np.ndarray:
    """One field of every actor's actions as an array with the actor axis second: (B, A, ...)."""
    return np.stack([getattr(a, name) for a in actions], axis=1)


def evaluate_current(world: World, shock: np.ndarray | None = None) -> None:
    """The offer, and everyone's deal value and BATNA on what is at stake: the terms in force, else the offer."""
    world.offer = offer.deal_on_offer(world)
    at_stake = np.where(world.ceasefire[:, None], world.terms, world.offer)
    evaluation.evaluate(world, at_stake, shock)


def advance(world: World, strategies: Sequence[Strategy]) -> TurnReport:
    """Play one turn on every run of `world` (mutated in place) with one strategy per actor."""
    world.turn += 1
    decisions = [strategy.decide(Observation(world, i)) for i, strategy in enumerate(strategies)]

    position_before = world.position.copy()
    ceasefire_before = world.ceasefire.copy()
    engaged_before = world.engaged.copy()
    pressure.move_demands(world, stack(decisions, "concede"), stack(decisions, "link"))
    supplied = pressure.supply_clients(world, stack(decisions, "supply"))
    pressure.impose_sanctions(world, stack(decisions, "sanction"))
    pressure.withdraw(world, stack(decisions, "withdraw"))
    events = pressure.threats(world, stack(decisions, "threaten"), stack(decisions, "carry_out"), stack(decisions, "back_down"))
    events.supplied = supplied

    force_before = world.force.copy()
    losses = fighting.fight(world, stack(decisions, "escalate"))
    pressure.wear_resolve(world, force_before)

    incident = ceasefire.incidents(world)
    evaluate_current(world, incident * world.p["incident_shock"])
    outcome = ceasefire.agree_or_break(world, incident)
    pressure.settle(world, outcome.agreed)
    return TurnReport(
        turn=world.turn,
        actions=decisions,
        position_before=position_before,
        losses=losses + events.punished_force,
        pressure=events,
        ceasefire=outcome,
        ceasefire_before=ceasefire_before,
        engaged_before=engaged_before,
    )
