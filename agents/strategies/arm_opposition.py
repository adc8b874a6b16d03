"""`arm_opposition`: worsen the other camp's alternative by supplying one's clients, at a cost, without a threat.

Source: the 2013-2017 CIA 'Timber Sycamore' programme, and the 2016 debate on giving the opposition more capable
weapons; it raises the client's force and so lowers the other camp's chance to prevail. Supplies cost the supplier
(`supply_cost` a week) and invite counter-supply (Russia's answer under `force_backed_diplomacy`).
"""

from dataclasses import dataclass

import numpy as np

from agents.actions import Actions
from agents.observation import Observation
from agents.strategies.base import Strategy
from agents.strategies.moves import shipping_week
from agents.strategies.params import Params, flag, number


@dataclass(frozen=True)
class ArmOppositionParams(Params):
    share: float = number(1.0, 0.05, 1.0, "share of weeks it ships supplies (each shipment adds the mechanism's "
                          "supply_rate of a client's force and costs supply_cost)", search=(0.25, 1.0))
    in_truce: bool = flag(False, "keeps supplying while a ceasefire holds")


class ArmOpposition(Strategy):
    """Supplies its clients in a `share` of the weeks without a ceasefire (evenly spread), and under a ceasefire too
    if `in_truce`; keeps its demands; no threat. Each shipment costs it `supply_cost` (the rules)."""

    name = "arm_opposition"
    description = "supplies its clients at a cost (inviting counter-supply), without a threat"
    classifier = {"coerces": True, "concedes": False, "links": False, "uses_force": False,
                  "stochastic": False, "memory": 0, "for": "any"}
    Params = ArmOppositionParams

    def decide(self, obs: Observation) -> Actions:
        actions = Actions.hold(obs.batch, obs.n_issues)
        when = np.ones(obs.batch, dtype=bool) if self.params.in_truce else ~obs.in_ceasefire
        actions.supply = when & shipping_week(obs, self.params.share) & obs.has_clients
        return actions
