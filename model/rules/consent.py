"""Who signs, who can break it, and the failure risk each party prices in (DESIGN 3.4, 3.5).

Summary of rule: the signatories are the engaged veto players whose talks are not suspended; an armed party
without a veto is represented by its patron. A party keeps a truce while its terms are worth at least breaking it
(the others keeping it): `m_j = u_j(terms) - B'_j`, where B'_j is the war it would return to (a client also loses
`leverage x credibility` of its patron's support, and threats kept as enforcement clauses punish the breaker). A
signatory signs when `(1 - q_i) u_i(offer) + q_i (BATNA_i - betrayal_cost) - audience_cost_i x retreat_i >= BATNA_i`,
q_i the risk it anticipates that the deal fails within the horizon. The anticipated risk q_i comes
from the same rule applied to every other party that can end the deal (veto players, and clients whose patron
walks out for them), judged under i's belief, projected over the horizon (forces regroup), with i's own defection
left out: `q_i = 1 - prod_j (1 - Phi(-m_ij / margin_uncertainty))`, m_ij the smaller of j's margin now and at the
horizon as i judges it.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from model.layout import (AUDIENCE_COST, BATNA, BETRAYAL, CEASEFIRE, DEAL_VALUE, ENGAGED, FORCE, HORIZON,
                          DEMANDS_COMPATIBLE, MARGIN, MARGIN_SD, OFFER_FEASIBLE, P_FAIL, P_FAIL_PUBLIC, R_BLOCKER,
                          R_BLOCKER_MARGIN, SUSPENDED_UNTIL, WAR_INTENSITY, BELIEF)
from model.rules import bargaining
from model.rules.batna import alternative, retreat, utility, war_at, weekly_cost, without_support
from model.rules.beliefs import believed_chance
from model.rules.fighting import expected_loss_share, projected_force


@njit(cache=True)
def signatories(s, b: int, turn: int) -> np.ndarray:
    """Engaged veto players whose talks are not suspended."""
    n_a = s.camp.shape[0]
    out = np.empty(n_a, dtype=np.int64)
    n = 0
    for i in range(n_a):
        if s.veto[i] and s.actor_state[b, i, ENGAGED] > 0.5 and s.actor_state[b, i, SUSPENDED_UNTIL] < turn:
            out[n] = i
            n += 1
    return out[:n]


@njit(cache=True, inline="always")
def armed(s, b: int, i: int) -> bool:
    return s.camp[i] >= 0 and s.actor_state[b, i, ENGAGED] > 0.5 and s.actor_state[b, i, FORCE] > 0.0


@njit(cache=True, inline="always")
def can_end_deal(s, b: int, j: int) -> bool:
    """Parties whose defection ends a truce: engaged veto players, and armed clients of a veto patron."""
    if s.actor_state[b, j, ENGAGED] < 0.5:
        return False
    if s.veto[j]:
        return True
    p = s.patron[j]
    return p >= 0 and s.veto[p] and armed(s, b, j)


@njit(cache=True)
def public_belief(s, b: int) -> np.ndarray:
    """The mediator's estimate of the war: the average of every party's bias."""
    n_a = s.camp.shape[0]
    n_c = s.leader.shape[0]
    out = np.zeros(n_c)
    for i in range(n_a):
        for c in range(n_c):
            out[c] += s.delta[b, i, c] / n_a
    return out


@njit(cache=True, inline="always")
def keep_margin(s, b: int, j: int, terms: np.ndarray, war: np.ndarray, tilt: np.ndarray, cost: np.ndarray) -> float:
    """j's margin for keeping a truce on `terms` while the others keep it, judged under a belief's `tilt`: u_j(terms)
    less its value of breaking it, in `war`, the war j would return to (`breaking_wars`: a client loses its
    patron's support; enforcement clauses punish the breaker)."""
    breaking = alternative(s, b, j, war, tilt, cost, True)
    return utility(s, b, j, terms) - breaking


@njit(cache=True)
def breaking_wars(s, b: int, force: np.ndarray, as_they_are: np.ndarray) -> np.ndarray:
    """(A, A+1, C): for each party j, the war it would return to if it broke a truce at forces `force`: a client
    fights without its patron's support (`war_at` of `without_support`), anyone else in `as_they_are`, the war at
    `force` itself."""
    n_a = s.camp.shape[0]
    out = np.empty((n_a, n_a + 1, s.leader.shape[0]))
    for j in range(n_a):
        if s.patron[j] >= 0:
            war_at(s, b, without_support(s, b, j, force), out[j])
        else:
            out[j] = as_they_are
    return out


@njit(cache=True, inline="always")
def anticipated_defection(s, b: int, j: int, terms: np.ndarray, tilt: np.ndarray, now: np.ndarray,
                          later: np.ndarray, cost: np.ndarray) -> float:
    """The chance, as judged under a belief's `tilt`, that j breaks a truce on `terms` within the horizon.

    Args:
        now, later: `breaking_wars` at today's forces and at the forces projected over the horizon.
    """
    m_now = keep_margin(s, b, j, terms, now[j], tilt, cost)
    m_later = keep_margin(s, b, j, terms, later[j], tilt, cost)
    m = min(m_now, m_later)
    return 0.5 * math.erfc(m / (s.params[b, MARGIN_SD] * math.sqrt(2.0)))


@njit(cache=True)
def failure_risk(s, b: int, i: int, terms: np.ndarray, tilt: np.ndarray, now: np.ndarray, later: np.ndarray,
                 cost: np.ndarray) -> float:
    """1 - prod_j (1 - pi_ij) over the parties that can end the deal, i's own defection left out (i < 0: none)."""
    holds = 1.0
    for j in range(s.camp.shape[0]):
        if j != i and can_end_deal(s, b, j):
            holds *= 1.0 - anticipated_defection(s, b, j, terms, tilt, now, later, cost)
    return 1.0 - holds


@njit(cache=True)
def evaluate(s, b: int, turn: int) -> None:
    """The offer, and every party's deal value, alternative, margin and anticipated failure risk, for run b."""
    n_a = s.camp.shape[0]
    n_c = s.leader.shape[0]
    force = s.actor_state[b, :, FORCE].copy()
    cost = weekly_cost(s, b, expected_loss_share(s, b, force, s.actor_state[b, :, WAR_INTENSITY]))
    in_force = s.run_state[b, CEASEFIRE] > 0.5
    signers = signatories(s, b, turn)
    # The wars every test below prices, each evaluated once: at today's forces, and what each party would return
    # to if it broke a truce, today and at the forces projected over the horizon. Beliefs enter as tilts: every
    # party's own (rows 0..A-1) and the mediator's public estimate (row A).
    war = war_at(s, b, force, np.empty((n_a + 1, n_c)))
    later = projected_force(s, b, s.params[b, HORIZON])
    breaking_now = breaking_wars(s, b, force, war)
    breaking_later = breaking_wars(s, b, later, war_at(s, b, later, np.empty((n_a + 1, n_c))))
    tilts = np.empty((n_a + 1, n_c))
    pub = public_belief(s, b)
    for c in range(n_c):
        for i in range(n_a):
            tilts[i, c] = math.exp(s.delta[b, i, c])
        tilts[n_a, c] = math.exp(pub[c])
    public = tilts[n_a]

    if not in_force:
        d = np.empty(signers.shape[0])
        for m in range(signers.shape[0]):
            d[m] = alternative(s, b, signers[m], war, public, cost, False)
        offer, feasible, meet = bargaining.propose(s, b, signers, d)
        s.offer[b] = offer
        s.run_state[b, OFFER_FEASIBLE] = 1.0 if feasible else 0.0
        s.run_state[b, DEMANDS_COMPATIBLE] = 1.0 if meet else 0.0
        terms = offer
    else:
        terms = s.terms[b].copy()

    # Values under each party's own belief. Keeping or breaking a truce is a unilateral test (the others keep it);
    # signing also prices the risk, anticipated last week, that the deal fails, and the audience cost of signing.
    for i in range(n_a):
        own = tilts[i]
        if in_force or not s.veto[i]:
            value = utility(s, b, i, terms)
            alt = alternative(s, b, i, breaking_now[i], own, cost, True)
        else:
            q = s.actor_state[b, i, P_FAIL]
            if np.isnan(q):  # not computed last week (it was not a signatory)
                q = 0.0
            alt = alternative(s, b, i, war, own, cost, False)
            value = ((1.0 - q) * utility(s, b, i, terms) + q * (alt - s.params[b, BETRAYAL])
                     - s.actor_params[b, i, AUDIENCE_COST] * retreat(s, b, i, terms))
        s.actor_state[b, i, DEAL_VALUE] = value
        s.actor_state[b, i, BATNA] = alt
        s.actor_state[b, i, MARGIN] = value - alt
        side = s.side[i]
        s.actor_state[b, i, BELIEF] = believed_chance(war[0], own, side) if side >= 0 else np.nan

    # Anticipation, for next week's values: the same rule under each party's belief, its own defection left out.
    # Only a veto player's anticipation decides anything (it prices the deal it signs); others' is not computed.
    for i in range(n_a):
        if s.veto[i] and s.actor_state[b, i, ENGAGED] > 0.5:
            s.actor_state[b, i, P_FAIL] = failure_risk(s, b, i, terms, tilts[i], breaking_now, breaking_later, cost)
        else:
            s.actor_state[b, i, P_FAIL] = np.nan
    s.run_state[b, P_FAIL_PUBLIC] = failure_risk(s, b, -1, terms, public, breaking_now, breaking_later, cost)

    # Who blocks a deal now: the signatory (or a patron for its client) with the most negative margin.
    blocker = -1
    worst = 0.0
    if not in_force:
        for i in range(n_a):
            relevant = False
            for m in range(signers.shape[0]):
                if signers[m] == i:
                    relevant = True
            if not relevant and can_end_deal(s, b, i) and not s.veto[i]:
                relevant = True
            if relevant and s.actor_state[b, i, MARGIN] < worst:
                worst = s.actor_state[b, i, MARGIN]
                blocker = i
    s.run_events[b, R_BLOCKER] = blocker
    s.run_events[b, R_BLOCKER_MARGIN] = worst
