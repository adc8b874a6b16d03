"""`linkage`: a quid pro quo: offer a concession the other side values (sanctions relief) in exchange for a move on
what one values, and take it back if the move does not come.

Source: Singh (2016) and the WSJ editorial it cites: Moscow may seek "a lifting of U.S. and European sanctions";
Tollison & Willett (1979) and Sebenius (1983) on issue linkage as a way to widen the bargaining range; Fisher & Ury
(1981) and Pruitt (1981) on conditional offers (an offer that lapses unless reciprocated).
"""

from dataclasses import dataclass

import numpy as np

from agents.actions import Actions
from agents.observation import Observation
from agents.strategies.base import Strategy
from agents.strategies.moves import affordable, distance_from, linked_concession, take_back, value_to
from agents.strategies.params import Params, number, whole

_EPS = 1e-9


@dataclass(frozen=True)
class LinkageParams(Params):
    step: float | None = number(None, 0.0, 1.0, "size of each linked offer (issue units)", search=(0.05, 0.5),
                                mechanism="concession_step")
    patience: int = whole(4, 1, 26, "weeks it waits for the counterpart to reciprocate before taking the offer back "
                          "(and then before offering again)", search=(2, 8))
    reciprocity: float = number(1.0, 0.0, 4.0, "what the counterpart's move must be worth to it, as a multiple of what "
                                "its offer costs it (0: the offer stands whatever happens)", search=(0.0, 2.0))
    limit: float = number(1.0, 0.0, 1.0, "the furthest its linked concessions go from its ideal (1: full relief)",
                          search=(0.2, 1.0))


class Linkage(Strategy):
    """Each week without a deal and with no offer outstanding, it offers a linked concession of `step` on the issue
    outside the talks the counterpart values most relative to itself (sanctions relief), and notes how far the
    counterpart's demands are from its own ideal. If within `patience` weeks the counterpart moves toward it by at
    least `reciprocity` x what the offer costs it (its own salience-weighted value of the move), the offer stands
    and it offers the next one; otherwise it takes the offer back and waits `patience` weeks before offering again.
    It holds its other demands, never threatens, never fights."""

    name = "linkage"
    description = "quid pro quo: offers a linked concession (sanctions relief) for a move on what it values; takes it back if none comes"
    classifier = {"coerces": False, "concedes": True, "links": True, "uses_force": False,
                  "stochastic": False, "memory": 2, "for": "any"}
    Params = LinkageParams

    def decide(self, obs: Observation) -> Actions:
        actions = Actions.hold(obs.batch, obs.n_issues)
        p = self.params
        them, turn = obs.counterpart, obs.turn
        mem = self.recall(obs, offered_at=np.full(obs.batch, -1.0), distance=np.zeros(obs.batch),
                          price=np.zeros(obs.batch), cooling_until=np.zeros(obs.batch),
                          pending=np.zeros((obs.batch, obs.n_issues)))
        talking = ~obs.in_ceasefire & obs.counterpart_engaged
        outstanding = mem["offered_at"] >= 0
        # A deal (or the counterpart's exit) settles whatever was outstanding.
        settled = outstanding & ~talking
        mem["offered_at"][settled] = -1.0
        mem["pending"][settled] = 0.0
        outstanding &= talking

        got = mem["distance"] - distance_from(obs, them, obs.me)  # how far they came toward me since the offer
        reciprocated = outstanding & (got >= p.reciprocity * mem["price"] - _EPS)
        expired = outstanding & ~reciprocated & (turn - mem["offered_at"] >= p.patience)
        link = np.zeros((obs.batch, obs.n_issues))
        link[expired] = take_back(obs, mem["pending"])[expired]
        mem["cooling_until"][expired] = turn + p.patience
        for done in (reciprocated, expired):
            mem["offered_at"][done] = -1.0
            mem["pending"][done] = 0.0

        offer_now = talking & (mem["offered_at"] < 0) & ~expired & (turn >= mem["cooling_until"])
        step = np.where(offer_now, self.value(obs, "step"), 0.0)
        offer = affordable(obs, linked_concession(obs, step, p.limit))  # an offer its pain cannot pay is not made
        offer[~offer_now] = 0.0
        made = offer_now & (np.abs(offer).sum(axis=1) > _EPS)
        link[made] = offer[made]
        mem["pending"][made] = offer[made]
        mem["offered_at"][made] = turn
        mem["distance"][made] = distance_from(obs, them, obs.me)[made]
        mem["price"][made] = -value_to(obs, obs.me, offer)[made]
        self.remember(mem)
        actions.link = link
        return actions
