"""`concede`: soften one's demands a step at a time toward the other side, with no threat (the US course in 2016).

Source: Singh (2016): "Mr. Kerry has had little choice but to soften the U.S. position in hopes that Russia bites."
"""

from agents.actions import Actions
from agents.observation import Observation
from agents.strategies.base import Strategy
from agents.strategies.moves import concession, only_without_deal


class Concede(Strategy):
    """Each turn without a deal, move `concession_step` toward the counterpart on what it values most."""

    name = "concede"
    description = "softens its demands a step toward the other side on what it values most; no threat (the 2016 US course)"
    classifier = {"coerces": False, "concedes": True, "links": False, "uses_force": False,
                  "stochastic": False, "memory": 0, "for": "any"}

    def decide(self, obs: Observation) -> Actions:
        actions = Actions.hold(obs.batch, obs.n_issues)
        actions.concede = only_without_deal(obs, concession(obs, obs.param("concession_step")))
        return actions
