"""Applying the moves strategies chose: demands, withdrawal, sanctions, supply (DESIGN 3.7 and section 4).

Summary of rule: concessions and linked concessions move an actor's public demands (kept in [0, 1]); moving away
from its ideal costs it `audience_cost` x the salience-weighted retreat (Fearon 1994, 1997: audience costs make
public demands sticky, so a party concedes only when the costs of no deal outweigh them), paid out of the pain of
no deal it has borne: a week's retreats that would cost more than the pain held are scaled down alike, and the
veto players' simultaneous retreats on an issue are scaled so that they meet rather than swap (Zartman 1989 on the
hurting stalemate; docs/decisions.md S14). A veto player's linked
concession brings an issue that was off the table into the talks. Withdrawal takes an actor out of talks and
theatre for good. Sanctions (1 impose, -1 lift) cost their target `sanction_harm` a week and the sanctioner
`sanction_cost` of that. Supply adds `supply_rate` of each client's initial force a week and costs the supplier
`supply_cost`.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from model.layout import (PAIN, A_SANCTION, A_SUPPLY, A_WITHDRAW, AUDIENCE_COST, CONCESSION, E_RETREAT, E_SUPPLIED,
                          ENFORCING, ENGAGED, FORCE, FORCE0, SANCTIONING, SUPPLY_COST, SUPPLY_RATE,
                          THREAT_DEADLINE, WEEK_COST, E_SUPPLYING)
from model.rules.bargaining import acceptable_terms


@njit(cache=True)
def _retreat(s, b: int, i: int, k: int, old: float, new: float) -> float:
    """Salience-weighted distance by which moving i's demand on k from old to new goes away from its ideal."""
    x = s.ideal[b, i, k]
    worse = abs(new - x) - abs(old - x)
    return s.salience[b, i, k] * worse if worse > 0.0 else 0.0


@njit(cache=True)
def payable_share(ideal: np.ndarray, salience: np.ndarray, old: np.ndarray, new: np.ndarray, audience: float,
                  pain: float) -> float:
    """The share of one actor's week of moves, from demands `old` to `new` ((K,) each), that the pain of no deal it
    holds pays for (S14): 1 if `audience` x the salience-weighted retreat costs no more than `pain`, else pain over
    that cost. A negative pain (a gain) pays for nothing."""
    asked = 0.0
    for k in range(ideal.shape[0]):
        worse = abs(new[k] - ideal[k]) - abs(old[k] - ideal[k])
        if worse > 0.0:
            asked += salience[k] * worse
    held = max(pain, 0.0)
    if asked > 0.0 and audience * asked > held:
        return held / (audience * asked)
    return 1.0


@njit(cache=True)
def payable_shares(ideal: np.ndarray, salience: np.ndarray, old: np.ndarray, new: np.ndarray, audience: np.ndarray,
                   pain: np.ndarray) -> np.ndarray:
    """`payable_share` for each run of a batch: (B, K) ideals, saliences and demands, (B,) audience costs and pains
    (what a strategy uses to foresee how far the rules will let its moves go)."""
    out = np.empty(ideal.shape[0])
    for b in range(ideal.shape[0]):
        out[b] = payable_share(ideal[b], salience[b], old[b], new[b], audience[b], pain[b])
    return out


@njit(cache=True)
def _engaged_vetoes(s, b: int) -> np.ndarray:
    """The engaged veto players of run b."""
    n_a = s.camp.shape[0]
    out = np.empty(n_a, dtype=np.int64)
    n = 0
    for i in range(n_a):
        if s.veto[i] and s.actor_state[b, i, ENGAGED] > 0.5:
            out[n] = i
            n += 1
    return out[:n]


@njit(cache=True)
def move_demands(s, b: int) -> None:
    """Move each engaged actor's public demands by the steps its strategy asked for, within two limits (S14).

    Simultaneous retreats do not overshoot: where the veto players' retreats on an issue would together close more
    than the gap between their acceptable terms, each is scaled down in proportion, so that two sides conceding at
    once meet rather than swap demands. And a leader pays a week's retreats (audience_cost x the salience-weighted
    retreat) only out of the pain of no deal borne: beyond that, its retreats of the week are scaled down alike.
    """
    n_a, n_k = s.demand.shape[1], s.demand.shape[2]
    target = np.empty((n_a, n_k))
    for i in range(n_a):
        for k in range(n_k):
            target[i, k] = min(max(s.demand[b, i, k] + s.concede[b, i, k] + s.link[b, i, k], 0.0), 1.0)
    # How far apart the engaged veto players' acceptable terms on each issue are (0 when some terms meet every
    # public demand): the retreat, in reach, that still separates them.
    lo, hi = acceptable_terms(s.ideal[b], s.demand[b], _engaged_vetoes(s, b))
    for k in range(n_k):
        gap = max(lo[k] - hi[k], 0.0)
        if gap <= 0.0:
            continue
        closing = 0.0
        for i in range(n_a):
            if s.veto[i] and s.actor_state[b, i, ENGAGED] > 0.5:
                x = s.ideal[b, i, k]
                closing += max(abs(target[i, k] - x) - abs(s.demand[b, i, k] - x), 0.0)
        if closing > gap:
            for i in range(n_a):
                x = s.ideal[b, i, k]
                old = s.demand[b, i, k]
                if s.veto[i] and abs(target[i, k] - x) > abs(old - x):
                    target[i, k] = old + (gap / closing) * (target[i, k] - old)
    for i in range(n_a):
        s.actor_state[b, i, CONCESSION] = 0.0
        if s.actor_state[b, i, ENGAGED] < 0.5:
            continue
        audience = s.actor_params[b, i, AUDIENCE_COST]
        held = max(s.actor_state[b, i, PAIN], 0.0)  # a negative cost (a gain) is no pain to pay with
        share = payable_share(s.ideal[b, i], s.salience[b, i], s.demand[b, i], target[i], audience, held)
        moved = 0.0
        retreat = 0.0
        for k in range(n_k):
            old = s.demand[b, i, k]
            new = target[i, k]
            cost = _retreat(s, b, i, k, old, new)
            if cost > 0.0 and share < 1.0:
                new = old + share * (new - old)
                cost = _retreat(s, b, i, k, old, new)
            # What was applied, for the event log (the strategy's ask stays in the turn report).
            s.concede[b, i, k] = new - old if s.link[b, i, k] == 0.0 else 0.0
            s.link[b, i, k] = new - old if s.link[b, i, k] != 0.0 else 0.0
            if new == old:
                continue
            if s.link[b, i, k] != 0.0 and s.veto[i]:
                s.on_table[b, k] = 1.0
            retreat += cost
            moved += abs(new - old)
            s.demand[b, i, k] = new
        s.actor_state[b, i, CONCESSION] = moved
        paid = audience * retreat
        s.actor_state[b, i, PAIN] = max(held - paid, 0.0)
        s.actor_state[b, i, WEEK_COST] += paid
        s.actor_events[b, i, E_RETREAT] += paid


@njit(cache=True)
def withdraw_sanction_supply(s, b: int) -> None:
    n_a = s.camp.shape[0]
    for i in range(n_a):
        if s.actor_state[b, i, ENGAGED] < 0.5:
            continue
        if s.actions[b, i, A_WITHDRAW] > 0.5:
            s.actor_state[b, i, ENGAGED] = 0.0
            s.actor_state[b, i, FORCE] = 0.0
            s.actor_state[b, i, THREAT_DEADLINE] = -1.0
            s.actor_state[b, i, ENFORCING] = 0.0
            s.actor_state[b, i, SANCTIONING] = 0.0
            continue
        if s.actions[b, i, A_SANCTION] > 0.5:
            s.actor_state[b, i, SANCTIONING] = 1.0
        elif s.actions[b, i, A_SANCTION] < -0.5:
            s.actor_state[b, i, SANCTIONING] = 0.0
        if s.actions[b, i, A_SUPPLY] > 0.5:
            supplied = False
            for j in range(n_a):
                if s.patron[j] == i and s.actor_state[b, j, ENGAGED] > 0.5:
                    added = s.params[b, SUPPLY_RATE] * s.actor_params[b, j, FORCE0]
                    s.actor_state[b, j, FORCE] += added
                    s.actor_events[b, j, E_SUPPLIED] += added
                    supplied = True
            if supplied:
                s.actor_state[b, i, WEEK_COST] += s.params[b, SUPPLY_COST]
                s.actor_events[b, i, E_SUPPLYING] = 1.0
