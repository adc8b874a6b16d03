"""`stall`: keep the talks alive with token moves while the war goes on.

Source: Singh (2016): Russia "may also seek to keep U.S. hopes of a deal flickering to prevent Mr. Obama from
adopting a more muscular policy".
"""

from dataclasses import dataclass

from agents.actions import Actions
from agents.observation import Observation
from agents.strategies.base import Strategy
from agents.strategies.moves import concession, only_without_deal, ordinary_fighting
from agents.strategies.params import Params, number


@dataclass(frozen=True)
class StallParams(Params):
    step: float | None = number(None, 0.0, 0.1, "its token move each week without a deal (issue units)",
                                search=(0.0, 0.03), mechanism="token_step")


class Stall(Strategy):
    """Fights at ordinary intensity; concedes a token `step` each turn without a deal."""

    name = "stall"
    description = "keeps talks alive with token moves while fighting on"
    classifier = {"coerces": False, "concedes": True, "links": False, "uses_force": True,
                  "stochastic": False, "memory": 0, "for": "RUS"}
    Params = StallParams

    def decide(self, obs: Observation) -> Actions:
        actions = Actions.hold(obs.batch, obs.n_issues)
        actions.escalate = ordinary_fighting(obs)
        actions.concede = only_without_deal(obs, concession(obs, self.value(obs, "step")))
        return actions
