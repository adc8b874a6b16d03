"""Intervals for comparing strategies: Wilson for shares, bootstrap for means and paired differences."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

Z95 = NormalDist().inv_cdf(0.975)  # the standard library's, so that importing this module stays cheap


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """95% Wilson score interval for a share (Wilson 1927); (nan, nan) for n = 0."""
    if n <= 0:
        return (float("nan"), float("nan"))
    p = successes / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    low = 0.0 if successes == 0 else max(0.0, centre - half)  # exact bounds at the edges, not rounding noise
    high = 1.0 if successes == n else min(1.0, centre + half)
    return (float(low), float(high))


def bootstrap_mean_interval(values: np.ndarray, seed: int = 0, resamples: int = 2000,
                            level: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean (Efron & Tibshirani 1993), with its own seeded generator."""
    values = np.asarray(values, dtype=np.float64)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return (float("nan"), float("nan"))
    if values.size == 1 or np.all(values == values[0]):
        return (float(values[0]), float(values[0]))
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    means = np.empty(resamples)
    for start in range(0, resamples, 200):  # chunks keep memory flat for large samples
        stop = min(resamples, start + 200)
        idx = rng.integers(0, values.size, size=(stop - start, values.size), dtype=np.int32 if values.size < 2**31 else np.int64)
        means[start:stop] = values[idx].mean(axis=1)
    alpha = (1.0 - level) / 2.0
    return (float(np.quantile(means, alpha)), float(np.quantile(means, 1.0 - alpha)))
