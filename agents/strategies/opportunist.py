"""`opportunist`: fight with one's camp, keep one's demands; accept or spoil by the BATNA test alone.

The default for parties that are not at the table: clients (the regime, the armed opposition) and bystanders.
Whether it breaks a ceasefire is decided by the model's BATNA test for spoilers (`model.rules.ceasefire`).
"""

from agents.actions import Actions
from agents.observation import Observation
from agents.strategies.base import Strategy
from agents.strategies.moves import ordinary_fighting


class Opportunist(Strategy):
    """Fights at ordinary intensity while there is no ceasefire; never concedes or threatens."""

    name = "opportunist"
    description = "fights with its camp, accepts when the deal beats its alternative, spoils when it does not"
    classifier = {"coerces": False, "concedes": False, "links": False, "uses_force": True,
                  "stochastic": False, "memory": 0, "for": "any"}

    def decide(self, obs: Observation) -> Actions:
        actions = Actions.hold(obs.batch, obs.n_issues)
        actions.escalate = ordinary_fighting(obs)
        return actions
