"""Fighting: Lanchester attrition between camps, losses by exposure (DESIGN 3.8).

Summary of rule: every engaged armed actor directs fire `force x intensity` at the other camps. A camp receives the
fire of every other camp; its losses are `attrition x incoming fire` (Lanchester's square law, weekly), shared
among its members in proportion to their exposed force `force x exposure` (an air contingent is not infantry, and a
member that does not fight the enemy camp is barely exposed), scaled by log-normal noise (fortune of war).
Fighting above ordinary intensity also costs the escalator `escalation_cost` of its force per unit of intensity
above it. Forces regroup: each week an armed actor recovers `regroup_rate` of the gap to its initial force
(recruitment, resupply), so a truce lets power shift (Powell 2006).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from model.layout import (ATTRITION, ENGAGED, ESCALATION_COST, EXPOSURE, FIGHT_NOISE, FORCE, FORCE0, REGROUP, WAR)
from model.rules import draws


@njit(cache=True)
def losses(s, b: int, force: np.ndarray, intensity: np.ndarray, turn: int, noisy: bool) -> np.ndarray:
    """Force each actor loses in a week of fighting at these intensities (A,); expected losses if not `noisy`."""
    n_a = s.camp.shape[0]
    n_c = s.leader.shape[0]
    out = np.zeros(n_a)
    if n_c < 2:
        return out
    fire = np.zeros(n_c)
    exposed = np.zeros(n_c)
    for a in range(n_a):
        c = s.camp[a]
        if c >= 0 and s.actor_state[b, a, ENGAGED] > 0.5:
            fire[c] += force[a] * intensity[a]
            exposed[c] += force[a] * s.actor_params[b, a, EXPOSURE]
    total_fire = 0.0
    for c in range(n_c):
        total_fire += fire[c]
    attrition = s.params[b, ATTRITION]
    sd = s.params[b, FIGHT_NOISE]
    for a in range(n_a):
        c = s.camp[a]
        if c < 0 or s.actor_state[b, a, ENGAGED] < 0.5 or exposed[c] <= 0.0:
            continue
        incoming = total_fire - fire[c]
        share = force[a] * s.actor_params[b, a, EXPOSURE] / exposed[c]
        loss = attrition * incoming * share
        if noisy:
            loss *= math.exp(sd * draws.normal(s.keys[b], turn, draws.FIGHT, a))
        above = intensity[a] - s.params[b, WAR]
        if above > 0.0:
            loss += force[a] * above * s.params[b, ESCALATION_COST]
        out[a] = min(loss, force[a])
    return out


@njit(cache=True)
def expected_loss_share(s, b: int, force: np.ndarray, intensity: np.ndarray) -> np.ndarray:
    """Share of its force each actor expects to lose per week at these intensities, without noise (A,)."""
    lost = losses(s, b, force, intensity, 0, False)
    out = np.zeros(lost.shape[0])
    for a in range(lost.shape[0]):
        if force[a] > 1e-9:
            out[a] = min(lost[a] / force[a], 1.0)
    return out


@njit(cache=True)
def regroup(s, b: int) -> None:
    """Every engaged armed actor recovers `regroup_rate` of the gap to its initial force."""
    rate = s.params[b, REGROUP]
    for a in range(s.camp.shape[0]):
        if s.camp[a] >= 0 and s.actor_state[b, a, ENGAGED] > 0.5:
            gap = s.actor_params[b, a, FORCE0] - s.actor_state[b, a, FORCE]
            if gap > 0.0:
                s.actor_state[b, a, FORCE] += rate * gap


@njit(cache=True)
def projected_force(s, b: int, weeks: float) -> np.ndarray:
    """Forces `weeks` ahead if nobody fights: every armed actor regrouped toward its initial force (A,)."""
    keep = (1.0 - s.params[b, REGROUP]) ** weeks
    out = s.actor_state[b, :, FORCE].copy()
    for a in range(out.shape[0]):
        if s.camp[a] >= 0 and s.actor_state[b, a, ENGAGED] > 0.5:
            gap = s.actor_params[b, a, FORCE0] - out[a]
            if gap > 0.0:
                out[a] += gap * (1.0 - keep)
    return out
