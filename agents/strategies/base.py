"""What a strategy is: one small class with a name, a description, a classifier and one decision method.

Modelled on the Axelrod library's strategies (Knight et al. 2016): a `name`, a `classifier` dict that lets users
select strategies by trait, and one method from an observation to actions. Ours decide for a whole batch of runs at
once (arrays with a leading run dimension) and keep no state of their own: what they remember (threat deadlines,
the other side's last move) is in the observation, so a strategy is trivially picklable and resettable.
"""

from __future__ import annotations

from typing import Any, ClassVar

from agents.actions import Actions
from agents.observation import Observation

CLASSIFIER_KEYS = ("coerces", "concedes", "links", "uses_force", "stochastic", "memory", "for")
"""Traits every strategy declares. `for` names the actors it was written for ('any', 'USA', 'RUS', ...)."""


class Strategy:
    """Base class: subclasses set `name`, `description`, `classifier` and implement `decide`."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    classifier: ClassVar[dict[str, Any]] = {}

    def decide(self, obs: Observation) -> Actions:  # pragma: no cover - abstract
        """The actions of actor `obs.me` in every run of the batch."""
        raise NotImplementedError

    def reset(self) -> None:
        """Forget everything learnt in a run. Strategies keep their memory in the world, so nothing to do."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self))
