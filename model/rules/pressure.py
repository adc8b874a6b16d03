"""Pressure and concessions: how the decided actions change the world (DESIGN section 3, steps 2-3 and 7).

Summary of rule:
- Concessions and linked concessions move an actor's demands (kept in [0, 1]).
- Supply adds `supply_rate` of a client's initial force per turn.
- Sanctions cost their target `sanction_harm` per turn (and the sanctioner a share) until a deal is agreed.
- A threat sets a deadline `threat_period` turns away; while it stands, the target and its camp count its
  expected punishment (credibility x harm) in their BATNA. At the deadline the threatener carries it out or backs
  down; carrying out destroys `punish_fraction` of the target camp's force (other than the target state itself:
  strikes on the regime, not on Russia) and moves credibility toward 1, backing down moves it toward 0
  (Schelling 1966; Sartori 2005 on reputations for honesty in coercive diplomacy).
- Withdrawal takes an actor out of theatre and talks for good.
- Resolve wears with the share of force lost (war weariness).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.rules.arrays import over_actors
from model.world import World


@dataclass
class PressureEvents:
    """What the pressure phase did this turn, per run and actor (for the event log)."""

    carried_out: np.ndarray  # (B, A)
    backed_down: np.ndarray  # (B, A)
    threatened: np.ndarray  # (B, A) new or renewed threats
    deadline: np.ndarray  # (B, A) the deadline set by each new threat, -1 elsewhere
    punished_force: np.ndarray  # (B, A) force destroyed by punishment, per victim
    supplied: np.ndarray  # (B, A) force added, per client
    credibility_before: np.ndarray  # (B, A)


def move_demands(world: World, concede: np.ndarray, link: np.ndarray) -> None:
    """Apply concessions (B, A, K) to demands; record how far each actor moved. A veto player's linked
    concession brings its issue onto the table."""
    veto = np.flatnonzero(world.veto)
    linked = (link[:, veto, :] != 0) & world.engaged[:, veto, None]
    world.on_table = world.on_table | linked.any(axis=1)
    step = (concede + link) * world.engaged[:, :, None]
    new = np.clip(world.position + step, 0.0, 1.0)
    world.concession = np.abs(new - world.position).sum(axis=2)
    world.position = new


def supply_clients(world: World, supplying: np.ndarray) -> np.ndarray:
    """Patrons that supply add `supply_rate` of each client's initial force; returns force added (B, A)."""
    has_patron = world.patron >= 0
    patron_supplies = np.zeros_like(world.force, dtype=bool)
    patron_supplies[:, has_patron] = (supplying & world.engaged)[:, world.patron[has_patron]]
    added = patron_supplies * world.force0 * world.p["supply_rate"][:, None] * world.engaged
    world.force = world.force + added
    return added


def impose_sanctions(world: World, sanction: np.ndarray) -> None:
    world.sanctioning = world.sanctioning | (sanction & world.engaged)


def withdraw(world: World, leaving: np.ndarray) -> None:
    """Actors that withdraw leave talks and theatre: no force, no threats, no sanctions."""
    leaving = leaving & world.engaged
    world.engaged = world.engaged & ~leaving
    world.force = np.where(leaving, 0.0, world.force)
    world.threat_deadline = np.where(leaving, -1, world.threat_deadline)
    world.sanctioning = world.sanctioning & ~leaving


def threats(world: World, threaten: np.ndarray, carry_out: np.ndarray, back_down: np.ndarray) -> PressureEvents:
    """Resolve deadlines (carry out or back down), apply punishments, then issue or renew threats."""
    at_deadline = (world.threat_deadline >= 0) & (world.turn >= world.threat_deadline) & world.engaged
    carried = at_deadline & carry_out
    backed = at_deadline & ~carried  # a deadline that passes without punishment is backing down
    learn = world.p["credibility_learning"][:, None]
    cred_before = world.credibility.copy()
    world.credibility = np.where(carried, cred_before + learn * (1.0 - cred_before),
                                 np.where(backed, cred_before - learn * cred_before, cred_before))
    # Victims: the punisher's target camp, except the threatened state itself.
    spared = np.zeros_like(world.threat_exposed)
    spared[np.arange(world.n_actors), world.counterpart] = True
    victims = over_actors(carried.astype(np.float64), world.threat_exposed & ~spared)
    hit = np.minimum(victims, 1.0) * world.p["punish_fraction"][:, None] * world.force
    world.force = world.force - hit
    world.casualties = world.casualties + hit
    world.threat_deadline = np.where(at_deadline, -1, world.threat_deadline)
    new = threaten & world.engaged & (world.threat_deadline < 0)
    period = world.p["threat_period"].astype(np.int64)[:, None]
    world.threat_deadline = np.where(new, world.turn + period, world.threat_deadline)
    return PressureEvents(carried_out=carried, backed_down=backed, threatened=new,
                          deadline=np.where(new, world.threat_deadline, -1),
                          punished_force=hit, supplied=np.zeros_like(hit), credibility_before=cred_before)


def wear_resolve(world: World, force_before: np.ndarray) -> None:
    """Resolve falls with the share of force lost this turn."""
    lost_share = np.divide(force_before - world.force, force_before, out=np.zeros_like(force_before), where=force_before > 0)
    world.resolve = np.clip(world.resolve * (1.0 - world.p["resolve_wear"][:, None] * np.maximum(lost_share, 0.0)), 0.0, 1.0)


def settle(world: World, agreed: np.ndarray) -> None:
    """An agreement ends threats and sanctions between the parties."""
    world.threat_deadline = np.where(agreed[:, None], -1, world.threat_deadline)
    world.sanctioning = world.sanctioning & ~agreed[:, None]
