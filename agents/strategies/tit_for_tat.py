"""`tit_for_tat`: mirror the counterpart's last move with the instruments one has.

Source: Axelrod (1984), The Evolution of Cooperation: nice (never the first to press), retaliatory, forgiving;
Nowak & Sigmund (1992) for generous tit-for-tat, which lets a share of provocations pass and so ends the echoes of
retaliation that noise sets off (Axelrod & Dion 1988).
"""

from dataclasses import dataclass

import numpy as np

from agents.actions import Actions
from agents.observation import Observation
from agents.strategies.base import Strategy
from agents.strategies.moves import concession, only_without_deal, ordinary_fighting
from agents.strategies.params import Params, flag, number


@dataclass(frozen=True)
class TitForTatParams(Params):
    generosity: float = number(0.0, 0.0, 1.0, "chance it lets a provocation pass (generous tit-for-tat; 0: always "
                               "retaliates)", search=(0.0, 0.5))
    match: float = number(1.0, 0.0, 2.0, "how far it concedes per unit the counterpart conceded last week",
                          search=(0.5, 1.5))
    threaten: bool = flag(True, "retaliates with an ultimatum (when it has no enemies in the field)")
    sanction: bool = flag(True, "retaliates with sanctions, lifted when forgiven (if its sanctions hurt)")
    supply: bool = flag(True, "retaliates by supplying its clients")
    escalation: float | None = number(None, 0.5, 1.0, "intensity of its retaliation in the field, if it has enemies",
                                      search=None, mechanism="escalation_intensity")


class TitForTat(Strategy):
    """Nice: never the first to press. Retaliatory: in the week after the counterpart pressed (escalated or struck,
    issued an ultimatum, supplied its clients, or sanctioned it), it answers with what it has: all-out fighting if
    it has enemies in the field; otherwise sanctions (if they hurt), supplies to its clients and an ultimatum, as
    its instrument flags allow. Generous: with chance `generosity` a provocation passes (its own stream). Forgiving:
    the first week the counterpart does not press, it lifts its sanctions and stops supplying (an ultimatum already
    issued runs to its deadline). It concedes `match` times as far as the counterpart conceded last week."""

    name = "tit_for_tat"
    description = "mirrors the other side's last move with its own instruments: pressure for pressure, concession for concession"
    classifier = {"coerces": True, "concedes": True, "links": False, "uses_force": True,
                  "stochastic": True, "memory": 1, "for": "any"}
    Params = TitForTatParams

    def decide(self, obs: Observation) -> Actions:
        p = self.params
        them = obs.counterpart
        actions = Actions.hold(obs.batch, obs.n_issues)
        provoked = obs.pressed(them) & ~obs.in_ceasefire & obs.counterpart_engaged
        if p.generosity > 0.0:
            provoked &= obs.uniform(0) >= p.generosity
        if obs.has_enemies:
            actions.escalate = np.where(provoked, self.value(obs, "escalation"), ordinary_fighting(obs))
        else:
            if p.sanction:
                can = obs.can_sanction
                actions.sanction = np.where(provoked & can, 1.0, np.where(can, -1.0, 0.0))
            if p.supply:
                actions.supply = provoked & obs.has_clients
            if p.threaten:
                actions.threaten = provoked & ~obs.threat_pending
        actions.concede = only_without_deal(obs, concession(obs, p.match * obs.conceded(them)))
        return actions
