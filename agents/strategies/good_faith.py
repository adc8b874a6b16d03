"""`good_faith`: bargain in earnest: a full step of concession each turn the other side did not escalate.

Source: reciprocity in negotiation (Pruitt 1981; Axelrod 1984); it differs from `tit_for_tat` in opening with a
concession and never escalating above ordinary fighting.
"""

import numpy as np

from agents.actions import Actions
from agents.observation import Observation
from agents.strategies.base import Strategy
from agents.strategies.moves import concession, only_without_deal, ordinary_fighting


class GoodFaith(Strategy):
    """Concedes `concession_step` each turn unless the counterpart escalated or struck last turn; fights only at ordinary
    intensity."""

    name = "good_faith"
    description = "reciprocates: concedes a step each turn the other side did not escalate; never escalates"
    classifier = {"coerces": False, "concedes": True, "links": False, "uses_force": False,
                  "stochastic": False, "memory": 1, "for": "any"}

    def decide(self, obs: Observation) -> Actions:
        actions = Actions.hold(obs.batch, obs.n_issues)
        escalated = obs.escalated(obs.counterpart)  # fighting above ordinary intensity, or a strike
        actions.escalate = ordinary_fighting(obs)
        step = np.where(escalated, 0.0, obs.param("concession_step"))
        actions.concede = only_without_deal(obs, concession(obs, step))
        return actions
