"""Trembles: a share of an actor's weekly moves replaced by a move drawn at random from the vocabulary.

Summary of rule: each week, with probability `noise`, the move the strategy intended is replaced by one of
hold, concede a step, link a step, escalate all-out (if it has enemies in the field), issue an ultimatum, impose
sanctions, lift them, supply its clients, each equally likely; an armed actor keeps fighting at ordinary intensity
unless the tremble is an escalation. Withdrawal is not among them: it is for good, and a slip of the hand that
ends a policy is not noise. The draws come from the actor's own stream (draws 14 and 15, reserved for trembles),
keyed by run, turn and actor: the same weeks tremble, to the same moves, whatever strategy the actor plays, so a
noisy tournament compares strategies on common random numbers. The strategy's memory sees what actually happened
where it reads the world (ultimatums issued, demands), as in Axelrod's noisy tournaments, where a strategy sees
its own move as it came out.

Source: Axelrod (1984) and Bendor, Kramer & Stout (1991) on noise in the iterated prisoner's dilemma; Selten (1975)
for the trembling hand; Knight et al. (2016), the Axelrod library's `noise` argument.
"""

from __future__ import annotations

import numpy as np

from agents.actions import Actions
from agents.observation import Observation
from agents.strategies.base import TREMBLE_DRAWS, Strategy
from agents.strategies.moves import concession, linked_concession, only_without_deal, ordinary_fighting, ultimatum

MOVES = ("hold", "concede", "link", "escalate", "threaten", "sanction", "lift", "supply")
"""The moves a tremble draws from, equally likely."""


def random_moves(obs: Observation, move: np.ndarray) -> Actions:
    """(B,) move index per run -> the actions of that move in each run."""
    out = Actions.hold(obs.batch, obs.n_issues)
    out.escalate = ordinary_fighting(obs)
    step = obs.param("concession_step")
    pick = {name: move == i for i, name in enumerate(MOVES)}
    out.concede = np.where(pick["concede"][:, None], only_without_deal(obs, concession(obs, step)), 0.0)
    out.link = np.where(pick["link"][:, None], only_without_deal(obs, linked_concession(obs, step)), 0.0)
    if obs.has_enemies:
        out.escalate = np.where(pick["escalate"], obs.param("escalation_intensity"), out.escalate)
    out.threaten = pick["threaten"] & ultimatum(obs)
    out.sanction = np.where(pick["sanction"], 1.0, np.where(pick["lift"], -1.0, 0.0))
    out.supply = pick["supply"] & obs.has_clients
    return out


class Trembling(Strategy):
    """`inner`, with a share `noise` of its weekly moves replaced by a random move (see the module's rule)."""

    def __init__(self, inner: Strategy, noise: float) -> None:
        if not 0.0 <= noise <= 1.0:
            raise ValueError(f"noise {noise}: a share of moves in [0, 1]")
        self.inner = inner
        self.noise = float(noise)
        self.name = inner.name  # type: ignore[misc]
        self.params = inner.params
        self.reset()

    def reset(self) -> None:
        super().reset()
        if hasattr(self, "inner"):
            self.inner.reset()

    def decide(self, obs: Observation) -> Actions:
        intended = self.inner.decide(obs)
        if self.noise <= 0.0:
            return intended
        trembles = obs.uniform(TREMBLE_DRAWS[0]) < self.noise
        if not trembles.any():
            return intended
        move = np.minimum((obs.uniform(TREMBLE_DRAWS[1]) * len(MOVES)).astype(np.int64), len(MOVES) - 1)
        slip = random_moves(obs, move)
        for name in vars(intended):
            mine, theirs = getattr(intended, name), getattr(slip, name)
            mask = trembles.reshape((-1,) + (1,) * (mine.ndim - 1))
            setattr(intended, name, np.where(mask, theirs, mine).astype(mine.dtype))
        return intended

    def __repr__(self) -> str:
        return f"Trembling({self.inner!r}, noise={self.noise:g})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Trembling) and self.inner == other.inner and self.noise == other.noise

    def __hash__(self) -> int:
        return hash((Trembling, self.inner, self.noise))
