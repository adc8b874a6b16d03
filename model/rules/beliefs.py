"""Beliefs are learned through fighting (DESIGN 3.1).

Summary of rule: the true chance that camp c prevails is the contest success function
`P_c = S_c^gamma / sum_d S_d^gamma`, S_c the force of its engaged members (Tullock 1980; Hirshleifer 1989). Actor i
believes `P_ic = P_c exp(delta_ic) / sum_d P_d exp(delta_id)`: the truth tilted by a log-odds bias delta_i. Its
prior bias is `optimism_i` toward its own side, worth `prior_weeks` battles of evidence (precision
`prior_weeks x battles_per_week x P_c (1 - P_c)`). Each week of fighting produces n = `battles_per_week` x
(intensity used / ordinary intensity) observable engagements, each won by camp c with the true chance P_c; every
actor updates by assumed-density filtering of a Gaussian belief on the bias (Opper 1998), the online form of Bayes'
rule for categorical outcomes: `precision_ic += n P_ic (1 - P_ic)`,
`delta_ic += (C - 1)/C x (wins_c - n P_ic) / precision_ic` (the factor splits the step between the C log-odds
coordinates, so that with two camps the log-odds moves by exactly the Bayesian step). The
bias shrinks toward the truth as evidence accumulates: mutual optimism closes the bargaining range and fighting
opens it (Blainey 1973; Fearon 1995; Slantchev 2003; Smith & Stam 2004). Because beliefs are about the
effectiveness of forces, not about P itself, a strike or a resupply that changes forces moves every belief at once.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from model.layout import BATTLES_PER_WEEK, ENGAGED, FORCE, GAMMA, OPTIMISM, PRIOR_WEEKS


@njit(cache=True)
def camp_strength(s, b: int, force: np.ndarray) -> np.ndarray:
    """S_c: the force of each camp's engaged members, for a force vector (A,) of run b."""
    return _add_strength(s, b, force, np.zeros(s.leader.shape[0]))


@njit(cache=True, inline="always")
def _add_strength(s, b: int, force: np.ndarray, strength: np.ndarray) -> np.ndarray:
    for a in range(s.camp.shape[0]):
        c = s.camp[a]
        if c >= 0 and s.actor_state[b, a, ENGAGED] > 0.5:
            strength[c] += force[a]
    return strength


@njit(cache=True)
def true_chances(strength: np.ndarray, gamma: float) -> np.ndarray:
    """P_c = S_c^gamma / sum S^gamma; equal chances when nobody has force."""
    return _contest(strength.copy(), gamma)


@njit(cache=True, inline="always")
def _contest(p: np.ndarray, gamma: float) -> np.ndarray:
    """`true_chances` in place: strengths in, chances out."""
    n_c = p.shape[0]
    total = 0.0
    for c in range(n_c):
        if p[c] > 0.0:
            p[c] = math.exp(gamma * math.log(p[c]))
            total += p[c]
        else:
            p[c] = 0.0
    if total <= 0.0:
        for c in range(n_c):
            p[c] = 1.0 / n_c
        return p
    for c in range(n_c):
        p[c] /= total
    return p


@njit(cache=True, inline="always")
def chances_at(s, b: int, force: np.ndarray, out: np.ndarray) -> np.ndarray:
    """The true chances P_c at forces `force` (A,) of run b, written into `out` (C,) and returned: the
    evaluation asks this for a dozen force vectors a week, so it fills an array rather than allocating two."""
    for c in range(out.shape[0]):
        out[c] = 0.0
    return _contest(_add_strength(s, b, force, out), s.params[b, GAMMA])


@njit(cache=True)
def believed_chances(p: np.ndarray, delta: np.ndarray) -> np.ndarray:
    """P_ic: the true chances tilted by one actor's bias delta (C,)."""
    n_c = p.shape[0]
    out = np.zeros(n_c)
    total = 0.0
    for c in range(n_c):
        out[c] = p[c] * math.exp(delta[c])
        total += out[c]
    for c in range(n_c):
        out[c] = out[c] / total if total > 0.0 else 1.0 / n_c
    return out


@njit(cache=True)
def tilt(delta: np.ndarray) -> np.ndarray:
    """exp(delta_ic): the factors by which an actor's bias tilts the true chances (C,), computed once per belief."""
    out = np.empty(delta.shape[0])
    for c in range(delta.shape[0]):
        out[c] = math.exp(delta[c])
    return out


@njit(cache=True, inline="always")
def believed_chance(p: np.ndarray, tilt: np.ndarray, c: int) -> float:
    """P_ic for one camp c, from the true chances p and the actor's `tilt` (as `believed_chances`)."""
    total = 0.0
    for d in range(p.shape[0]):
        total += p[d] * tilt[d]
    return p[c] * tilt[c] / total if total > 0.0 else 1.0 / p.shape[0]


@njit(cache=True)
def chances_now(s, b: int) -> np.ndarray:
    """The true chances of run b at its current forces."""
    return chances_at(s, b, s.actor_state[b, :, FORCE], np.empty(s.leader.shape[0]))


@njit(cache=True)
def chances_of_every_run(s) -> np.ndarray:
    """(B, C) the true chances of every run of the batch at its current forces (what is recorded each turn)."""
    out = np.empty((s.keys.shape[0], s.leader.shape[0]))
    for b in range(out.shape[0]):
        chances_at(s, b, s.actor_state[b, :, FORCE], out[b])
    return out


@njit(cache=True)
def set_priors(s, b: int) -> None:
    """Each actor's prior: the truth tilted by its optimism toward its side, worth `prior_weeks` battles."""
    p = chances_now(s, b)
    evidence = s.params[b, PRIOR_WEEKS] * s.params[b, BATTLES_PER_WEEK]
    for i in range(s.camp.shape[0]):
        for c in range(p.shape[0]):
            s.delta[b, i, c] = s.actor_params[b, i, OPTIMISM] if s.side[i] == c else 0.0
            s.precision[b, i, c] = evidence * max(p[c] * (1.0 - p[c]), 0.01)


@njit(cache=True)
def observe_battles(s, b: int, wins: np.ndarray) -> None:
    """Every actor updates its belief on a week's engagements, `wins[c]` won by camp c."""
    p = chances_now(s, b)
    n_c = p.shape[0]
    n = 0.0
    for c in range(n_c):
        n += wins[c]
    if n <= 0.0:
        return
    split = (n_c - 1.0) / n_c
    for i in range(s.camp.shape[0]):
        believed = believed_chances(p, s.delta[b, i])
        for c in range(n_c):
            s.precision[b, i, c] += n * believed[c] * (1.0 - believed[c])
            s.delta[b, i, c] += split * (wins[c] - n * believed[c]) / s.precision[b, i, c]


@njit(cache=True)
def draw_winner(p: np.ndarray, u: float) -> int:
    """The camp that wins a battle, for a uniform draw u."""
    cumulative = 0.0
    for c in range(p.shape[0]):
        cumulative += p[c]
        if u < cumulative:
            return c
    return p.shape[0] - 1
