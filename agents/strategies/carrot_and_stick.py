"""`carrot_and_stick`: conditional carrots (given when the other side complies) with the `or_else` stick.

Source: Singh (2016): to break a stalemate one must "sweeten their offer or try to worsen the other side's
alternatives"; George (1991) on 'carrot and stick' variants of coercive diplomacy, where the carrot rewards
compliance rather than buying it in advance.
"""

from dataclasses import dataclass

import numpy as np

from agents.actions import Actions
from agents.observation import Observation
from agents.strategies.base import Strategy
from agents.strategies.moves import concession, linked_concession, only_without_deal
from agents.strategies.or_else import UltimatumParams, ultimatum_moves
from agents.strategies.params import number, option


@dataclass(frozen=True)
class CarrotAndStickParams(UltimatumParams):
    step: float | None = number(None, 0.0, 1.0, "size of each carrot (issue units)", search=(0.05, 0.5),
                                mechanism="concession_step")
    carrot: str = option("linked", ("linked", "concession"), "what a carrot is: a linked sweetener (sanctions "
                         "relief) or a step on what the counterpart values most")
    compliance: float = number(0.0, 0.0, 1.0, "how far the counterpart must have moved its demands last week to "
                               "earn a carrot (issue units; any move when 0)", search=(0.0, 0.1))


class CarrotAndStick(Strategy):
    """The `or_else` stick (an ultimatum with a deadline, kept as an enforcement clause after a deal), and carrots
    given only on compliance: in a week after the counterpart moved its demands by more than `compliance`, a carrot
    of `step` (a linked sweetener, or a concession on what the counterpart values most). No carrot for nothing."""

    name = "carrot_and_stick"
    description = "an ultimatum kept as enforcement, plus carrots (linked sweeteners) given only when the other side moves"
    classifier = {"coerces": True, "concedes": True, "links": True, "uses_force": True,
                  "stochastic": False, "memory": 1, "for": "any"}
    Params = CarrotAndStickParams

    def decide(self, obs: Observation) -> Actions:
        actions = Actions.hold(obs.batch, obs.n_issues)
        complied = obs.conceded(obs.counterpart) > max(self.params.compliance, 1e-9)
        step = np.where(complied, self.value(obs, "step"), 0.0)
        if self.params.carrot == "linked":
            actions.link = only_without_deal(obs, linked_concession(obs, step))
        else:
            actions.concede = only_without_deal(obs, concession(obs, step))
        ultimatum_moves(self, obs, actions)
        return actions
