"""Counter-based random draws: a run's randomness depends only on its seed, never on its batch or worker.

Each run has a 64-bit key derived from a `numpy.random.SeedSequence` (the run's seed, or child `i` of the
experiment's master seed, as `SeedSequence.spawn` would give). A draw is a hash of (key, turn, stream, index), so
the Mesa model (a batch of one) and the ensemble engine (thousands of runs at once, in any chunking or order) see
the same numbers for the same run, and two strategies compared on the same seeds see common random numbers.
The hash is SplitMix64's finaliser (Steele, Lea & Flood 2014), applied twice.
"""

from __future__ import annotations

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_TO_UNIT = 2.0**-53


def _mix(z: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser over an array of uint64 (wrapping arithmetic)."""
    z = z ^ (z >> np.uint64(30))
    z = z * np.uint64(0xBF58476D1CE4E5B9)
    z = z ^ (z >> np.uint64(27))
    z = z * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def seed_sequence(seed: int | np.random.SeedSequence | None) -> np.random.SeedSequence:
    """The SeedSequence of a single run seeded with `seed` (fresh entropy if None)."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    return np.random.SeedSequence(seed)


def run_key(seed: int | np.random.SeedSequence | None) -> np.uint64:
    """The 64-bit stream key of one run."""
    return seed_sequence(seed).generate_state(1, np.uint64)[0]


def replicate_seed(master_seed: int, replicate: int) -> np.random.SeedSequence:
    """Child `replicate` of the master seed, exactly as `SeedSequence(master_seed).spawn(n)[replicate]`."""
    return np.random.SeedSequence(master_seed, spawn_key=(replicate,))


def replicate_keys(master_seed: int, start: int, stop: int) -> np.ndarray:
    """Stream keys of replicates start..stop-1 of a master seed (spawned in the parent, one per run)."""
    return np.array(
        [replicate_seed(master_seed, r).generate_state(1, np.uint64)[0] for r in range(start, stop)],
        dtype=np.uint64,
    )


class Streams:
    """Independent uniform and normal draws for a batch of runs, addressed by (turn, stream, index).

    Args:
        keys: one uint64 key per run (shape (B,)).
    """

    def __init__(self, keys: np.ndarray) -> None:
        self.keys = np.asarray(keys, dtype=np.uint64).reshape(-1)

    def __len__(self) -> int:
        return self.keys.shape[0]

    def uniform(self, turn: int, stream: int, n: int | None = None) -> np.ndarray:
        """Uniform draws in (0, 1): shape (B,) if n is None, else (B, n)."""
        width = 1 if n is None else n
        if not (0 <= turn < 2**24 and 0 <= stream < 2**20 and width < 2**20):
            raise ValueError("turn, stream or draw count out of range for the counter")
        counter = (np.uint64(turn) << np.uint64(40)) | (np.uint64(stream) << np.uint64(20))
        index = np.arange(width, dtype=np.uint64) | counter
        # The counter is hashed once (n values), then mixed with each run's key: one full pass over (B, n).
        h = _mix(self.keys[:, None] ^ _mix(_mix(index * _GOLDEN + _GOLDEN))[None, :])
        u = ((h >> np.uint64(11)).astype(np.float64) + 0.5) * _TO_UNIT
        return u[:, 0] if n is None else u

    def normal(self, turn: int, stream: int, n: int | None = None) -> np.ndarray:
        """Standard normal draws (inverse CDF of `uniform`), same shapes. (Box-Muller was measured slower:
        numpy's float64 cosine is not vectorised on this build.)"""
        from scipy.special import ndtri  # imported here: scipy costs every command ~0.3 s of start-up

        return ndtri(self.uniform(turn, stream, n))


class Stream:
    """Named stream numbers, so that no two uses share draws."""

    FIGHT = 1
    PERCEPTION = 2
    ACCEPT = 3
    INCIDENT = 4
    INCIDENT_TARGET = 5
    STRATEGY = 100  # + actor index: each actor's own stream for stochastic strategies
