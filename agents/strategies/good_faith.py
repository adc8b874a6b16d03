"""`good_faith`: bargain in earnest: a step of concession each turn the other side did not press, never escalating.

Source: reciprocity in negotiation (Pruitt 1981; Axelrod 1984); it differs from `tit_for_tat` in opening with a
concession and never escalating above ordinary fighting. It sees strikes and supplies, not only battlefield
escalation: a counterpart outside the camps presses with those.
"""

from dataclasses import dataclass

import numpy as np

from agents.actions import Actions
from agents.observation import Observation
from agents.strategies.base import Strategy
from agents.strategies.moves import concession, only_without_deal, ordinary_fighting
from agents.strategies.params import Params, flag, number


@dataclass(frozen=True)
class GoodFaithParams(Params):
    step: float | None = number(None, 0.0, 1.0, "how far it concedes each week the other side did not press",
                                search=(0.02, 1.0), mechanism="concession_step")
    threats_count: bool = flag(False, "an ultimatum alone also stops its concessions (not only strikes, escalation, "
                               "supplies and sanctions)")


class GoodFaith(Strategy):
    """Concedes `step` each turn unless the counterpart pressed last turn: escalated or struck (a strike counts even
    from a party that does not fight), supplied its clients, sanctioned it, or (if `threats_count`) issued an
    ultimatum. Fights only at ordinary intensity."""

    name = "good_faith"
    description = "reciprocates: concedes a step each turn the other side did not press (strikes included); never escalates"
    classifier = {"coerces": False, "concedes": True, "links": False, "uses_force": False,
                  "stochastic": False, "memory": 1, "for": "any"}
    Params = GoodFaithParams

    def decide(self, obs: Observation) -> Actions:
        them = obs.counterpart
        actions = Actions.hold(obs.batch, obs.n_issues)
        hostile = obs.pressed(them, threats=self.params.threats_count)
        actions.escalate = ordinary_fighting(obs)
        step = np.where(hostile, 0.0, self.value(obs, "step"))
        actions.concede = only_without_deal(obs, concession(obs, step))
        return actions
