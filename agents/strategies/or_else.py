"""`or_else`: George's ultimatum: terms, a deadline, and punishment, kept as an enforcement clause after a deal.

Source: Singh (2016): "John Kerry needs an 'or else' to deliver to Moscow" (safe zones, strikes on the regime);
George (1991), *Forceful Persuasion*: the ultimatum (a demand, a time limit, a credible threat of punishment) as the
strongest form of coercive diplomacy; UNSCR 2118 (2013) for a threat kept to enforce a deal.
"""

from agents.actions import Actions
from agents.observation import Observation
from agents.strategies.base import Strategy
from agents.strategies.moves import ultimatum


class OrElse(Strategy):
    """Keeps its demands and issues an ultimatum whenever none is pending and no deal is in force; at the deadline
    the rules strike or back down by its own cost comparison; once a deal is signed, the threat stays in force
    as an enforcement clause against whoever breaks it."""

    name = "or_else"
    description = "an ultimatum: its terms, a deadline, a strike if unmet (by its own cost comparison); kept to enforce a deal"
    classifier = {"coerces": True, "concedes": False, "links": False, "uses_force": True,
                  "stochastic": False, "memory": 1, "for": "any"}

    def decide(self, obs: Observation) -> Actions:
        actions = Actions.hold(obs.batch, obs.n_issues)
        actions.threaten = ultimatum(obs)
        actions.enforce = actions.threaten.copy()
        return actions
