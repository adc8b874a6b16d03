"""Every actor's utility over the run and war weariness (DESIGN section 5, 3.2).

Summary of rule: an actor's utility over the run is the discounted average of the value of the state it lived in
each week (the terms in force, or the war under its own belief), ending on the value of the state at the end, minus
the discounted sum of the costs it actually bore (losses x `loss_weight`, sanctions received and imposed,
`no_deal_cost` without a deal, strikes, audience costs, supplies):
`U_i = (1 - beta) sum_t beta^(t-1) v_it + beta^T v_iT - sum_t beta^(t-1) cost_it`, beta = `discount`. Costs count
as they do in every decision (a BATNA subtracts `horizon` weeks of costs from the value of the war; signing
subtracts the audience cost from the value of the terms), so concessions, strikes and weeks of war all count. Resolve falls by `resolve_wear` x the week's cost (war weariness,
Mueller 1973; the attrition of a sanctions war): costs accumulate.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from model.layout import (PAIN, CEASEFIRE, COSTS, DISCOUNT, ENGAGED, LOSS_WEIGHT, NO_DEAL_COST, RESOLVE,
                          RESOLVE_WEAR, SANCTION_COST, SANCTION_HARM, SANCTIONING, UTILITY, WEEK_COST)
from model.rules.batna import utility, war_value
from model.rules.beliefs import chances_now, tilt


@njit(cache=True)
def state_value(s, b: int, i: int) -> float:
    """What the current state is worth to i this week: the terms in force, or the war under its belief."""
    if s.run_state[b, CEASEFIRE] > 0.5:
        return utility(s, b, i, s.terms[b])
    return war_value(s, b, i, chances_now(s, b), tilt(s.delta[b, i]))


@njit(cache=True)
def charge_running_costs(s, b: int, force_before: np.ndarray, lost: np.ndarray) -> None:
    """Add this week's losses, sanctions and costs of no deal to each actor's week cost."""
    n_a = s.camp.shape[0]
    in_force = s.run_state[b, CEASEFIRE] > 0.5
    # The same costs are the pain a leader can point to at home to justify a public retreat (S14).
    for i in range(n_a):
        if force_before[i] > 1e-9:
            lost_cost = s.params[b, LOSS_WEIGHT] * min(lost[i] / force_before[i], 1.0)
            s.actor_state[b, i, WEEK_COST] += lost_cost
            s.actor_state[b, i, PAIN] += lost_cost
        if not in_force and s.actor_state[b, i, ENGAGED] > 0.5:
            s.actor_state[b, i, WEEK_COST] += s.actor_params[b, i, NO_DEAL_COST]
            s.actor_state[b, i, PAIN] += s.actor_params[b, i, NO_DEAL_COST]
    for j in range(n_a):
        if s.actor_state[b, j, SANCTIONING] > 0.5 and s.actor_state[b, j, ENGAGED] > 0.5:
            harm = s.actor_params[b, j, SANCTION_HARM]
            s.actor_state[b, s.counterpart[j], WEEK_COST] += harm
            s.actor_state[b, s.counterpart[j], PAIN] += harm
            s.actor_state[b, j, WEEK_COST] += s.params[b, SANCTION_COST] * harm
            s.actor_state[b, j, PAIN] += s.params[b, SANCTION_COST] * harm


@njit(cache=True)
def account(s, b: int, turn: int) -> None:
    """Add the week's utility to each actor's total and wear its resolve by the week's cost."""
    beta = s.params[b, DISCOUNT]
    # Float exponents here and below: numba raises a float to an int power by repeated squaring, which differs
    # from Python's (and C's) pow in the last bits; a float power is pow in both.
    weight = (1.0 - beta) * beta ** float(turn - 1)
    for i in range(s.camp.shape[0]):
        cost = s.actor_state[b, i, WEEK_COST]
        s.actor_state[b, i, UTILITY] += weight * state_value(s, b, i) - beta ** float(turn - 1) * cost
        s.actor_state[b, i, COSTS] += cost
        wear = 1.0 - s.params[b, RESOLVE_WEAR] * cost
        s.actor_state[b, i, RESOLVE] = min(max(s.actor_state[b, i, RESOLVE] * wear, 0.0), 1.0)


@njit(cache=True)
def final_utility(s, b: int, i: int, turns: int) -> float:
    """Utility over the run: the discounted weekly utilities so far plus beta^T times the end state's value."""
    return s.actor_state[b, i, UTILITY] + s.params[b, DISCOUNT] ** float(turns) * state_value(s, b, i)


@njit(cache=True)
def final_utilities(s, turns: int) -> np.ndarray:
    """`final_utility` of every actor in every run (B, A), in one compiled loop."""
    out = np.empty((s.keys.shape[0], s.camp.shape[0]))
    for b in range(out.shape[0]):
        for i in range(out.shape[1]):
            out[b, i] = final_utility(s, b, i, turns)
    return out
