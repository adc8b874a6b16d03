"""`force_backed_diplomacy`: limited escalation while one's alternative beats the deal, sanctions until a deal; concede only when the deal beats the alternative.

Source: Singh (2016): Russia "has taken the more effective, if brutal, approach of backing its diplomacy with
limited force to worsen U.S. options". Where the counterpart is not an enemy in the field (Turkey in 2016), the
pressure is economic: sanctions instead of force. It answers supplies to the other camp with supplies to its own
(Russia's resupply of the regime in 2015-2016).
"""

from dataclasses import dataclass

import numpy as np

from agents.actions import Actions
from agents.observation import Observation
from agents.strategies.base import Strategy
from agents.strategies.moves import concession, only_without_deal, ordinary_fighting
from agents.strategies.params import Params, flag, number


@dataclass(frozen=True)
class ForceBackedParams(Params):
    escalation: float | None = number(None, 0.5, 1.0, "intensity of its limited force while pressing",
                                      search=(0.5, 1.0), mechanism="limited_escalation")
    step: float | None = number(None, 0.0, 1.0, "how far it concedes in a week when the deal beats its alternative",
                                search=(0.02, 1.0), mechanism="concession_step")
    counter_supply: bool = flag(True, "answers supplies to the other camp by supplying its own clients")
    sanctions: bool = flag(True, "sanctions a counterpart it does not fight until a deal is signed (if its sanctions hurt)")


class ForceBackedDiplomacy(Strategy):
    """While its alternative beats the deal on offer (its margin is negative): fights at `escalation` and keeps its
    demands. Otherwise: ordinary fighting and a step of concession. A counterpart it does not fight it sanctions
    until a deal is signed (the deal lifts them). Counter-supply: in the week after the other side supplied its clients, it supplies its own.
    It presses no one who has left the talks."""

    name = "force_backed_diplomacy"
    description = "limited escalation while its alternative beats the deal, sanctions until a deal; concedes only when the deal beats its alternative"
    classifier = {"coerces": True, "concedes": True, "links": False, "uses_force": True,
                  "stochastic": False, "memory": 0, "for": "RUS"}
    Params = ForceBackedParams

    def decide(self, obs: Observation) -> Actions:
        p = self.params
        actions = Actions.hold(obs.batch, obs.n_issues)
        pressing = obs.prefers_no_deal & ~obs.in_ceasefire
        fights_counterpart = bool(obs.world.enemy[obs.me, obs.counterpart])
        if obs.has_enemies:
            actions.escalate = np.where(pressing, self.value(obs, "escalation"), ordinary_fighting(obs))
        if not fights_counterpart and p.sanctions:
            can = obs.can_sanction
            # Sanctions are a bargaining chip: kept on until a deal is signed (which lifts them), as Russia kept its
            # measures against Turkey until the apology (CASES.md), not lifted the week a deal looks good.
            keep_on = ~obs.in_ceasefire & can & obs.counterpart_engaged
            actions.sanction = np.where(keep_on, 1.0, np.where(can, -1.0, 0.0))
        if p.counter_supply:
            supplied_them = obs.world.event("supplying")[:, obs.counterpart] > 0.5
            actions.supply = supplied_them & ~obs.in_ceasefire & obs.has_clients
        step = np.where(pressing, 0.0, self.value(obs, "step"))
        actions.concede = only_without_deal(obs, concession(obs, step))
        return actions
