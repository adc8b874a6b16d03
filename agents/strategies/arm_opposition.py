"""`arm_opposition`: worsen the other camp's alternative by supplying one's clients, without a threat.

Source: the 2013-2017 CIA 'Timber Sycamore' programme, and the 2016 debate on giving the opposition more capable
weapons; it raises the client's force and so lowers the other camp's chance to prevail.
"""

import numpy as np

from agents.actions import Actions
from agents.observation import Observation
from agents.strategies.base import Strategy


class ArmOpposition(Strategy):
    """Supplies its clients every turn without a ceasefire; keeps its demands; no threat."""

    name = "arm_opposition"
    description = "worsens the other camp's alternative by supplying its clients, without a threat"
    classifier = {"coerces": True, "concedes": False, "links": False, "uses_force": False,
                  "stochastic": False, "memory": 0, "for": "any"}

    def decide(self, obs: Observation) -> Actions:
        actions = Actions.hold(obs.batch, obs.n_issues)
        actions.supply = ~obs.in_ceasefire & np.ones(obs.batch, dtype=bool)
        return actions
