"""The value of the deal and of the alternative to it (DESIGN 3.2).

Summary of rule: utility is salience-weighted distance, `u_i(z) = 1 - sum_k s_ik |z_k - x_ik|` (Bueno de Mesquita
1985). The BATNA of actor i is the no-deal path over `horizon` weeks under its own belief:
`BATNA_i = sum_c P_ic W_ic - horizon (1 - resolve_i) cost_i - sum_j cred_j harm_ji`, where W_ic is i's utility if
camp c prevails (on contested issues c's leader imposes its ideal, elsewhere the status quo stands: Fearon 1995's
war as a costly lottery); cost_i its weekly cost of no deal (its expected losses at the intensities actually being
used x `loss_weight`, sanctions it receives, its share of the cost of sanctions it imposes, `no_deal_cost`); and the
last term the expected punishment of threats in force against it, **derived** from what a strike does: the fall of
i's lottery when the strike destroys `punish_fraction` of the target camp's force, plus the force i itself loses.
Resolve enters once, as the weight on costs. Breaking a truce is the same path seen by a party that walks away from
it: its patron keeps the truce and, as far as it is credible as an enforcer, stays out of the fight and withholds
`leverage` of the client's fighting power (DESIGN 3.4); threats kept as enforcement clauses punish the breaker.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from model.layout import (CEASEFIRE, CREDIBILITY, ENFORCING, ENGAGED, FORCE, HORIZON, LEVERAGE, LOSS_WEIGHT,
                          NO_DEAL_COST, PUNISH, RESOLVE, SANCTION_COST, SANCTION_HARM, SANCTIONING,
                          THREAT_DEADLINE)
from model.rules.beliefs import believed_chance, chances_at


@njit(cache=True, inline="always")
def utility(s, b: int, i: int, z: np.ndarray) -> float:
    """u_i(z) = 1 - sum_k s_ik |z_k - x_ik|."""
    loss = 0.0
    for k in range(z.shape[0]):
        loss += s.salience[b, i, k] * abs(z[k] - s.ideal[b, i, k])
    return 1.0 - loss


@njit(cache=True)
def retreat(s, b: int, i: int, z: np.ndarray) -> float:
    """How far terms z fall short of i's public demand, salience-weighted, on issues under negotiation: the part
    of the move from demand to z that goes away from its ideal (DESIGN 3.7)."""
    total = 0.0
    for k in range(z.shape[0]):
        if s.on_table[b, k] > 0.5:
            worse = abs(z[k] - s.ideal[b, i, k]) - abs(s.demand[b, i, k] - s.ideal[b, i, k])
            if worse > 0.0:
                total += s.salience[b, i, k] * worse
    return total


@njit(cache=True, inline="always")
def war_value(s, b: int, i: int, p: np.ndarray, tilt: np.ndarray) -> float:
    """sum_c P_ic W_ic: i's expected utility of the war's outcome, for true chances `p` (C,) seen through a belief's
    `tilt` (`model.rules.beliefs.tilt`)."""
    n_c = s.leader.shape[0]
    if n_c == 0:
        return s.war_utility[b, i, 0]
    value = 0.0
    for c in range(n_c):
        value += believed_chance(p, tilt, c) * s.war_utility[b, i, c]
    return value


@njit(cache=True)
def weekly_cost(s, b: int, loss_share: np.ndarray) -> np.ndarray:
    """What a week without a deal costs each actor (A,), before weighting by resolve."""
    n_a = s.camp.shape[0]
    cost = np.zeros(n_a)
    for i in range(n_a):
        cost[i] = s.params[b, LOSS_WEIGHT] * loss_share[i] + s.actor_params[b, i, NO_DEAL_COST]
    for j in range(n_a):
        if s.actor_state[b, j, SANCTIONING] > 0.5 and s.actor_state[b, j, ENGAGED] > 0.5:
            harm = s.actor_params[b, j, SANCTION_HARM]
            cost[s.counterpart[j]] += harm
            cost[j] += s.params[b, SANCTION_COST] * harm
    return cost


@njit(cache=True, inline="always")
def is_victim(s, j: int, a: int) -> bool:
    """Whether a strike by j destroys a's force: a is in the camp of j's counterpart but is not the counterpart
    itself (strikes on the regime, not on Russia), or a is the counterpart when it stands outside the camps."""
    target = s.counterpart[j]
    c = s.camp[target]
    if c < 0:
        return a == target
    return a != target and a != j and s.camp[a] == c and s.camp[a] != s.camp[j]


@njit(cache=True)
def strike_victims(s, j: int) -> np.ndarray:
    """(A,) 1 where a strike by j destroys force (`is_victim`)."""
    out = np.zeros(s.camp.shape[0])
    for a in range(out.shape[0]):
        if is_victim(s, j, a):
            out[a] = 1.0
    return out


@njit(cache=True, inline="always")
def struck_forces(s, b: int, j: int, force: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Forces after a strike by j: its victims lose `punish_fraction` (into `out`, returned)."""
    punish = s.params[b, PUNISH]
    for a in range(force.shape[0]):
        out[a] = force[a] * (1.0 - punish * (1.0 if is_victim(s, j, a) else 0.0))
    return out


@njit(cache=True, inline="always")
def exposed_to(s, j: int, i: int) -> bool:
    """Whether a threat by j is aimed at i: i is j's counterpart or in its camp."""
    target = s.counterpart[j]
    if i == j:
        return False
    return i == target or (s.camp[target] >= 0 and s.camp[i] == s.camp[target] and s.camp[i] != s.camp[j])


@njit(cache=True, inline="always")
def strike_harm(s, b: int, j: int, i: int, war: np.ndarray, tilt: np.ndarray) -> float:
    """What a strike by j would cost i under a belief's `tilt`, in the war `war` (`war_at`): the fall of its war
    lottery, plus its own losses weighted by (1 - resolve)."""
    harm = war_value(s, b, i, war[0], tilt) - war_value(s, b, i, war[1 + j], tilt)
    if is_victim(s, j, i):
        harm += (1.0 - s.actor_state[b, i, RESOLVE]) * s.params[b, LOSS_WEIGHT] * s.params[b, PUNISH]
    return harm


@njit(cache=True, inline="always")
def threat_weight(s, b: int, j: int, enforcement: bool) -> float:
    """1 where j's threat counts: an ultimatum in force before a deal, or an enforcement clause after one."""
    if s.actor_state[b, j, ENGAGED] < 0.5:
        return 0.0
    if enforcement:
        return 1.0 if s.actor_state[b, j, ENFORCING] > 0.5 else 0.0
    return 1.0 if s.actor_state[b, j, THREAT_DEADLINE] >= 0.0 else 0.0


@njit(cache=True, inline="always")
def threat_pending(s, b: int, j: int) -> bool:
    """j has a threat that counts in some test: an ultimatum or an enforcement clause (`threat_weight`)."""
    return threat_weight(s, b, j, False) > 0.0 or threat_weight(s, b, j, True) > 0.0


@njit(cache=True)
def war_at(s, b: int, force: np.ndarray, out: np.ndarray) -> np.ndarray:
    """The war fought at forces `force` (A,), as the alternatives below price it, into `out` (A+1, C): row 0 the
    true chances, row 1 + j the true chances after a strike by j, for every j with a pending threat (other rows
    are left unset). The chances depend on the forces only, not on who judges them, so one evaluation serves every
    party and belief."""
    chances_at(s, b, force, out[0])
    after = np.empty(force.shape[0])
    for j in range(s.camp.shape[0]):
        if threat_pending(s, b, j):
            chances_at(s, b, struck_forces(s, b, j, force, after), out[1 + j])
    return out


@njit(cache=True)
def alternative(s, b: int, i: int, war: np.ndarray, tilt: np.ndarray, cost: np.ndarray,
                enforcement: bool) -> float:
    """i's value of the no-deal path: the war lottery minus `horizon` weeks of costs and expected punishment.

    Args:
        war: the war it would fight (`war_at` of the current, projected, or a client's unsupported forces).
        tilt: the belief it is judged under (i's own, or another party's estimate of it; `beliefs.tilt`).
        cost: weekly costs of no deal (A,), from `weekly_cost`.
        enforcement: count threats kept as enforcement clauses (breaking a truce) rather than ultimatums.
    """
    value = war_value(s, b, i, war[0], tilt)
    value -= s.params[b, HORIZON] * (1.0 - s.actor_state[b, i, RESOLVE]) * cost[i]
    for j in range(s.camp.shape[0]):
        weight = threat_weight(s, b, j, enforcement)
        if weight > 0.0 and exposed_to(s, j, i):
            value -= weight * s.actor_state[b, j, CREDIBILITY] * strike_harm(s, b, j, i, war, tilt)
    return value


@njit(cache=True, inline="always")
def without_support(s, b: int, i: int, force: np.ndarray) -> np.ndarray:
    """Forces as a client that breaks its patron's truce would fight with. The patron keeps the truce and, as far
    as it is credible as an enforcer (its credibility c_p), withholds its support: its own force stays out of the
    fight with probability c_p, and the client loses `leverage x c_p` of its own fighting power (supplies, air
    cover). In expectation: patron force x (1 - c_p), client force x (1 - leverage x c_p). For anyone without a
    patron, the forces as they are."""
    out = force.copy()
    p = s.patron[i]
    if p >= 0:
        credible = s.actor_state[b, p, CREDIBILITY]
        out[i] *= 1.0 - s.actor_params[b, i, LEVERAGE] * credible
        out[p] *= 1.0 - credible
    return out


@njit(cache=True)
def in_force(s, b: int) -> bool:
    return s.run_state[b, CEASEFIRE] > 0.5


@njit(cache=True)
def current_force(s, b: int) -> np.ndarray:
    return s.actor_state[b, :, FORCE].copy()
