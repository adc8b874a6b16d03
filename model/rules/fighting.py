"""Fighting: Lanchester-style attrition between opposing camps (DESIGN section 3, step 3).

Summary of rule: every actor in a camp directs fire `force x intensity` at the other camps; each camp's losses are
`attrition x incoming fire`, shared among its members in proportion to their force, scaled by log-normal noise
(fortune of war). Escalating above ordinary fighting also exposes the escalator's own force. While a ceasefire
holds, intensity drops to a floor. Source: Lanchester (1916) square law, weekly; constants in `model.constants`.
"""

from __future__ import annotations

import numpy as np

from model.rng import Stream
from model.rules.arrays import over_actors
from model.world import World


def _incoming_fire(world: World, fire: np.ndarray) -> np.ndarray:
    """Fire (B, A) each actor receives: the enemy camps' fire, shared by force within the camp."""
    in_camp = world.camp >= 0
    if not in_camp.any():
        return np.zeros_like(world.force)
    camp_force = over_actors(world.force, world.members)  # (B, C)
    camp_fire = over_actors(fire, world.members)  # (B, C)
    own = np.maximum(world.camp, 0)
    # Every other camp is an enemy: the fire a camp receives is all camps' fire but its own.
    received = np.where(in_camp, camp_fire.sum(axis=1, keepdims=True) - camp_fire[:, own], 0.0)
    own_camp_force = np.where(in_camp, camp_force[:, own], 0.0)
    share = np.divide(world.force, own_camp_force, out=np.zeros_like(world.force), where=own_camp_force > 0)
    return received * share


def expected_loss_share(world: World) -> np.ndarray:
    """Share of its force each actor expects to lose per turn of ordinary fighting (no deal), shape (B, A)."""
    fire = world.force * world.p["war_intensity"][:, None]
    incoming = _incoming_fire(world, fire) * world.p["attrition"][:, None]
    share = np.divide(incoming, world.force, out=np.zeros_like(incoming), where=world.force > 1e-9)
    return np.minimum(share, 1.0)  # one cannot lose more than all of one's force


def fight(world: World, intensity: np.ndarray) -> np.ndarray:
    """Apply one turn of fighting at the chosen intensities; returns the force lost (B, A).

    Args:
        world: the batch; `force`, `casualties` and `intensity` are updated.
        intensity: (B, A) intensity each actor chose (0..1).
    """
    floor = world.p["ceasefire_floor"][:, None]
    effective = np.where(world.ceasefire[:, None], np.minimum(intensity, floor), intensity)
    effective = np.where(world.engaged, effective, 0.0)
    fire = world.force * effective
    noise = np.exp(world.p["fight_noise"][:, None] * world.streams.normal(world.turn, Stream.FIGHT, world.n_actors))
    losses = _incoming_fire(world, fire) * world.p["attrition"][:, None] * noise
    above_ordinary = np.maximum(effective - world.p["war_intensity"][:, None], 0.0) * world.enemy.any(axis=1)
    losses = losses + world.force * above_ordinary * world.p["escalation_cost"][:, None]
    losses = np.minimum(losses, world.force)
    world.force = world.force - losses
    world.casualties = world.casualties + losses
    world.intensity = effective
    return losses
