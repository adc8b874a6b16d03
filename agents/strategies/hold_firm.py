"""`hold_firm`: keep one's demands; no threat, no force. The baseline of doing nothing."""

from agents.actions import Actions
from agents.observation import Observation
from agents.strategies.base import Strategy


class HoldFirm(Strategy):
    """Keeps its demands every turn; never threatens, never fights."""

    name = "hold_firm"
    description = "keeps its demands; no threat, no force"
    classifier = {"coerces": False, "concedes": False, "links": False, "uses_force": False,
                  "stochastic": False, "memory": 0, "for": "any"}

    def decide(self, obs: Observation) -> Actions:
        return Actions.hold(obs.batch, obs.n_issues)
