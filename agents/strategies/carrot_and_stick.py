"""`carrot_and_stick`: `linkage` and `or_else` together: sweeten the offer and worsen the alternative at once.

Source: Singh (2016): to break a stalemate one must "sweeten their offer or try to worsen the other side's
alternatives"; George (1991) on 'carrot and stick' variants of coercive diplomacy.
"""

import numpy as np

from agents.actions import Actions
from agents.observation import Observation
from agents.strategies.base import Strategy
from agents.strategies.moves import linked_concession, only_without_deal, threat_moves


class CarrotAndStick(Strategy):
    """A linked concession each turn without a deal, plus a renewed 'or else' threat."""

    name = "carrot_and_stick"
    description = "linkage and or_else together: a linked sweetener plus a threat with a deadline"
    classifier = {"coerces": True, "concedes": True, "links": True, "uses_force": True,
                  "stochastic": True, "memory": 1, "for": "any"}

    def decide(self, obs: Observation) -> Actions:
        actions = Actions.hold(obs.batch, obs.n_issues)
        actions.link = only_without_deal(obs, linked_concession(obs, obs.param("concession_step")))
        actions.threaten, actions.carry_out, actions.back_down = threat_moves(obs)
        if obs.has_enemies:
            actions.escalate = np.where(actions.carry_out, obs.param("escalation_intensity"), 0.0)
        return actions
