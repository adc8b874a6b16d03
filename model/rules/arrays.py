"""Array helpers whose results never depend on the batch size.

A matrix product over the actor axis (`values @ matrix`) goes to BLAS, whose blocking and summation order can change
with the number of rows, so run r could differ in the last bit between a batch of one and a batch of a thousand.
Summing actor by actor in a fixed order keeps every run bit-identical on either engine.
"""

from __future__ import annotations

import numpy as np


def over_actors(values: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """sum_a values[:, a] * matrix[a, :] for values (B, A) and matrix (A, X): shape (B, X), fixed order."""
    matrix = np.asarray(matrix, dtype=np.float64)
    out = np.zeros((values.shape[0], matrix.shape[1]))
    # Adding an exact zero changes nothing, so skipping zero terms keeps results batch-independent.
    for a in np.flatnonzero(matrix.any(axis=1)):
        column = values[:, a : a + 1]
        if not column.any():
            continue
        out = out + column * matrix[a]
    return out
