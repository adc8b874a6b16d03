"""The offer tracks power and demands: the Nash bargaining solution over the veto players (DESIGN 3.3).

Summary of rule: a mediator proposes the terms z that maximise the asymmetric Nash product
`sum_i w_i log(U_i(z) - d_i)` over the signatories i (engaged veto players whose talks are not suspended), with
bargaining weights w_i = capability, on each issue within the terms that meet every signatory's public demand (no
further from its ideal than its demand: Nash 1950; Binmore, Rubinstein & Wolinsky 1986; Crawford 1982 on
commitments). Where no such terms exist the demands are incompatible: the offer shown is the weighted median below
and no one signs until concessions make them compatible (docs/decisions.md S14). U_i(z) is i's utility of signing z: `u_i(z)` less its audience cost of
retreating from its public demand to z; d_i is its alternative as the mediator judges it from public information
(the average of all parties' beliefs about the war), so an optimist may refuse what the mediator thinks it should
take. U_i is concave and piecewise linear in z, so the problem is concave. For two signatories it is solved
exactly: the Pareto frontier is traced by moving issues from one side's best point toward the other's in order of
the rate at which one gains per unit the other loses (each gives first on what it values less: a logroll), and the
Nash point is found in closed form on its segment. For more, a fixed number of projected-gradient steps on a
smoothed objective (|t| ~ sqrt(t^2 + eps^2)) from the weighted median. Where no terms beat every disagreement
point, the offer is the power- and salience-weighted median of all engaged actors' demands (Bueno de Mesquita's
forecast) and is marked infeasible: it is expected to be refused.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from model.layout import AUDIENCE_COST, CAPABILITY, ENGAGED

_EPS = 1e-12


@njit(cache=True)
def sort_order(values: np.ndarray, n: int, order: np.ndarray) -> np.ndarray:
    """The indices of values[:n] in ascending order of value, ties in index order (as numpy's stable sort gives),
    into order[:n]: an insertion sort, quicker than a library sort for the dozen items it gets here."""
    for m in range(n):
        p = m
        while p > 0 and values[order[p - 1]] > values[m]:
            order[p] = order[p - 1]
            p -= 1
        order[p] = m
    return order[:n]


@njit(cache=True)
def sort_in_place(values: np.ndarray, n: int) -> None:
    """Sort values[:n] ascending in place (insertion sort; n is at most seven here)."""
    for m in range(1, n):
        v = values[m]
        p = m
        while p > 0 and values[p - 1] > v:
            values[p] = values[p - 1]
            p -= 1
        values[p] = v


@njit(cache=True, inline="always")
def issue_value(s, b: int, i: int, k: int, z: float) -> float:
    """f_ik(z): i's utility on issue k at z, less the audience cost of retreating from its demand there."""
    x = s.ideal[b, i, k]
    sal = s.salience[b, i, k]
    value = -sal * abs(z - x)
    if s.on_table[b, k] > 0.5:
        worse = abs(z - x) - abs(s.demand[b, i, k] - x)
        if worse > 0.0:
            value -= s.actor_params[b, i, AUDIENCE_COST] * sal * worse
    return value


@njit(cache=True, inline="always")
def signing_utility(s, b: int, i: int, z: np.ndarray) -> float:
    """U_i(z) = 1 + sum_k f_ik(z_k)."""
    total = 1.0
    for k in range(z.shape[0]):
        total += issue_value(s, b, i, k, z[k])
    return total


@njit(cache=True)
def acceptable_terms(ideal: np.ndarray, demand: np.ndarray, parties: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """On each issue k, the interval [lo_k, hi_k] of terms in [0, 1] that meet the public demand of every party:
    no further from its ideal than its demand is. Where the demands are incompatible, lo > hi.

    Args:
        ideal, demand: (A, K) one run's ideals and public demands.
        parties: actor indices of the parties whose demands count.
    """
    n_k = ideal.shape[1]
    lo = np.empty(n_k)
    hi = np.empty(n_k)
    for k in range(n_k):
        lo[k] = 0.0
        hi[k] = 1.0
        for i in parties:
            x = ideal[i, k]
            reach = abs(demand[i, k] - x)
            lo[k] = max(lo[k], x - reach)
            hi[k] = min(hi[k], x + reach)
    return lo, hi


@njit(cache=True)
def demand_box(s, b: int, signers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """On each issue, the terms that meet every signatory's public demand (`acceptable_terms`); an issue off the
    table stays at the status quo. Where the demands are incompatible, lo > hi."""
    lo, hi = acceptable_terms(s.ideal[b], s.demand[b], signers)
    for k in range(lo.shape[0]):
        if s.on_table[b, k] < 0.5:
            lo[k] = s.status_quo[b, k]
            hi[k] = s.status_quo[b, k]
    return lo, hi


@njit(cache=True)
def compatible(lo: np.ndarray, hi: np.ndarray) -> bool:
    """Whether the box of `demand_box` is non-empty: some terms meet every signatory's public demand."""
    for k in range(lo.shape[0]):
        if lo[k] > hi[k] + _EPS:
            return False
    return True


@njit(cache=True)
def weighted_median(s, b: int, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Per issue, the median of engaged actors' demands weighted by capability x salience, within [lo, hi]."""
    n_a = s.camp.shape[0]
    n_k = lo.shape[0]
    z = np.empty(n_k)
    positions = np.empty(n_a)
    weights = np.empty(n_a)
    order = np.empty(n_a, dtype=np.int64)
    for k in range(n_k):
        if lo[k] == hi[k]:
            z[k] = lo[k]
            continue
        total = 0.0
        for a in range(n_a):
            positions[a] = s.demand[b, a, k]
            w = s.actor_params[b, a, CAPABILITY] * s.salience[b, a, k] * s.actor_state[b, a, ENGAGED]
            weights[a] = w
            total += w
        if total <= 0.0:
            z[k] = 0.5 * (lo[k] + hi[k])
            continue
        sort_order(positions, n_a, order)
        running = 0.0
        median = positions[order[-1]]
        for a in order:
            running += weights[a]
            if running >= 0.5 * total:
                median = positions[a]
                break
        z[k] = min(max(median, lo[k]), hi[k])
    return z


@njit(cache=True)
def _best_point(s, b: int, i: int, other: int, k: int, lo: float, hi: float) -> float:
    """The point of [lo, hi] where f_ik is highest (ties: the one `other` likes best)."""
    x = s.ideal[b, i, k]
    dem = s.demand[b, i, k]
    best = lo
    best_value = -np.inf
    best_other = -np.inf
    # Where f_ik can peak: the ends of the range, the ideal, the demand and the demand mirrored in the ideal.
    for z in (lo, hi, x, dem, 2.0 * x - dem):
        z = min(max(z, lo), hi)
        value = issue_value(s, b, i, k, z)
        other_value = issue_value(s, b, other, k, z)
        if value > best_value + _EPS or (abs(value - best_value) <= _EPS and other_value > best_other):
            best, best_value, best_other = z, value, other_value
    return best


@njit(cache=True)
def nash_two(s, b: int, p: int, q: int, d: np.ndarray, w: np.ndarray, lo: np.ndarray,
             hi: np.ndarray) -> tuple[np.ndarray, bool]:
    """Exact asymmetric Nash point for two signatories p, q with disagreement points d = (d_p, d_q)."""
    n_k = lo.shape[0]
    start = np.empty(n_k)
    goal = np.empty(n_k)
    for k in range(n_k):
        start[k] = _best_point(s, b, p, q, k, lo[k], hi[k])
        goal[k] = _best_point(s, b, q, p, k, lo[k], hi[k])
    # Segments of the path from p's best point to q's best point, issue by issue, split at every kink.
    max_seg = n_k * 12
    seg_k = np.empty(max_seg, dtype=np.int64)
    seg_from = np.empty(max_seg)
    seg_to = np.empty(max_seg)
    seg_loss = np.empty(max_seg)
    seg_gain = np.empty(max_seg)
    seg_rank = np.empty(max_seg)
    n_seg = 0
    along = np.empty(7)
    for k in range(n_k):
        a, z_goal = start[k], goal[k]
        if abs(z_goal - a) <= _EPS:
            continue
        direction = 1.0 if z_goal > a else -1.0
        xp, dp, xq, dq = s.ideal[b, p, k], s.demand[b, p, k], s.ideal[b, q, k], s.demand[b, q, k]
        # Distances along the path, sorted: the breakpoints strictly between a and z_goal (each side's ideal,
        # demand and demand mirrored in its ideal: where its f_k changes slope), then the end.
        n_along = 0
        length = abs(z_goal - a)
        for z in (xp, dp, 2.0 * xp - dp, xq, dq, 2.0 * xq - dq):
            t = (z - a) * direction
            if _EPS < t < length - _EPS:
                along[n_along] = t
                n_along += 1
        along[n_along] = length
        n_along += 1
        sort_in_place(along, n_along)
        previous = 0.0
        first_of_issue = n_seg
        for t in along[:n_along]:
            if t - previous <= _EPS:
                continue
            z0 = a + direction * previous
            z1 = a + direction * t
            seg_k[n_seg] = k
            seg_from[n_seg] = z0
            seg_to[n_seg] = z1
            seg_loss[n_seg] = issue_value(s, b, p, k, z0) - issue_value(s, b, p, k, z1)
            seg_gain[n_seg] = issue_value(s, b, q, k, z1) - issue_value(s, b, q, k, z0)
            loss = max(seg_loss[n_seg], 0.0)
            gain = seg_gain[n_seg]
            seg_rank[n_seg] = -(gain / loss) if loss > _EPS else -np.inf if gain > _EPS else 0.0
            # Concavity makes the exchange rate fall along an issue's path; keep it so against rounding, so that
            # the stable sort below never moves a later piece of an issue before an earlier one.
            if n_seg > first_of_issue:
                seg_rank[n_seg] = max(seg_rank[n_seg], seg_rank[n_seg - 1])
            n_seg += 1
            previous = t
    order = sort_order(seg_rank, n_seg, np.empty(n_seg, dtype=np.int64))  # best exchange rate first
    u_p = signing_utility(s, b, p, start)
    u_q = signing_utility(s, b, q, start)
    best_value = -np.inf
    best_step = -1  # segments fully applied before the best point
    best_t = 0.0
    if u_p - d[0] > 0.0 and u_q - d[1] > 0.0:
        best_value = w[0] * math.log(u_p - d[0]) + w[1] * math.log(u_q - d[1])
        best_step, best_t = 0, 0.0
    for n in range(n_seg):
        j = order[n]
        loss, gain = seg_loss[j], seg_gain[j]
        a_p, a_q = u_p - d[0], u_q - d[1]
        # Feasible part of the segment (fraction t in [0, 1]): both above their disagreement points.
        t_lo, t_hi = 0.0, 1.0
        if gain > _EPS:
            t_lo = max(t_lo, -a_q / gain)
        elif a_q <= 0.0:
            t_lo = 2.0
        if loss > _EPS:
            t_hi = min(t_hi, a_p / loss)
        elif a_p <= 0.0:
            t_hi = -1.0
        if t_lo < t_hi:
            # Maximise w_p log(a_p - t loss) + w_q log(a_q + t gain) on [t_lo, t_hi] (concave, closed form).
            if loss <= _EPS:
                t = t_hi
            elif gain <= _EPS:
                t = t_lo
            else:
                t = (w[1] * gain * a_p - w[0] * loss * a_q) / (loss * gain * (w[0] + w[1]))
            margin = 1e-9 * (t_hi - t_lo)
            t = min(max(t, t_lo + margin), t_hi - margin)
            x_p, x_q = a_p - t * loss, a_q + t * gain
            if x_p > 0.0 and x_q > 0.0:
                value = w[0] * math.log(x_p) + w[1] * math.log(x_q)
                if value > best_value:
                    best_value, best_step, best_t = value, n, t
        u_p -= loss
        u_q += gain
    z = start.copy()
    if best_step < 0:
        return z, False
    for n in range(best_step):
        j = order[n]
        z[seg_k[j]] += seg_to[j] - seg_from[j]
    j = order[best_step] if n_seg > 0 else -1
    if j >= 0 and best_t > 0.0:
        z[seg_k[j]] += best_t * (seg_to[j] - seg_from[j])
    return z, True


@njit(cache=True)
def _smooth_utility_grad(s, b: int, i: int, z: np.ndarray, eps: float) -> tuple[float, np.ndarray]:
    """U_i with |t| smoothed to sqrt(t^2 + eps^2), and its gradient."""
    n_k = z.shape[0]
    grad = np.zeros(n_k)
    value = 1.0
    a_cost = s.actor_params[b, i, AUDIENCE_COST]
    for k in range(n_k):
        x = s.ideal[b, i, k]
        sal = s.salience[b, i, k]
        # t * t, not t ** 2: Python's ** calls pow, which differs from the product in the last bit now and then.
        t = z[k] - x
        r = math.sqrt(t * t + eps * eps)
        dr = (z[k] - x) / r
        value -= sal * r
        grad[k] -= sal * dr
        if s.on_table[b, k] > 0.5 and a_cost > 0.0:
            t_demand = s.demand[b, i, k] - x
            excess = r - math.sqrt(t_demand * t_demand + eps * eps)
            soft = math.sqrt(excess * excess + eps * eps)
            value -= a_cost * sal * 0.5 * (excess + soft)
            grad[k] -= a_cost * sal * 0.5 * (1.0 + excess / soft) * dr
    return value, grad


@njit(cache=True)
def _nash_value(s, b: int, signers: np.ndarray, d: np.ndarray, w: np.ndarray, z: np.ndarray) -> float:
    """The exact asymmetric Nash objective at z (-inf where a signatory is not above its disagreement point)."""
    total = 0.0
    for m in range(signers.shape[0]):
        surplus = signing_utility(s, b, signers[m], z) - d[m]
        if surplus <= 0.0:
            return -np.inf
        total += w[m] * math.log(surplus)
    return total


@njit(cache=True)
def _smooth_nash_value(s, b: int, signers: np.ndarray, d: np.ndarray, w: np.ndarray, z: np.ndarray,
                       eps: float) -> float:
    total = 0.0
    for m in range(signers.shape[0]):
        value, _ = _smooth_utility_grad(s, b, signers[m], z, eps)
        if value - d[m] <= 0.0:
            return -np.inf
        total += w[m] * math.log(value - d[m])
    return total


@njit(cache=True, inline="always")
def _length(v: np.ndarray) -> float:
    """The Euclidean length of v, summed in a loop (numpy's sum orders its additions differently from a loop)."""
    squares = 0.0
    for k in range(v.shape[0]):
        squares += v[k] * v[k]
    return math.sqrt(squares)


@njit(cache=True)
def nash_many(s, b: int, signers: np.ndarray, d: np.ndarray, w: np.ndarray, lo: np.ndarray,
              hi: np.ndarray, start: np.ndarray) -> tuple[np.ndarray, bool]:
    """Asymmetric Nash point for three or more signatories, in a fixed number of steps: phase 1 raises the smallest
    surplus above zero (projected gradient on a soft minimum); phase 2 climbs the smoothed Nash objective by
    projected gradient with an adaptive step, then polishes each issue in turn by a ternary search of the exact
    objective (concave along each issue)."""
    n = signers.shape[0]
    n_k = lo.shape[0]
    eps = 1e-4
    z = start.copy()
    surplus = np.empty(n)
    grads = np.empty((n, n_k))
    # Phase 1: find terms every signatory prefers to its disagreement point.
    step = 0.05
    for it in range(400):
        for m in range(n):
            value, grad = _smooth_utility_grad(s, b, signers[m], z, eps)
            surplus[m] = value - d[m]
            grads[m] = grad
        lowest = surplus.min()
        if lowest > 1e-6 and _nash_value(s, b, signers, d, w, z) > -np.inf:
            break
        # Loops, not numpy's exp and sum: the same libm exp and summation order whether compiled or not.
        weights = np.empty(n)
        total = 0.0
        for m in range(n):
            weights[m] = math.exp(-(surplus[m] - lowest) / 0.01)
            total += weights[m]
        for m in range(n):
            weights[m] /= total
        direction = np.zeros(n_k)
        for m in range(n):
            direction += weights[m] * grads[m]
        norm = _length(direction)
        if norm < 1e-12:
            break
        z = np.minimum(np.maximum(z + step * direction / norm, lo), hi)
        step = max(step * 0.98, 1e-4)
    current = _nash_value(s, b, signers, d, w, z)
    if current == -np.inf:
        return start.copy(), False
    # Phase 2: projected gradient ascent on the smoothed objective, sharpening the smoothing step by step
    # (continuation) so that the iterate can follow the ridges along which two issues trade against each other.
    feasible_z = z.copy()
    smooth = 0.05
    for stage in range(10):
        step = 0.02
        value_now = _smooth_nash_value(s, b, signers, d, w, z, smooth)
        for it in range(150):
            direction = np.zeros(n_k)
            for m in range(n):
                value, grad = _smooth_utility_grad(s, b, signers[m], z, smooth)
                direction += w[m] * grad / max(value - d[m], 1e-12)
            norm = _length(direction)
            if norm < 1e-12 or step < 1e-10:
                break
            trial = np.minimum(np.maximum(z + step * direction / norm, lo), hi)
            value = _smooth_nash_value(s, b, signers, d, w, trial, smooth)
            if value > value_now:
                z, value_now = trial, value
                step *= 1.3
            else:
                step *= 0.5
        smooth *= 0.4
    exact = _nash_value(s, b, signers, d, w, z)
    if exact >= current:
        current = exact
    else:
        z = feasible_z
    # Polish: exact ternary search along each issue in turn.
    for sweep in range(8):
        for k in range(n_k):
            a, c = lo[k], hi[k]
            if c - a <= 1e-12:
                continue
            probe = z.copy()
            for it in range(60):
                m1 = a + (c - a) / 3.0
                m2 = c - (c - a) / 3.0
                probe[k] = m1
                v1 = _nash_value(s, b, signers, d, w, probe)
                probe[k] = m2
                v2 = _nash_value(s, b, signers, d, w, probe)
                if v1 < v2:
                    a = m1
                else:
                    c = m2
            probe[k] = 0.5 * (a + c)
            value = _nash_value(s, b, signers, d, w, probe)
            if value > current:
                z, current = probe, value
    return z, True


@njit(cache=True)
def propose(s, b: int, signers: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, bool, bool]:
    """The mediator's offer for run b, whether it beats every signatory's disagreement point, and whether the
    signatories' public demands are compatible (`demand_box` non-empty).

    Args:
        signers: actor indices of the signatories.
        d: their disagreement points, in the same order.
    """
    n = signers.shape[0]
    lo, hi = demand_box(s, b, signers)
    meet = compatible(lo, hi)
    if n == 0:
        return s.status_quo[b].copy(), False, meet
    if not meet:
        # No terms meet every public demand: the forecast of where the demands are heading, not signable.
        for k in range(lo.shape[0]):
            if lo[k] > hi[k]:
                lo[k] = hi[k] = 0.5 * (lo[k] + hi[k])
        return weighted_median(s, b, lo, hi), False, meet
    median = weighted_median(s, b, lo, hi)
    if n < 2:
        return median, False, meet
    w = np.empty(n)
    for m in range(n):
        w[m] = max(s.actor_params[b, signers[m], CAPABILITY], 1e-6)
    if n == 2:
        z, ok = nash_two(s, b, signers[0], signers[1], d, w, lo, hi)
    else:
        z, ok = nash_many(s, b, signers, d, w, lo, hi, median)
    if not ok:
        return median, False, meet
    return z, True, meet
