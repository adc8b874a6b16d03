"""The action vocabulary (DESIGN section 3), one batch of decisions by one actor.

Every field has a leading run dimension, so one strategy call decides for every run of a batch at once. `hold` is
the absence of every other action. Accepting, keeping and breaking a deal are not chosen here: they are the margin
test the rules apply to every party (`model.rules.consent`), so no strategy can sign a deal worth less to it than
its alternative. Nor is striking at a deadline: that is the threatener's own comparison (`model.rules.coercion`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Actions:
    """One actor's decisions for B runs.

    Attributes:
        concede: (B, K) signed change of its public demands.
        link: (B, K) signed change on a linked issue: a sweetener the other side values more than it does.
        escalate: (B,) fighting intensity in [0, 1] (0: none; `war_intensity`: ordinary; 1: all-out).
        threaten: (B,) issue an ultimatum to its counterpart: a deal by `threat_period` weeks, or a strike.
        enforce: (B,) the ultimatum stays in force after a deal as an enforcement clause against breakers.
        sanction: (B,) 1 impose sanctions on its counterpart, -1 lift them, 0 leave them as they are.
        supply: (B,) supply its clients (actors whose patron it is), at a cost.
        withdraw: (B,) withdraw from talks and theatre for good.
    """

    concede: np.ndarray
    link: np.ndarray
    escalate: np.ndarray
    threaten: np.ndarray
    enforce: np.ndarray
    sanction: np.ndarray
    supply: np.ndarray
    withdraw: np.ndarray

    @classmethod
    def hold(cls, batch: int, n_issues: int) -> Actions:
        """Doing nothing in every run: demands kept, no force, no threat."""
        no = np.zeros(batch, dtype=bool)
        return cls(
            concede=np.zeros((batch, n_issues)),
            link=np.zeros((batch, n_issues)),
            escalate=np.zeros(batch),
            threaten=no.copy(),
            enforce=no.copy(),
            sanction=np.zeros(batch),
            supply=no.copy(),
            withdraw=no.copy(),
        )
