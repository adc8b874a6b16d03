"""`tit_for_tat`: mirror the counterpart's last move: escalation for escalation, concession for concession.

Source: Axelrod (1984), The Evolution of Cooperation: nice (never the first to escalate), retaliatory, forgiving.
"""

import numpy as np

from agents.actions import Actions
from agents.observation import Observation
from agents.strategies.base import Strategy
from agents.strategies.moves import concession, only_without_deal


class TitForTat(Strategy):
    """Escalates all-out in the turn after the counterpart fought above ordinary intensity; concedes as far as
    the counterpart conceded last turn; otherwise holds."""

    name = "tit_for_tat"
    description = "mirrors the other side's last move: escalation for escalation, concession for concession"
    classifier = {"coerces": True, "concedes": True, "links": False, "uses_force": True,
                  "stochastic": False, "memory": 1, "for": "any"}

    def decide(self, obs: Observation) -> Actions:
        world, them = obs.world, obs.counterpart
        actions = Actions.hold(obs.batch, obs.n_issues)
        escalated = world.intensity[:, them] > obs.param("war_intensity") + 1e-9
        if obs.has_enemies:
            actions.escalate = np.where(escalated & ~obs.in_ceasefire, obs.param("escalation_intensity"), 0.0)
        actions.concede = only_without_deal(obs, concession(obs, world.concession[:, them]))
        return actions
