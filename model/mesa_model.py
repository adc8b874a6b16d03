"""The Mesa model: builds the actors from a scenario, plays the turn, records (DESIGN sections 3, 5, 6).

The model only orchestrates and records: the rules live in `model.rules` (over batched arrays, called here with a
batch of one) and in the actors' strategies. Randomness comes from counter-based streams keyed by the run's seed
(`model.rng`), so this model and the ensemble engine give identical runs for the same seed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import mesa
import numpy as np

from agents.state_agent import StateActor
from model import assignment, eventlog, recording
from model import scenario as scenario_module
from model.outcomes import run_record, summarize
from model.rng import run_key, seed_sequence
from model.scenario import Scenario
from model.turn import TurnReport, advance, start
from model.world import World, build_world


class CeasefireModel(mesa.Model):
    """One seeded run of a scenario.

    Args:
        scenario: a built-in scenario name, a path to a scenario file, or a loaded `Scenario`.
        us_strategy: the US strategy (None: the scenario's).
        strategies: strategy per actor id, e.g. {"RUS": "stall"} (applied after `us_strategy`).
        turns: number of turns (None: the scenario's).
        params: overrides: `params.NAME`, `ACTOR.field` or `ISSUE.status_quo` to a value.
        rng: the run's seed (int or `numpy.random.SeedSequence`); None draws fresh entropy, kept in `self.seed`.
        record: keep the event log and the per-turn tables (DataCollector) and publish each turn's numbers on the
            model and its agents, as people and the page want; False plays the same run for its summary only,
            several times faster.
    """

    def __init__(
        self,
        scenario: str | Scenario = "syria-2016",
        us_strategy: str | None = None,
        strategies: Mapping[str, str] | None = None,
        turns: int | None = None,
        params: Mapping[str, Any] | None = None,
        rng: int | np.random.SeedSequence | None = None,
        record: bool = True,
    ) -> None:
        seq = seed_sequence(rng)
        super().__init__(rng=seq)
        self.seed = seq.entropy if not seq.spawn_key else {"entropy": seq.entropy, "spawn_key": list(seq.spawn_key)}
        # Mesa 3.5 reserves `scenario` for its own Scenario class, so ours is `spec`.
        self.spec = scenario if isinstance(scenario, Scenario) else scenario_module.load(scenario)
        self.strategy_names = assignment.assign(self.spec, us_strategy, strategies)
        overrides = dict(params or {})
        if turns is not None:
            overrides["params.turns"] = turns
        self.world: World = build_world(self.spec, np.array([run_key(seq)]), overrides)
        start(self.world)
        self.actors: list[StateActor] = [
            StateActor(self, i, a.id, a.name or a.id, strategy)
            for i, (a, strategy) in enumerate(zip(self.spec.actors, assignment.instances(self.spec, self.strategy_names), strict=True))
        ]
        self.record = record
        self.log: list[str] = []
        self.last_report: TurnReport | None = None
        self.datacollector: mesa.DataCollector | None = None
        if record:
            model_reporters = {name: name for name in recording.model_columns(self.world)}
            agent_reporters = {"actor": "actor_id"} | {name: name for name in recording.actor_columns(self.world)}
            self.datacollector = mesa.DataCollector(model_reporters=model_reporters, agent_reporters=agent_reporters)
            self._sync()
        self.running = True

    @property
    def turn(self) -> int:
        return self.world.turn

    @property
    def turns(self) -> int:
        return self.world.turns

    @property
    def ceasefire_in_force(self) -> bool:
        return bool(self.world.ceasefire[0])

    def step(self) -> None:
        """Play one turn: every actor decides on the same snapshot, then the phases resolve; record."""
        if self.world.turn >= self.world.turns:
            self.running = False
            return
        report = advance(self.world, self.actors, report=self.record)
        if self.record:
            self.last_report = report
            self.log.extend(eventlog.describe(self.world, report, 0))
            self._sync()
        self.running = self.world.turn < self.world.turns

    def run(self) -> dict[str, Any]:
        """Play every remaining turn (Mesa 3.5's run_for ignores `running`) and return the summary."""
        while self.running:
            self.step()
        return self.summary()

    def _sync(self) -> None:
        """Publish this turn's recorded columns as attributes, then collect."""
        for name, values in recording.model_columns(self.world).items():
            setattr(self, name, values[0].item())
        # Each column as a list of Python scalars, one per actor: one conversion per column, not per value.
        actor_cols = {name: values[0].tolist() for name, values in recording.actor_columns(self.world).items()}
        for agent in self.actors:
            agent._record({name: values[agent.index] for name, values in actor_cols.items()})
        if self.world.turn > 0:
            self.datacollector.collect(self)

    def summary(self) -> dict[str, Any]:
        """The run summary (DESIGN section 5) with the scenario, seed and strategies."""
        record = run_record(summarize(self.world), 0, self.world.issue_ids)
        return record | {"turns": self.world.turns, "turns_played": self.world.turn, "seed": self.seed,
                         "scenario": self.spec.name, "strategies": dict(self.strategy_names)}

    def _collector(self) -> mesa.DataCollector:
        if self.datacollector is None:
            raise RuntimeError("this model was built with record=False: it keeps no per-turn tables")
        return self.datacollector

    def model_table(self):
        """Per-turn model table (pandas), one row per turn."""
        df = self._collector().get_model_vars_dataframe()
        df.insert(0, "turn", range(1, len(df) + 1))
        return df.reset_index(drop=True)

    def actor_table(self):
        """Per-turn actor table (pandas), one row per turn and actor."""
        df = self._collector().get_agent_vars_dataframe().reset_index()
        df = df.rename(columns={"Step": "turn"}).drop(columns=["AgentID"])
        return df
