"""Counter-based random draws inside the kernel: a draw depends only on (run key, turn, stream, index).

Summary of rule: the same SplitMix64 hash as `model.rng.Streams` (Steele, Lea & Flood 2014), so a run's draws do not
depend on its batch, its chunk or its worker, and strategies compared on one seed see common random numbers.
Normal draws use Box-Muller on two uniforms of the same stream (cheap in compiled code).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_TO_UNIT = 2.0**-53

# Stream numbers: no two uses share draws (strategies use model.rng.Stream.STRATEGY + actor in numpy).
FIGHT = 1
BATTLE = 2
STRIKE = 3
INCIDENT = 4
INCIDENT_ACTOR = 5
RECRUITMENT = 6


@njit(cache=True)
def _mix(z: np.uint64) -> np.uint64:
    z = z ^ (z >> np.uint64(30))
    z = z * _M1
    z = z ^ (z >> np.uint64(27))
    z = z * _M2
    return z ^ (z >> np.uint64(31))


@njit(cache=True)
def uniform(key: np.uint64, turn: int, stream: int, index: int) -> float:
    """A uniform draw in (0, 1), equal to `model.rng.Streams(key).uniform(turn, stream, n)[index]`."""
    counter = (np.uint64(turn) << np.uint64(40)) | (np.uint64(stream) << np.uint64(20)) | np.uint64(index)
    h = _mix(key ^ _mix(_mix(counter * _GOLDEN + _GOLDEN)))
    return (float(h >> np.uint64(11)) + 0.5) * _TO_UNIT


@njit(cache=True)
def normal(key: np.uint64, turn: int, stream: int, index: int) -> float:
    """A standard normal draw (Box-Muller on uniforms 2*index and 2*index+1 of the stream)."""
    u1 = uniform(key, turn, stream, 2 * index)
    u2 = uniform(key, turn, stream, 2 * index + 1)
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)
