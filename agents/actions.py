"""The action vocabulary (DESIGN section 3, step 2), one batch of decisions by one actor.

Every field has a leading run dimension, so one strategy call decides for every run of a batch at once. `hold` is
the absence of every other action. Accepting and defecting are not chosen here: they are the BATNA test that the
model applies to every veto player and spoiler (`model.rules.ceasefire`), so no strategy can accept a deal worth
less to it than its alternative.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Actions:
    """One actor's decisions for B runs.

    Attributes:
        concede: (B, K) signed change of its demands toward the other side.
        link: (B, K) signed change on a linked issue: a sweetener the other side values more than it does.
        escalate: (B,) fighting intensity in [0, 1] (0: no fighting; `war_intensity`: ordinary; 1: all-out).
        threaten: (B,) issue or renew a threat against its counterpart (deadline `threat_period` turns away).
        carry_out: (B,) carry out the threat whose deadline has come.
        back_down: (B,) let the deadline pass without punishment.
        sanction: (B,) impose sanctions on its counterpart (they last until a deal is agreed).
        supply: (B,) supply its clients (actors whose patron it is).
        withdraw: (B,) withdraw from talks and theatre for good.
    """

    concede: np.ndarray
    link: np.ndarray
    escalate: np.ndarray
    threaten: np.ndarray
    carry_out: np.ndarray
    back_down: np.ndarray
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
            carry_out=no.copy(),
            back_down=no.copy(),
            sanction=no.copy(),
            supply=no.copy(),
            withdraw=no.copy(),
        )
