"""Fighting: Lanchester attrition between camps, losses by exposure (DESIGN 3.8).

Summary of rule: every engaged armed actor directs fire `force x intensity` at the other camps. A camp receives the
fire of every other camp; its losses are `attrition x incoming fire` (Lanchester's square law, weekly), shared
among its members in proportion to their exposed force `force x exposure` (an air contingent is not infantry, and a
member that does not fight the enemy camp is barely exposed), scaled by log-normal noise (fortune of war).
Fighting above ordinary intensity also costs the escalator `escalation_cost` of its force per unit of intensity
above it. Forces regroup: each week an armed actor's force reverts `regroup_rate` of the way to its initial level
and moves by a recruitment shock (`recruitment_noise`), so power keeps shifting under a truce and a side whose
power grows can come to prefer war again: the commitment problem (Powell 2006).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from model.layout import (ATTRITION, ENGAGED, ESCALATION_COST, EXPOSURE, FIGHT_NOISE, FORCE, FORCE0,
                          RECRUITMENT_NOISE, REGROUP, WAR)
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
def regroup(s, b: int, turn: int) -> None:
    """Every engaged armed actor's force reverts `regroup_rate` of the way to its initial level (recruitment and
    resupply after losses; supplies above it wear out), then moves by a log-normal recruitment shock of spread
    `recruitment_noise` (desertions, conscription drives, an ally's surge): forces keep changing during a truce."""
    rate = s.params[b, REGROUP]
    sd = s.params[b, RECRUITMENT_NOISE]
    for a in range(s.camp.shape[0]):
        if s.camp[a] >= 0 and s.actor_state[b, a, ENGAGED] > 0.5 and s.actor_state[b, a, FORCE] > 0.0:
            force = s.actor_state[b, a, FORCE]
            force += rate * (s.actor_params[b, a, FORCE0] - force)
            if sd > 0.0:
                force *= math.exp(sd * draws.normal(s.keys[b], turn, draws.RECRUITMENT, a) - 0.5 * sd * sd)
            s.actor_state[b, a, FORCE] = force


@njit(cache=True)
def projected_force(s, b: int, weeks: float) -> np.ndarray:
    """Expected forces `weeks` ahead if nobody fights: every armed actor reverted toward its initial force (A,)."""
    keep = (1.0 - s.params[b, REGROUP]) ** weeks
    out = s.actor_state[b, :, FORCE].copy()
    for a in range(out.shape[0]):
        if s.camp[a] >= 0 and s.actor_state[b, a, ENGAGED] > 0.5 and out[a] > 0.0:
            out[a] = s.actor_params[b, a, FORCE0] + (out[a] - s.actor_params[b, a, FORCE0]) * keep
    return out
