"""One turn for a batch of runs: strategies decide on one snapshot, then the compiled rules resolve (DESIGN 3, 6).

`advance` asks every actor's strategy for its moves (numpy over the batch), then calls `resolve_turn`, one compiled
loop over runs that applies the rules in a fixed order: demands; withdrawal, sanctions and supply; deadlines and
threats; fighting and the battle everyone learns from; incidents; regrouping; the offer and every party's values;
signing, violations and walkouts; costs, utility and war weariness. The Mesa model calls it with a batch of one,
the ensemble with thousands: the same compiled code, so runs agree bit for bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numba import njit

from agents.actions import Actions
from agents.observation import Observation
from agents.strategies.base import Strategy
from model.layout import (ACTIONS, BATTLES, BATTLES_PER_WEEK, CEASEFIRE, CASUALTIES, E_LOSSES, ENGAGED, FLOOR,
                          FORCE, INTENSITY, R_BATTLE_WINNER, R_BLOCKER, R_ENFORCED_ON, R_INCIDENT_BY, VIOLATING,
                          WAR, WAR_INTENSITY, WEEK_COST, A_ESCALATE, GAMMA)
from model.rules import beliefs, ceasefire, coercion, consent, draws, fighting, moves, welfare
from model.world import World


@njit(cache=True)
def _fight(s, b: int, turn: int) -> None:
    """Fighting at the chosen intensities (a floor under a truce, except for violators), then the battle result."""
    n_a = s.camp.shape[0]
    in_force = s.run_state[b, CEASEFIRE] > 0.5
    intensity = np.zeros(n_a)
    for a in range(n_a):
        if s.camp[a] < 0 or s.actor_state[b, a, ENGAGED] < 0.5:
            continue
        chosen = s.actions[b, a, A_ESCALATE]
        if in_force:
            if s.actor_state[b, a, VIOLATING] > 0.5:
                intensity[a] = max(chosen, s.params[b, WAR])
            else:
                intensity[a] = min(chosen, s.params[b, FLOOR])
        else:
            intensity[a] = chosen
            s.actor_state[b, a, WAR_INTENSITY] = chosen
        s.actor_state[b, a, INTENSITY] = intensity[a]
    force = s.actor_state[b, :, FORCE].copy()
    lost = fighting.losses(s, b, force, intensity, turn, True)
    for a in range(n_a):
        s.actor_state[b, a, FORCE] -= lost[a]
        s.actor_state[b, a, CASUALTIES] += lost[a]
        s.actor_events[b, a, E_LOSSES] = lost[a]
    welfare.charge_running_costs(s, b, force, lost)
    # The week's engagements: as many as ordinary fighting gives (`battles_per_week`), scaled by the fire exchanged.
    n_c = s.leader.shape[0]
    if n_c >= 2:
        fire = 0.0
        scale = 0.0
        for a in range(n_a):
            if s.camp[a] >= 0 and s.actor_state[b, a, ENGAGED] > 0.5:
                fire += force[a] * intensity[a]
                scale += force[a] * s.params[b, WAR]
        engagements = int(round(s.params[b, BATTLES_PER_WEEK] * fire / scale)) if scale > 0.0 else 0
        if engagements > 0:
            p = beliefs.true_chances(beliefs.camp_strength(s, b, force), s.params[b, GAMMA])
            wins = np.zeros(n_c)
            for e in range(engagements):
                wins[beliefs.draw_winner(p, draws.uniform(s.keys[b], turn, draws.BATTLE, e))] += 1.0
            beliefs.observe_battles(s, b, wins)
            s.run_events[b, R_BATTLE_WINNER] = np.argmax(wins)
            s.run_state[b, BATTLES] += engagements


@njit(cache=True)
def resolve_turn(s, turn: int) -> None:
    """Apply the moves in `s.concede`, `s.link`, `s.actions` and resolve turn `turn` for every run of the batch."""
    for b in range(s.keys.shape[0]):
        s.actor_events[b, :, :] = 0.0
        s.run_events[b, :] = 0.0
        s.run_events[b, R_INCIDENT_BY] = -1.0
        s.run_events[b, R_BATTLE_WINNER] = -1.0
        s.run_events[b, R_BLOCKER] = -1.0
        s.run_events[b, R_ENFORCED_ON] = -1.0
        for a in range(s.camp.shape[0]):
            s.actor_state[b, a, WEEK_COST] = 0.0
        moves.move_demands(s, b)
        moves.withdraw_sanction_supply(s, b)
        coercion.deadlines_and_threats(s, b, turn)
        _fight(s, b, turn)
        ceasefire.incidents(s, b, turn)
        fighting.regroup(s, b, turn)
        consent.evaluate(s, b, turn)
        ceasefire.agree_or_break(s, b, turn)
        ceasefire.bookkeeping(s, b, turn)
        welfare.account(s, b, turn)


@njit(cache=True)
def evaluate_all(s, turn: int) -> None:
    """Every run's offer and values without playing a turn (the snapshot strategies see at turn 0)."""
    for b in range(s.keys.shape[0]):
        if turn == 0:
            beliefs.set_priors(s, b)
        consent.evaluate(s, b, turn)


@dataclass
class TurnReport:
    """What strategies chose and what happened in one turn (what the event log is written from)."""

    turn: int
    actions: list[Actions]
    demand_before: np.ndarray  # (B, A, K)
    ceasefire_before: np.ndarray  # (B,)
    engaged_before: np.ndarray  # (B, A)
    blocker_before: np.ndarray  # (B,) who blocked a deal last turn (-1 none)
    violating_before: np.ndarray  # (B, A) who was violating the truce before this turn


def stack(world: World, decisions: Sequence[Actions]) -> None:
    """Copy every actor's decisions into the kernel's action arrays."""
    s = world.arrays
    for i, act in enumerate(decisions):
        s.concede[:, i, :] = act.concede
        s.link[:, i, :] = act.link
        for col, name in enumerate(ACTIONS):
            s.actions[:, i, col] = getattr(act, name)


def advance(world: World, strategies: Sequence[Strategy], report: bool = True) -> TurnReport | None:
    """Play one turn on every run of `world` (mutated in place) with one strategy per actor; the turn's report
    (what the event log is written from) unless `report` is False."""
    world.turn += 1
    decisions = [strategy.decide(Observation(world, i)) for i, strategy in enumerate(strategies)]
    before = None
    if report:
        before = TurnReport(turn=world.turn, actions=decisions, demand_before=world.demand.copy(),
                            ceasefire_before=world.ceasefire.copy(), engaged_before=world.engaged.copy(),
                            blocker_before=world.run_event("blocker").astype(np.int64),
                            violating_before=world.violating > 0.5)
    stack(world, decisions)
    resolve_turn(world.kernel, world.turn)
    return before


def start(world: World) -> None:
    """Priors, the first offer and everyone's values at turn 0."""
    evaluate_all(world.kernel, 0)
