"""`stall`: keep the talks alive with token moves while the war goes on.

Source: Singh (2016): Russia "may also seek to keep U.S. hopes of a deal flickering to prevent Mr. Obama from
adopting a more muscular policy".
"""

from agents.actions import Actions
from agents.observation import Observation
from agents.strategies.base import Strategy
from agents.strategies.moves import concession, only_without_deal, ordinary_fighting


class Stall(Strategy):
    """Fights at ordinary intensity; concedes `token_step` each turn without a deal."""

    name = "stall"
    description = "keeps talks alive with token moves while fighting on"
    classifier = {"coerces": False, "concedes": True, "links": False, "uses_force": True,
                  "stochastic": False, "memory": 0, "for": "RUS"}

    def decide(self, obs: Observation) -> Actions:
        actions = Actions.hold(obs.batch, obs.n_issues)
        actions.escalate = ordinary_fighting(obs)
        actions.concede = only_without_deal(obs, concession(obs, obs.param("token_step")))
        return actions
