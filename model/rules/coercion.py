"""Coercion costs, and threats can enforce (DESIGN 3.6).

Summary of rule: a threat sets a deadline `threat_period` weeks away; until then the target and its camp price
its expected punishment (credibility x what a strike does to them, `model.rules.batna.strike_harm`). At the deadline,
with no deal signed, the threatener strikes or backs down by its own comparison: it strikes when what the strike
wins it (the rise of its war lottery) plus the audience cost it avoids (retreating from its demand to the offer
on the table) is at least what striking costs it (`strike_cost`, which includes the risk of counter-escalation)
(Schelling 1966; George 1991; Fearon 1997). Its `commitment`, when set, overrides the comparison with a probability
(for counterfactuals). A strike destroys `punish_fraction` of the target camp's force (not the threatened state's
own) and moves the threatener's credibility toward 1; backing down moves it toward 0 and costs the audience cost
(Sartori 2005). A threat declared as an enforcement clause stays in force after signing and is carried out, by the
same comparison, against a party that breaks the truce (as UNSCR 2118 did for the 2013 chemical-weapons deal).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from model.layout import (AUDIENCE_COST, CASUALTIES, COMMITMENT, CRED_LEARNING, CREDIBILITY, E_BACKED_DOWN,
                          E_CREDIBILITY_BEFORE, E_PUNISHED, E_RETREAT, E_STRUCK, E_THREATENED, ENFORCING, ENGAGED,
                          FORCE, PUNISH, STRIKE_COST, STRIKES, THREAT_DEADLINE, THREAT_PERIOD, WEEK_COST,
                          A_ENFORCE, A_THREATEN, CEASEFIRE)
from model.rules import draws
from model.rules.batna import exposed_to, retreat, strike_victims, struck_forces, war_value
from model.rules.beliefs import chances_at, tilt


@njit(cache=True)
def worth_striking(s, b: int, j: int, turn: int, stake: np.ndarray) -> bool:
    """j's decision at a deadline: strike if the strike's gain plus the audience cost avoided covers its cost.

    Args:
        stake: the terms j would otherwise have to settle for (the offer), whose retreat backing down concedes.
    """
    commitment = s.actor_params[b, j, COMMITMENT]
    if commitment >= 0.0:
        return draws.uniform(s.keys[b], turn, draws.STRIKE, j) < commitment
    force = s.actor_state[b, :, FORCE].copy()
    n_c = s.leader.shape[0]
    after = chances_at(s, b, struck_forces(s, b, j, force, np.empty(force.shape[0])), np.empty(n_c))
    before = chances_at(s, b, force, np.empty(n_c))
    own = tilt(s.delta[b, j])
    gain = war_value(s, b, j, after, own) - war_value(s, b, j, before, own)
    avoided = s.actor_params[b, j, AUDIENCE_COST] * retreat(s, b, j, stake)
    return gain + avoided >= s.actor_params[b, j, STRIKE_COST]


@njit(cache=True)
def strike(s, b: int, j: int) -> None:
    """j carries out its punishment: victims lose `punish_fraction` of their force; j pays `strike_cost`."""
    victims = strike_victims(s, j)
    punish = s.params[b, PUNISH]
    for a in range(victims.shape[0]):
        if victims[a] > 0.0 and s.actor_state[b, a, ENGAGED] > 0.5:
            hit = punish * s.actor_state[b, a, FORCE]
            s.actor_state[b, a, FORCE] -= hit
            s.actor_state[b, a, CASUALTIES] += hit
            s.actor_events[b, a, E_PUNISHED] += hit
    s.actor_state[b, j, WEEK_COST] += s.actor_params[b, j, STRIKE_COST]
    s.actor_state[b, j, STRIKES] += 1.0
    s.actor_events[b, j, E_STRUCK] = 1.0
    cred = s.actor_state[b, j, CREDIBILITY]
    s.actor_state[b, j, CREDIBILITY] = cred + s.params[b, CRED_LEARNING] * (1.0 - cred)


@njit(cache=True)
def back_down(s, b: int, j: int, stake: np.ndarray) -> None:
    """j lets its deadline pass: credibility falls toward 0 and it pays the audience cost of the retreat."""
    cred = s.actor_state[b, j, CREDIBILITY]
    s.actor_state[b, j, CREDIBILITY] = cred - s.params[b, CRED_LEARNING] * cred
    paid = s.actor_params[b, j, AUDIENCE_COST] * retreat(s, b, j, stake)
    s.actor_state[b, j, WEEK_COST] += paid
    s.actor_events[b, j, E_RETREAT] += paid
    s.actor_events[b, j, E_BACKED_DOWN] = 1.0


@njit(cache=True)
def deadlines_and_threats(s, b: int, turn: int) -> None:
    """Resolve deadlines that have come (no deal signed), then issue the threats strategies chose."""
    in_force = s.run_state[b, CEASEFIRE] > 0.5
    for j in range(s.camp.shape[0]):
        s.actor_events[b, j, E_CREDIBILITY_BEFORE] = s.actor_state[b, j, CREDIBILITY]
        if s.actor_state[b, j, ENGAGED] < 0.5:
            continue
        deadline = s.actor_state[b, j, THREAT_DEADLINE]
        if deadline >= 0.0 and turn >= deadline and not in_force:
            if worth_striking(s, b, j, turn, s.offer[b]):
                strike(s, b, j)
            else:
                back_down(s, b, j, s.offer[b])
            s.actor_state[b, j, THREAT_DEADLINE] = -1.0
        if s.actions[b, j, A_THREATEN] > 0.5 and not in_force and s.actor_state[b, j, THREAT_DEADLINE] < 0.0:
            s.actor_state[b, j, THREAT_DEADLINE] = turn + s.params[b, THREAT_PERIOD]
            s.actor_state[b, j, ENFORCING] = 1.0 if s.actions[b, j, A_ENFORCE] > 0.5 else 0.0
            s.actor_events[b, j, E_THREATENED] = 1.0


@njit(cache=True)
def enforce(s, b: int, turn: int, breaker: int) -> int:
    """Threateners holding an enforcement clause against `breaker`'s camp decide whether to punish the breach;
    returns the number that struck."""
    n = 0
    for j in range(s.camp.shape[0]):
        if s.actor_state[b, j, ENFORCING] > 0.5 and s.actor_state[b, j, ENGAGED] > 0.5 and exposed_to(s, j, breaker):
            # Failing to enforce abandons the deal: the stake is the status quo it would slide back to.
            if worth_striking(s, b, j, turn, s.status_quo[b]):
                strike(s, b, j)
                n += 1
            else:
                back_down(s, b, j, s.status_quo[b])
                s.actor_state[b, j, ENFORCING] = 0.0
    return n
