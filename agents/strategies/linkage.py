"""`linkage`: sweeten the offer with a concession the other side values more than oneself (sanctions relief).

Source: Singh (2016) and the WSJ editorial it cites: Moscow may seek "a lifting of U.S. and European sanctions";
Tollison & Willett (1979) and Sebenius (1983) on issue linkage as a way to widen the bargaining range.
"""

from agents.actions import Actions
from agents.observation import Observation
from agents.strategies.base import Strategy
from agents.strategies.moves import linked_concession, only_without_deal


class Linkage(Strategy):
    """Each turn without a deal, concede `concession_step` on the issue with the highest ratio of the
    counterpart's salience to its own; hold the rest."""

    name = "linkage"
    description = "sweetens the offer with a linked concession the other side values more (sanctions relief), holding the rest"
    classifier = {"coerces": False, "concedes": True, "links": True, "uses_force": False,
                  "stochastic": False, "memory": 0, "for": "any"}

    def decide(self, obs: Observation) -> Actions:
        actions = Actions.hold(obs.batch, obs.n_issues)
        actions.link = only_without_deal(obs, linked_concession(obs, obs.param("concession_step")))
        return actions
