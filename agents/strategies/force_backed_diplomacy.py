"""`force_backed_diplomacy`: limited escalation while one's alternative beats the deal; concede only when it does not.

Source: Singh (2016): Russia "has taken the more effective, if brutal, approach of backing its diplomacy with
limited force to worsen U.S. options". Where the counterpart is not an enemy in the field (Turkey in 2016), the
pressure is economic: sanctions instead of force.
"""

import numpy as np

from agents.actions import Actions
from agents.observation import Observation
from agents.strategies.base import Strategy
from agents.strategies.moves import concession, only_without_deal, ordinary_fighting


class ForceBackedDiplomacy(Strategy):
    """While its BATNA beats the deal on offer: fights at `limited_escalation` (or sanctions a counterpart it
    does not fight) and keeps its demands. Otherwise: ordinary fighting and a step of concession."""

    name = "force_backed_diplomacy"
    description = "limited escalation (or sanctions) while its alternative beats the deal; concedes only when it does not"
    classifier = {"coerces": True, "concedes": True, "links": False, "uses_force": True,
                  "stochastic": False, "memory": 0, "for": "RUS"}

    def decide(self, obs: Observation) -> Actions:
        actions = Actions.hold(obs.batch, obs.n_issues)
        pressing = obs.prefers_no_deal & ~obs.in_ceasefire
        fights_counterpart = bool(obs.world.enemy[obs.me, obs.counterpart])
        if obs.has_enemies:
            actions.escalate = np.where(pressing, obs.param("limited_escalation"), ordinary_fighting(obs))
        if not fights_counterpart:
            actions.sanction = np.where(pressing & (obs.world.sanction_harm[:, obs.me] > 0), 1.0, 0.0)
        # Counter-supply: it answers supplies to the other camp by supplying its own clients.
        supplied_them = obs.world.event("supplying")[:, obs.counterpart] > 0.5
        actions.supply = supplied_them & ~obs.in_ceasefire
        step = np.where(pressing, 0.0, obs.param("concession_step"))
        actions.concede = only_without_deal(obs, concession(obs, step))
        return actions
