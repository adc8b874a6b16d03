"""`disengage`: withdraw from the talks and the theatre (the 'let the region sort itself out' option).

Source: the 2016 debate on US disengagement from Syria (e.g. Singh 2016 on Washington's unwillingness to act);
Hirschman (1970) on exit as the alternative to voice. The rules take a withdrawn actor out of the talks and the
fighting for good: it is no longer a signatory, so with one veto player left no ceasefire can be signed (no party
signs one with itself), and the other side's strategies stop conceding, linking, sanctioning or threatening toward
it (`agents.strategies.moves`: nothing is offered to a counterpart that has left).
"""

from dataclasses import dataclass

from agents.actions import Actions
from agents.observation import Observation
from agents.strategies.base import Strategy
from agents.strategies.params import Params, whole


@dataclass(frozen=True)
class DisengageParams(Params):
    after: int = whole(1, 1, 520, "the week it withdraws if no ceasefire is in force by then (1: at once)",
                       search=(1, 26))


class Disengage(Strategy):
    """Holds its demands until week `after`; then, unless a ceasefire is in force, withdraws for good: no force, no
    veto over a deal, no threats."""

    name = "disengage"
    description = "withdraws from talks and theatre; no one bargains with it afterwards"
    classifier = {"coerces": False, "concedes": False, "links": False, "uses_force": False,
                  "stochastic": False, "memory": 0, "for": "any"}
    Params = DisengageParams

    def decide(self, obs: Observation) -> Actions:
        actions = Actions.hold(obs.batch, obs.n_issues)
        actions.withdraw = (obs.turn >= self.params.after) & ~obs.in_ceasefire & obs.engaged(obs.me)
        return actions
