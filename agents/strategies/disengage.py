"""`disengage`: withdraw from the talks and the theatre (the 'let the region sort itself out' option)."""

import numpy as np

from agents.actions import Actions
from agents.observation import Observation
from agents.strategies.base import Strategy


class Disengage(Strategy):
    """Withdraws at its first turn: no force, no veto over the deal, no threats."""

    name = "disengage"
    description = "withdraws from talks and theatre"
    classifier = {"coerces": False, "concedes": False, "links": False, "uses_force": False,
                  "stochastic": False, "memory": 0, "for": "any"}

    def decide(self, obs: Observation) -> Actions:
        actions = Actions.hold(obs.batch, obs.n_issues)
        actions.withdraw = np.ones(obs.batch, dtype=bool)
        return actions
