"""Evaluation: each party's value of the deal on offer against its BATNA (DESIGN section 3, step 5).

Summary of rule: utility is `u_i(z) = 1 - sum_k salience_ik |z_k - ideal_ik|`. The BATNA is the expected utility
of the no-deal path: on contested issues a lottery in which camp c prevails with probability
`P_c = S_c^gamma / sum S^gamma` (S_c the camp's force weighted by resolve, as the party perceives it) and imposes its
leader's ideal; on other issues the status quo stands; minus `horizon` turns of the per-turn cost of no deal
(expected losses, sanctions, no-deal cost and expected punishment of threats in force), weighted by
`1 - resolve`. The deal's value is its utility discounted by the risk that it fails:
`V_i = (1 - p_fail) u_i(y) + p_fail (BATNA_i - betrayal_cost)`, where p_fail is the chance that at least one armed veto player or spoiler breaks it (each
one's chance a normal CDF of how far its alternative beats the terms, in units of `spoiler_uncertainty`: one
defector is enough to end a ceasefire), raised by the distrust a past collapse left behind. Sources: Fearon (1995) for war as a costly lottery
and the bargaining range it opens; Bueno de Mesquita (1985, 2002) for salience-weighted spatial utility.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr

from model.rng import Stream
from model.rules.arrays import over_actors
from model.rules.fighting import expected_loss_share
from model.world import World


def utility(world: World, z: np.ndarray) -> np.ndarray:
    """u_i(z) for every actor (B, A) of outcome z (B, K)."""
    return 1.0 - (world.salience * np.abs(z[:, None, :] - world.ideal)).sum(axis=2)


def camp_strength(world: World) -> np.ndarray:
    """S_c: each camp's force weighted by resolve (B, C), counting only engaged actors."""
    return over_actors(world.force * world.resolve * world.engaged, world.members)


def win_probability(strength: np.ndarray, gamma: np.ndarray) -> np.ndarray:
    """P_c = S_c^gamma / sum S^gamma along the last axis; equal chances when nobody has force."""
    # exp(gamma log S) rather than np.power with a broadcast exponent, whose result can differ in the last bit
    # with the batch size (see model.rules.arrays); exp and log of contiguous arrays do not.
    exponent = gamma.reshape(gamma.shape + (1,) * (strength.ndim - 1))
    with np.errstate(divide="ignore"):
        s = np.exp(exponent * np.log(strength))
    total = s.sum(axis=-1, keepdims=True)
    n = strength.shape[-1]
    return np.divide(s, total, out=np.full_like(s, 1.0 / max(n, 1)), where=total > 0)


def per_turn_cost(world: World) -> np.ndarray:
    """What a turn without a deal costs each actor (B, A), before weighting by resolve."""
    losses = world.p["loss_weight"][:, None] * expected_loss_share(world)
    threat_in_force = (world.threat_deadline >= 0) & world.engaged  # (B, J)
    expected_punishment = threat_in_force * world.credibility * world.threat_harm / world.p["threat_period"][:, None]
    threat_cost = over_actors(expected_punishment, world.threat_exposed)
    sanctions = world.sanctioning * world.engaged * world.sanction_harm  # (B, J) harm j does to its counterpart
    sanctioned = np.zeros_like(sanctions)
    np.add.at(sanctioned, (slice(None), world.counterpart), sanctions)
    sanction_cost = sanctioned + sanctions * world.p["sanction_cost"][:, None]
    return losses + threat_cost + sanction_cost + world.no_deal_cost


def batna(world: World) -> tuple[np.ndarray, np.ndarray]:
    """Every actor's BATNA (B, A) as it perceives the balance of force, and the undistorted P (B, C)."""
    strength = camp_strength(world)
    gamma = world.p["gamma"]
    true_p = win_probability(strength, gamma)
    n_c = strength.shape[1]
    if n_c:
        noise = world.streams.normal(world.turn, Stream.PERCEPTION, world.n_actors * n_c).reshape(world.batch, world.n_actors, n_c)
        perceived = strength[:, None, :] * np.exp(world.p["perception_noise"][:, None, None] * noise)
        p = win_probability(perceived, gamma)  # (B, A, C)
        contest = (p * world.contest_loss).sum(axis=2)
    else:
        contest = np.zeros((world.batch, world.n_actors))
    cost = (1.0 - world.resolve) * per_turn_cost(world)
    value = 1.0 - world.static_loss - contest - world.p["horizon"][:, None] * cost
    return value, true_p


def evaluate(world: World, terms: np.ndarray, shock: np.ndarray | None = None) -> None:
    """Form V_i and BATNA_i for every actor on `terms` (B, K); sets deal_value, batna, win_prob, p_fail.

    Args:
        terms: the deal being judged (the offer, or the terms of the ceasefire in force).
        shock: (B,) deal value lost to an incident this turn, or None.
    """
    alternative, true_p = batna(world)
    u = utility(world, terms)
    # Anticipated defection: the chance each armed veto player or spoiler finds its alternative better than the
    # terms by more than the cost of breaking its word, judged with uncertainty about its true alternative.
    armed = (world.force > 0) & world.engaged & (world.camp >= 0) & (world.veto | world.spoiler)
    gap = (alternative - u - world.p["defection_threshold"][:, None]) / world.p["spoiler_uncertainty"][:, None]
    q_defect = np.where(armed, ndtr(gap), 0.0)
    holds = np.prod(1.0 - q_defect, axis=1)
    p_fail = 1.0 - holds * (1.0 - world.distrust)
    value = (1.0 - p_fail[:, None]) * u + p_fail[:, None] * (alternative - world.p["betrayal_cost"][:, None])
    if shock is not None:
        value = value - shock[:, None]
    world.batna = alternative
    world.deal_value = value
    world.win_prob = true_p
    world.p_fail = p_fail
