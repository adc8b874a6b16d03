"""`carrot_and_stick`: `linkage` and `or_else` together: sweeten the offer and worsen the alternative at once.

Source: Singh (2016): to break a stalemate one must "sweeten their offer or try to worsen the other side's
alternatives"; George (1991) on 'carrot and stick' variants of coercive diplomacy.
"""

import numpy as np

from agents.actions import Actions
from agents.observation import Observation
from agents.strategies.base import Strategy
from agents.strategies.moves import linked_concession, only_without_deal, ultimatum


class CarrotAndStick(Strategy):
    """The `or_else` stick (ultimatum, kept as enforcement), and conditional carrots: a linked concession only in a
    week after the counterpart moved toward it (compliance rewarded, not given away)."""

    name = "carrot_and_stick"
    description = "an ultimatum kept as enforcement, plus linked sweeteners given only when the other side moves"
    classifier = {"coerces": True, "concedes": True, "links": True, "uses_force": True,
                  "stochastic": False, "memory": 1, "for": "any"}

    def decide(self, obs: Observation) -> Actions:
        actions = Actions.hold(obs.batch, obs.n_issues)
        complied = obs.world.concession[:, obs.counterpart] > 1e-9
        step = np.where(complied, obs.param("concession_step"), 0.0)
        actions.link = only_without_deal(obs, linked_concession(obs, step))
        actions.threaten = ultimatum(obs)
        actions.enforce = actions.threaten.copy()
        return actions
