"""Moves that several strategies share: conceding toward the other side, linking, threats, fighting."""

from __future__ import annotations

import numpy as np

from agents.observation import Observation

_OPEN = 1e-9


def step_toward(obs: Observation, priority: np.ndarray, step: np.ndarray, target: int | None = None,
                on_table_only: bool = True) -> np.ndarray:
    """Move a step toward `target`'s demand on the open issue that ranks first by `priority` (B, K).

    Args:
        obs: the observation.
        priority: (B, K) score per issue; the highest-scoring issue on which the two demands still differ moves.
        step: (B,) how far to move (never past the target's demand).
        target: whose demand to move toward (default: the counterpart).
        on_table_only: only issues under negotiation (a plain concession); False for linkage, which brings an
            issue onto the table.

    Returns:
        (B, K) signed change of my demands.
    """
    world = obs.world
    target = obs.counterpart if target is None else target
    gap = world.position[:, target, :] - world.position[:, obs.me, :]
    open_issue = np.abs(gap) > _OPEN
    if on_table_only:
        open_issue &= world.on_table
    score = np.where(open_issue, priority, -np.inf)
    best = np.argmax(score, axis=1)
    rows = np.arange(obs.batch)
    delta = np.zeros_like(gap)
    g = gap[rows, best]
    delta[rows, best] = np.sign(g) * np.minimum(step, np.abs(g)) * open_issue[rows, best]
    return delta


def concession(obs: Observation, step: np.ndarray) -> np.ndarray:
    """Soften my demand a step toward the counterpart on the issue the counterpart values most (nothing once the
    counterpart has left the talks: there is no one to concede to)."""
    step = np.where(obs.counterpart_engaged, step, 0.0)
    return step_toward(obs, obs.world.salience[:, obs.counterpart, :], step)


def linked_concession(obs: Observation, step: np.ndarray) -> np.ndarray:
    """A sweetener: concede on an issue outside the talks (off the table at the start, e.g. sanctions relief),
    the one the counterpart values most relative to me; once none is left open, on the issue with the highest such
    ratio. Linkage means bringing a separate issue into the bargain (Tollison & Willett 1979)."""
    sal = obs.world.salience
    ratio = sal[:, obs.counterpart, :] / (sal[:, obs.me, :] + 1e-3)
    ratio = ratio + np.where(obs.world.linkable, 1e6, 0.0)  # outside issues first
    return step_toward(obs, ratio, step, on_table_only=False)


def ultimatum(obs: Observation) -> np.ndarray:
    """(B,) issue an ultimatum while there is no ceasefire and none of mine is pending (George 1991: terms, a
    deadline, and punishment). Whether to strike at the deadline is my own comparison, made by the rules."""
    pending = obs.world.threat_deadline[:, obs.me] >= 0
    return ~obs.in_ceasefire & ~pending & obs.counterpart_engaged


def ordinary_fighting(obs: Observation) -> np.ndarray:
    """(B,) ordinary war intensity while there is no ceasefire, for an actor with enemies; else 0."""
    if not obs.has_enemies:
        return np.zeros(obs.batch)
    return np.where(obs.in_ceasefire, 0.0, obs.param("war_intensity"))


def only_without_deal(obs: Observation, delta: np.ndarray) -> np.ndarray:
    """Concessions are made only while no ceasefire is in force."""
    return np.where(obs.in_ceasefire[:, None], 0.0, delta)
