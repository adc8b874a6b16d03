"""The ceasefire state machine: sign, hold through incidents, end when a veto player walks out (DESIGN 3.4, 5).

Summary of rule: with no ceasefire in force, one is signed when there are at least two signatories, every
signatory's margin for the offer is non-negative, and every signatory that is a patron judges that each of its
armed clients would keep it (a patron signs for its clients only if they will keep it). Signing pays each
signatory's audience cost of retreating to the terms, makes the terms its public demand, lifts sanctions, ends
ultimatums (threats declared as enforcement clauses stay in force). While one holds: an armed party that does not
sign and whose margin is negative violates it (fights on: violations are incidents that cost the victims, and
enforcement clauses may punish them); a veto player whose margin is negative walks out, and so does a patron whose
client violates (it can no longer restrain it); a walkout ends the truce. After a collapse, the signatories that
were walked out on suspend talks for `suspension_weeks`. Random incidents (probability `incident_rate` a week)
cost the victims `incident_loss` of their force.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from model.layout import (DEMANDS_COMPATIBLE, AUDIENCE_COST, CASUALTIES, CEASEFIRE, E_RETREAT, E_VIOLATED, E_WALKED_OUT, ENFORCING,
                          ENGAGED, EXPOSURE, FIRST_AGREED, FORCE, INCIDENT_LOSS, INCIDENT_RATE, LONGEST, MARGIN,
                          N_CEASEFIRES, N_COLLAPSES, P_FAIL_AT_FIRST, P_FAIL_PUBLIC, FIRST_TRUCE_END, R_AGREED, TRUCES_1, TRUCES_2_4, TRUCES_5_12, TRUCES_13_PLUS, R_COLLAPSED, R_INCIDENT_BY, SANCTIONING,
                          SUSPENDED_UNTIL, SUSPENSION, THREAT_DEADLINE, TRUCE_START, VIOLATING, WAR_INTENSITY,
                          WEEK_COST, WEEKS_UNDER)
from model.rules import coercion, draws
from model.rules.batna import retreat, war_at, weekly_cost, without_support
from model.rules.beliefs import tilt
from model.rules.consent import armed, keep_margin, signatories
from model.rules.fighting import expected_loss_share


@njit(cache=True)
def clients_will_keep(s, b: int, patron: int, terms: np.ndarray) -> bool:
    """Whether each of `patron`'s armed clients would keep a truce on `terms`. A patron knows its client's own
    reading of the war (liaison, advisers, shared intelligence), so it judges with the client's belief: it does not
    sign what its client has already made clear it will not keep. A client without a veto has just been evaluated
    on these terms with exactly that test (`consent.evaluate`), so its margin is read, not recomputed."""
    force = np.empty(0)
    cost = np.empty(0)
    for j in range(s.camp.shape[0]):
        if s.patron[j] == patron and armed(s, b, j):
            if not s.veto[j]:
                margin = s.actor_state[b, j, MARGIN]
            else:
                if force.shape[0] == 0:
                    force = s.actor_state[b, :, FORCE].copy()
                    cost = weekly_cost(s, b, expected_loss_share(s, b, force, s.actor_state[b, :, WAR_INTENSITY]))
                war = war_at(s, b, without_support(s, b, j, force), np.empty((s.camp.shape[0] + 1, s.leader.shape[0])))
                margin = keep_margin(s, b, j, terms, war, tilt(s.delta[b, j]), cost)
            if margin < 0.0:
                return False
    return True


@njit(cache=True)
def sign(s, b: int, turn: int, signers: np.ndarray) -> None:
    """The signatories agree on the offer."""
    terms = s.offer[b].copy()
    for i in signers:
        paid = s.actor_params[b, i, AUDIENCE_COST] * retreat(s, b, i, terms)
        s.actor_state[b, i, WEEK_COST] += paid
        s.actor_events[b, i, E_RETREAT] += paid
        for k in range(terms.shape[0]):
            if s.on_table[b, k] > 0.5:
                s.demand[b, i, k] = terms[k]
    for i in range(s.camp.shape[0]):
        s.actor_state[b, i, SANCTIONING] = 0.0
        s.actor_state[b, i, THREAT_DEADLINE] = -1.0
        s.actor_state[b, i, VIOLATING] = 0.0
    s.terms[b] = terms
    s.run_state[b, CEASEFIRE] = 1.0
    s.run_state[b, TRUCE_START] = turn
    if s.run_state[b, FIRST_AGREED] < 0.0:
        s.run_state[b, FIRST_AGREED] = turn
        s.run_state[b, P_FAIL_AT_FIRST] = s.run_state[b, P_FAIL_PUBLIC]
    s.run_state[b, N_CEASEFIRES] += 1.0
    s.run_events[b, R_AGREED] = 1.0


@njit(cache=True)
def collapse(s, b: int, turn: int, walked_out: np.ndarray) -> None:
    """The truce ends; those walked out on suspend talks; enforcement clauses lapse with the deal."""
    length = turn - s.run_state[b, TRUCE_START]
    s.run_state[b, LONGEST] = max(s.run_state[b, LONGEST], length)
    if length <= 1.0:
        s.run_state[b, TRUCES_1] += 1.0
    elif length <= 4.0:
        s.run_state[b, TRUCES_2_4] += 1.0
    elif length <= 12.0:
        s.run_state[b, TRUCES_5_12] += 1.0
    else:
        s.run_state[b, TRUCES_13_PLUS] += 1.0
    s.run_state[b, CEASEFIRE] = 0.0
    if s.run_state[b, N_COLLAPSES] == 0.0:
        s.run_state[b, FIRST_TRUCE_END] = turn
    s.run_state[b, N_COLLAPSES] += 1.0
    s.run_events[b, R_COLLAPSED] = 1.0
    weeks = s.params[b, SUSPENSION]
    for i in range(s.camp.shape[0]):
        s.actor_state[b, i, ENFORCING] = 0.0
        s.actor_state[b, i, VIOLATING] = 0.0
        if s.veto[i] and not walked_out[i] and weeks > 0.0:
            s.actor_state[b, i, SUSPENDED_UNTIL] = turn + weeks


@njit(cache=True)
def incidents(s, b: int, turn: int) -> None:
    """A random incident during a truce: an armed party's unit fires; the enemy camps' exposed forces pay."""
    if s.run_state[b, CEASEFIRE] < 0.5 or s.leader.shape[0] < 2:
        return
    if draws.uniform(s.keys[b], turn, draws.INCIDENT, 0) >= s.params[b, INCIDENT_RATE]:
        return
    n_a = s.camp.shape[0]
    candidates = np.empty(n_a, dtype=np.int64)
    n = 0
    for a in range(n_a):
        if armed(s, b, a):
            candidates[n] = a
            n += 1
    if n == 0:
        return
    by = candidates[min(int(draws.uniform(s.keys[b], turn, draws.INCIDENT_ACTOR, 0) * n), n - 1)]
    s.run_events[b, R_INCIDENT_BY] = by
    for a in range(n_a):
        if armed(s, b, a) and s.camp[a] != s.camp[by]:
            hit = s.params[b, INCIDENT_LOSS] * s.actor_params[b, a, EXPOSURE] * s.actor_state[b, a, FORCE]
            s.actor_state[b, a, FORCE] -= hit
            s.actor_state[b, a, CASUALTIES] += hit


@njit(cache=True)
def agree_or_break(s, b: int, turn: int) -> None:
    """Start, keep or end run b's ceasefire from the margins just evaluated."""
    n_a = s.camp.shape[0]
    signers = signatories(s, b, turn)
    if s.run_state[b, CEASEFIRE] < 0.5:
        if signers.shape[0] < 2 or s.run_state[b, DEMANDS_COMPATIBLE] < 0.5:
            return  # no terms meet every public demand: no one signs below its demand (DESIGN 3.7)
        for i in signers:
            if s.actor_state[b, i, MARGIN] < 0.0 or not clients_will_keep(s, b, i, s.offer[b]):
                return
        sign(s, b, turn, signers)
        return
    walked_out = np.zeros(n_a, dtype=np.bool_)
    for j in range(n_a):
        signer = s.veto[j] and s.actor_state[b, j, ENGAGED] > 0.5
        if signer:
            if s.actor_state[b, j, MARGIN] < 0.0:
                walked_out[j] = True
                s.actor_events[b, j, E_WALKED_OUT] = 1.0
        elif armed(s, b, j):
            violating = s.actor_state[b, j, MARGIN] < 0.0
            s.actor_state[b, j, VIOLATING] = 1.0 if violating else 0.0
            if violating:
                s.actor_events[b, j, E_VIOLATED] = 1.0
                coercion.enforce(s, b, turn, j)
                p = s.patron[j]
                if p >= 0 and s.veto[p] and s.actor_state[b, p, ENGAGED] > 0.5:
                    walked_out[p] = True
                    s.actor_events[b, p, E_WALKED_OUT] = 1.0
    if walked_out.any():
        collapse(s, b, turn, walked_out)


@njit(cache=True)
def bookkeeping(s, b: int, turn: int) -> None:
    """Weeks under ceasefire and the longest truce so far (counting the one in force)."""
    if s.run_state[b, CEASEFIRE] > 0.5:
        s.run_state[b, WEEKS_UNDER] += 1.0
        s.run_state[b, LONGEST] = max(s.run_state[b, LONGEST], turn - s.run_state[b, TRUCE_START] + 1.0)
