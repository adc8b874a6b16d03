"""Moves that several strategies share: conceding toward the other side, linking, threats, fighting."""

from __future__ import annotations

import numpy as np

from agents.observation import Observation
from model.rules.moves import payable_shares

_OPEN = 1e-9


def step_toward(obs: Observation, priority: np.ndarray, step: np.ndarray, target: int | None = None,
                on_table_only: bool = True, limit: np.ndarray | float | None = None) -> np.ndarray:
    """Move a step toward `target`'s demand on the open issue that ranks first by `priority` (B, K).

    Args:
        obs: the observation.
        priority: (B, K) score per issue; the highest-scoring issue on which the two demands still differ moves.
        step: (B,) how far to move (never past the target's demand).
        target: whose demand to move toward (default: the counterpart).
        on_table_only: only issues under negotiation (a plain concession); False for linkage, which brings an
            issue onto the table.
        limit: (B,) or a number: the furthest my demand may go from my ideal on any issue (a reservation point);
            an issue already there is closed, and the step goes to the next one.

    Returns:
        (B, K) signed change of my demands.
    """
    world = obs.world
    target = obs.counterpart if target is None else target
    gap = world.position[:, target, :] - world.position[:, obs.me, :]
    # How far apart the two demands still are: the gap between the terms each accepts (no further from its ideal
    # than its demand), not between the demands themselves; demands that have crossed are compatible already.
    mine, theirs = world.ideal[:, obs.me, :], world.ideal[:, target, :]
    my_reach = np.abs(world.position[:, obs.me, :] - mine)
    their_reach = np.abs(world.position[:, target, :] - theirs)
    room = np.maximum(np.maximum(mine - my_reach, theirs - their_reach)
                      - np.minimum(mine + my_reach, theirs + their_reach), 0.0)
    room = np.minimum(room, np.abs(gap))
    if limit is not None:
        me = world.position[:, obs.me, :]
        ideal = world.ideal[:, obs.me, :]
        away = np.sign(gap) == np.sign(me - ideal)  # moving further from my ideal
        to_limit = np.maximum(np.asarray(limit, dtype=np.float64).reshape(-1, 1) - np.abs(me - ideal), 0.0)
        # Toward the target across my ideal: free up to the ideal, then up to the limit beyond it.
        room = np.where(away | (np.abs(me - ideal) < _OPEN), np.minimum(room, to_limit),
                        np.minimum(room, np.abs(me - ideal) + np.asarray(limit, dtype=np.float64).reshape(-1, 1)))
    open_issue = room > _OPEN
    if on_table_only:
        open_issue &= world.on_table
    score = np.where(open_issue, priority, -np.inf)
    best = np.argmax(score, axis=1)
    rows = np.arange(obs.batch)
    delta = np.zeros_like(gap)
    g = gap[rows, best]
    delta[rows, best] = np.sign(g) * np.minimum(step, room[rows, best]) * open_issue[rows, best]
    return delta


def concession(obs: Observation, step: np.ndarray, limit: np.ndarray | float | None = None) -> np.ndarray:
    """Soften my demand a step toward the counterpart on the issue the counterpart values most (nothing once the
    counterpart has left the talks: there is no one to concede to), never further than `limit` from my ideal."""
    step = np.where(obs.counterpart_engaged, step, 0.0)
    return step_toward(obs, obs.world.salience[:, obs.counterpart, :], step, limit=limit)


def linked_concession(obs: Observation, step: np.ndarray, limit: np.ndarray | float | None = None) -> np.ndarray:
    """A sweetener: concede on an issue outside the talks (off the table at the start, e.g. sanctions relief),
    the one the counterpart values most relative to me; once none is left open, on the issue with the highest such
    ratio. Linkage means bringing a separate issue into the bargain (Tollison & Willett 1979). Nothing once the
    counterpart has left the talks."""
    sal = obs.world.salience
    ratio = sal[:, obs.counterpart, :] / (sal[:, obs.me, :] + 1e-3)
    ratio = ratio + np.where(obs.world.linkable, 1e6, 0.0)  # outside issues first
    step = np.where(obs.counterpart_engaged, step, 0.0)
    return step_toward(obs, ratio, step, on_table_only=False, limit=limit)


def affordable(obs: Observation, delta: np.ndarray) -> np.ndarray:
    """(B, K) my moves `delta` as far as the pain of no deal I have borne pays their audience cost: the rules scale
    a week's retreats down alike beyond it (docs/decisions.md S14), so a strategy that remembers what it offered
    should remember this, not its ask."""
    world = obs.world
    me = world.position[:, obs.me, :]
    share = payable_shares(world.ideal[:, obs.me, :], world.salience[:, obs.me, :], me, np.clip(me + delta, 0.0, 1.0),
                           world.actor_param("audience_cost")[:, obs.me], world.pain[:, obs.me])
    return delta * share[:, None]


def take_back(obs: Observation, given: np.ndarray) -> np.ndarray:
    """(B, K) withdraw concessions `given` (signed moves of my demands): move back toward my ideal by as much, never
    past it."""
    world = obs.world
    me = world.position[:, obs.me, :]
    ideal = world.ideal[:, obs.me, :]
    back = -given
    toward_ideal = np.sign(back) == np.sign(ideal - me)
    return np.where(toward_ideal, np.sign(back) * np.minimum(np.abs(back), np.abs(ideal - me)), 0.0)


def value_to(obs: Observation, actor: int, delta: np.ndarray) -> np.ndarray:
    """(B,) what the demand moves `delta` (B, K) of mine are worth to `actor`: salience-weighted movement toward its
    ideal (negative: away from it)."""
    world = obs.world
    me = world.position[:, obs.me, :]
    ideal = world.ideal[:, actor, :]
    gain = np.abs(me - ideal) - np.abs(me + delta - ideal)
    return (world.salience[:, actor, :] * gain).sum(axis=1)


def distance_from(obs: Observation, actor: int, to: int) -> np.ndarray:
    """(B,) how far `actor`'s public demands are from `to`'s ideal, weighted by `to`'s salience: what `to` still
    has to win from `actor`."""
    world = obs.world
    gap = np.abs(world.position[:, actor, :] - world.ideal[:, to, :])
    return (world.salience[:, to, :] * gap).sum(axis=1)


def shipping_week(obs: Observation, share: float) -> np.ndarray:
    """(B,) whether this is one of the weeks in which a `share` of weeks is used (evenly spread from week 1 on, the
    same weeks in every run: ceil(t share) steps up in week t)."""
    t = obs.turn
    on = np.ceil(t * share - 1e-9) > np.ceil((t - 1) * share - 1e-9)
    return np.full(obs.batch, bool(on))


def ultimatum(obs: Observation) -> np.ndarray:
    """(B,) issue an ultimatum while there is no ceasefire and none of mine is pending (George 1991: terms, a
    deadline, and punishment). Whether to strike at the deadline is my own comparison, made by the rules."""
    return ~obs.in_ceasefire & ~obs.threat_pending & obs.counterpart_engaged


def ordinary_fighting(obs: Observation) -> np.ndarray:
    """(B,) ordinary war intensity while there is no ceasefire, for an actor with enemies; else 0."""
    if not obs.has_enemies:
        return np.zeros(obs.batch)
    return np.where(obs.in_ceasefire, 0.0, obs.param("war_intensity"))


def only_without_deal(obs: Observation, delta: np.ndarray) -> np.ndarray:
    """Concessions are made only while no ceasefire is in force."""
    return np.where(obs.in_ceasefire[:, None], 0.0, delta)
