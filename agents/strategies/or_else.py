"""`or_else`: George's ultimatum: terms, a deadline, and punishment, kept as an enforcement clause after a deal.

Source: Singh (2016): "John Kerry needs an 'or else' to deliver to Moscow" (safe zones, strikes on the regime);
George (1991), *Forceful Persuasion*: the ultimatum (a demand, a time limit, a credible threat of punishment) as the
strongest form of coercive diplomacy, and the 'gradual turning of the screw' when it is renewed; UNSCR 2118 (2013)
for a threat kept to enforce a deal.
"""

from dataclasses import dataclass

import numpy as np

from agents.actions import Actions
from agents.observation import Observation
from agents.strategies.base import Strategy
from agents.strategies.moves import ultimatum
from agents.strategies.params import Params, flag, whole


@dataclass(frozen=True)
class UltimatumParams(Params):
    deadline: int | None = whole(None, 1, 26, "weeks from the ultimatum to its deadline; the rules read one deadline "
                                 "per run, so setting it sets the run's threat_period", search=(2, 8),
                                 mechanism="threat_period")
    enforce: bool = flag(True, "the threat stays in force after a deal as an enforcement clause against breakers")
    ultimatums: int = whole(0, 0, 52, "how many ultimatums it issues in a run (0: a new one after every deadline)",
                            search=(0, 4))


def check_deadline(strategy: Strategy, obs: Observation) -> None:
    """The run's `threat_period` must be the deadline the strategy was given (`model.assignment` sets it)."""
    deadline = strategy.params.deadline
    if deadline is not None and np.any(obs.param("threat_period") != deadline):
        raise ValueError(f"{strategy.name}.deadline={deadline}: the run's threat_period is "
                         f"{obs.param('threat_period')[0]:g}; build runs through model.assignment.rule_overrides")


def ultimatum_moves(strategy: Strategy, obs: Observation, actions: Actions) -> None:
    """Issue an ultimatum when none is pending and no deal is in force, up to `ultimatums` in a run (counted from
    the world's record of ultimatums actually issued); declare it an enforcement clause if `enforce`."""
    check_deadline(strategy, obs)
    memory = strategy.recall(obs, issued=np.zeros(obs.batch))
    memory["issued"] += obs.world.event("threatened")[:, obs.me] > 0.5  # last week's, as it happened
    strategy.remember(memory)
    limit = strategy.params.ultimatums
    allowed = memory["issued"] < limit if limit > 0 else np.ones(obs.batch, dtype=bool)
    actions.threaten = ultimatum(obs) & allowed
    actions.enforce = actions.threaten & strategy.params.enforce


class OrElse(Strategy):
    """Keeps its demands (its terms) and issues an ultimatum when none is pending and no deal is in force: a deal by
    `deadline` weeks, or a strike. At the deadline the rules strike or back down by its own cost comparison (what
    the strike wins it plus the audience cost it avoids, against `strike_cost`); with `enforce`, once a deal is
    signed the threat stays in force as an enforcement clause against whoever breaks it. With `ultimatums` = 1 it
    is a single ultimatum; 0 renews it after every deadline (the turning of the screw)."""

    name = "or_else"
    description = "an ultimatum: its terms, a deadline, a strike if unmet (by its own cost comparison); kept to enforce a deal"
    classifier = {"coerces": True, "concedes": False, "links": False, "uses_force": True,
                  "stochastic": False, "memory": 1, "for": "any"}
    Params = UltimatumParams

    def decide(self, obs: Observation) -> Actions:
        actions = Actions.hold(obs.batch, obs.n_issues)
        ultimatum_moves(self, obs, actions)
        return actions
