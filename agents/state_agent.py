"""The Mesa agent: a state or armed party with its identity, goals, force and strategy.

Summary of rule: each turn the actor looks at the shared snapshot and its strategy chooses its actions (concede,
link, escalate, threaten, carry out or back down, sanction, supply, withdraw). Whether it accepts a deal or breaks
a ceasefire is its BATNA test, applied by the model to every veto player and spoiler alike. Its numbers (demands,
force, resolve, credibility, deal value, BATNA) are views into the model's batched arrays (row 0), so the Mesa
model and the ensemble engine share one copy of every rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from agents.actions import Actions
from agents.observation import Observation
from agents.strategies.base import Strategy

if TYPE_CHECKING:
    from model.world import World


class StateActor(mesa.Agent):
    """One actor of the scenario (DESIGN section 2)."""

    def __init__(self, model: mesa.Model, index: int, actor_id: str, name: str, strategy: Strategy) -> None:
        super().__init__(model)
        self.index = index
        self.actor_id = actor_id
        self.name = name
        self.strategy = strategy

    @property
    def world(self) -> World:
        return self.model.world

    def decide(self, obs: Observation) -> Actions:
        """This actor's actions for the turn, chosen by its strategy."""
        return self.strategy.decide(obs)

    # Views of the actor's state (run 0 of the model's batch of one); the DataCollector reads these by name.
    @property
    def strategy_name(self) -> str:
        return self.strategy.name

    @property
    def camp(self) -> str | None:
        c = self.world.camp[self.index]
        return self.world.camp_ids[c] if c >= 0 else None

    @property
    def veto(self) -> bool:
        return bool(self.world.veto[self.index])

    @property
    def spoiler(self) -> bool:
        return bool(self.world.spoiler[self.index])

    @property
    def demands(self) -> dict[str, float]:
        return dict(zip(self.world.issue_ids, self.world.position[0, self.index].tolist(), strict=True))

    @property
    def ideal(self) -> dict[str, float]:
        return dict(zip(self.world.issue_ids, self.world.ideal[0, self.index].tolist(), strict=True))

    def __getattr__(self, name: str) -> float:
        # Per-turn columns (force, batna, demand_<issue>, ...) come from the one recording definition.
        columns = self.__dict__.get("_columns")
        if columns is not None and name in columns:
            return columns[name]
        raise AttributeError(name)

    def _record(self, columns: dict[str, float]) -> None:
        self._columns = columns
