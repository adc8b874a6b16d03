"""What a strategy is: one small class with a name, a description, a classifier, its parameters and one decision
method.

Modelled on the Axelrod library's strategies (Knight et al. 2016): a `name`, a `classifier` dict that lets users
select strategies by trait, and one method from an observation to actions. Ours decide for a whole batch of runs at
once (arrays with a leading run dimension). Their numbers are named, validated parameters given at construction
(`agents.strategies.get("or_else", deadline=6)`, see `agents.strategies.params`). What they remember is read from
the observation where the world keeps it (threat deadlines, the other side's last move); a strategy that needs more
(when it made an offer, what the other side has given since) keeps it in per-run arrays through `recall` and
`remember`, which are keyed by turn: a repeated call in the same turn sees the same memory, and the first turn of a
run starts afresh. Strategies stay picklable, and deterministic: their only randomness is `obs.uniform(draw)`, the
actor's own stream (draws 0..13 for strategies; 14 and 15 are the tournament's trembles).
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from agents.actions import Actions
from agents.observation import Observation
from agents.strategies.params import Params

CLASSIFIER_KEYS = ("coerces", "concedes", "links", "uses_force", "stochastic", "memory", "for")
"""Traits every strategy declares. `for` names the actors it was written for ('any', 'USA', 'RUS', ...)."""

TREMBLE_DRAWS = (14, 15)
"""The draws of an actor's stream reserved for trembles (`agents.strategies.noise`); strategies use 0..13."""


class Strategy:
    """Base class: subclasses set `name`, `description`, `classifier`, `Params` and implement `decide`.

    Args:
        **params: the strategy's parameters by name (validated: `StrategyParamError` otherwise).
    """

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    classifier: ClassVar[dict[str, Any]] = {}
    Params: ClassVar[type[Params]] = Params

    def __init__(self, **params: Any) -> None:
        self.params = type(self).Params.build(self.name, params)
        self.reset()

    def decide(self, obs: Observation) -> Actions:  # pragma: no cover - abstract
        """The actions of actor `obs.me` in every run of the batch."""
        raise NotImplementedError

    def reset(self) -> None:
        """Forget everything remembered in a run."""
        self._memory_turn = -1
        self._memory_start: dict[str, np.ndarray] = {}
        self._memory_end: dict[str, np.ndarray] = {}

    def recall(self, obs: Observation, **initial: np.ndarray) -> dict[str, np.ndarray]:
        """The memory as it stood at the start of this turn (copies, to update and pass to `remember`).

        `initial` gives each array's value at the start of a run (turn 1 or earlier, or a new batch).
        """
        fresh = (obs.turn <= 1 or obs.turn < self._memory_turn or not self._memory_end
                 or next(iter(self._memory_end.values())).shape[0] != obs.batch)
        if fresh:
            start = {k: np.array(v, dtype=np.float64, copy=True) for k, v in initial.items()}
        elif obs.turn == self._memory_turn:
            start = self._memory_start
        else:
            start = self._memory_end
        self._memory_start = {k: v.copy() for k, v in start.items()}
        self._memory_turn = obs.turn
        return {k: v.copy() for k, v in start.items()}

    def remember(self, memory: dict[str, np.ndarray]) -> None:
        """Keep `memory` as what this turn's decision leaves for the next."""
        self._memory_end = {k: v.copy() for k, v in memory.items()}

    def __repr__(self) -> str:
        changed = ", ".join(f"{k}={v!r}" for k, v in self.params.changed().items())
        return f"{type(self).__name__}({changed})"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.params == other.params  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self), self.params))

    def value(self, obs: Observation, name: str) -> np.ndarray:
        """(B,) parameter `name`: its value, or, when unset, the mechanism constant it names (per run)."""
        value = getattr(self.params, name)
        if value is None:
            mechanism = next(f.metadata["mechanism"] for f in self.Params.specs() if f.name == name)
            return np.asarray(obs.param(mechanism), dtype=np.float64)
        return np.full(obs.batch, float(value))
