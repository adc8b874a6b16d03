"""`tit_for_tat`: mirror the counterpart's last move with the instruments one has.

Source: Axelrod (1984), The Evolution of Cooperation: nice (never the first to escalate), retaliatory, forgiving.
"""

import numpy as np

from agents.actions import Actions
from agents.observation import Observation
from agents.strategies.base import Strategy
from agents.strategies.moves import concession, only_without_deal, ordinary_fighting


class TitForTat(Strategy):
    """Nice: never the first to press. Retaliatory: in the week after the counterpart escalated (or struck), it
    answers with what it has: all-out fighting if it has enemies in the field, otherwise sanctions (if it can
    impose any), supplies to its clients and an ultimatum. Forgiving: it lifts its sanctions and stops supplying in
    the first week the counterpart does not escalate. It concedes as far as the counterpart conceded last week."""

    name = "tit_for_tat"
    description = "mirrors the other side's last move with its own instruments: pressure for escalation, concession for concession"
    classifier = {"coerces": True, "concedes": True, "links": False, "uses_force": True,
                  "stochastic": False, "memory": 1, "for": "any"}

    def decide(self, obs: Observation) -> Actions:
        world, them = obs.world, obs.counterpart
        actions = Actions.hold(obs.batch, obs.n_issues)
        provoked = obs.escalated(them) & ~obs.in_ceasefire
        if obs.has_enemies:
            actions.escalate = np.where(provoked, obs.param("escalation_intensity"), ordinary_fighting(obs))
        else:
            can_sanction = world.sanction_harm[:, obs.me] > 0
            actions.sanction = np.where(provoked & can_sanction, 1.0, np.where(can_sanction, -1.0, 0.0))
            actions.supply = provoked.copy()
            actions.threaten = provoked & (world.threat_deadline[:, obs.me] < 0)
        actions.concede = only_without_deal(obs, concession(obs, world.concession[:, them]))
        return actions
