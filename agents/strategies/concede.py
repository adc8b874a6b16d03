"""`concede`: soften one's demands a step at a time toward the other side, with no threat (the US course in 2016).

Source: Singh (2016): "Mr. Kerry has had little choice but to soften the U.S. position in hopes that Russia bites."
"""

from dataclasses import dataclass

from agents.actions import Actions
from agents.observation import Observation
from agents.strategies.base import Strategy
from agents.strategies.moves import concession, only_without_deal
from agents.strategies.params import Params, number


@dataclass(frozen=True)
class ConcedeParams(Params):
    step: float | None = number(None, 0.0, 1.0, "how far it retreats each week without a deal (issue units)",
                                search=(0.02, 1.0), mechanism="concession_step")
    limit: float = number(1.0, 0.0, 1.0, "the furthest its demand goes from its ideal on any issue (1: all the way)",
                          search=(0.1, 1.0))


class Concede(Strategy):
    """Each turn without a deal, move `step` toward the counterpart on what the counterpart values most, never
    further than `limit` from its own ideal; no threat, no force."""

    name = "concede"
    description = "softens its demands a step toward the other side on what it values most; no threat (the 2016 US course)"
    classifier = {"coerces": False, "concedes": True, "links": False, "uses_force": False,
                  "stochastic": False, "memory": 0, "for": "any"}
    Params = ConcedeParams

    def decide(self, obs: Observation) -> Actions:
        actions = Actions.hold(obs.batch, obs.n_issues)
        actions.concede = only_without_deal(obs, concession(obs, self.value(obs, "step"), self.params.limit))
        return actions
