"""`or_else`: demand a ceasefire by a deadline or else punishment, and carry it out with probability `commitment`.

Source: Singh (2016): "John Kerry needs an 'or else' to deliver to Moscow" (safe zones, strikes on the regime);
George (1991) on the ultimatum as the strongest form of coercive diplomacy.
"""

import numpy as np

from agents.actions import Actions
from agents.observation import Observation
from agents.strategies.base import Strategy
from agents.strategies.moves import threat_moves


class OrElse(Strategy):
    """Threatens while there is no ceasefire; at the deadline strikes (all-out, that turn) with probability
    `commitment`, else backs down; renews the threat; keeps its demands."""

    name = "or_else"
    description = "demands a ceasefire by a deadline or else punishment; carries it out with probability `commitment`; renews it"
    classifier = {"coerces": True, "concedes": False, "links": False, "uses_force": True,
                  "stochastic": True, "memory": 1, "for": "any"}

    def decide(self, obs: Observation) -> Actions:
        actions = Actions.hold(obs.batch, obs.n_issues)
        actions.threaten, actions.carry_out, actions.back_down = threat_moves(obs)
        if obs.has_enemies:
            actions.escalate = np.where(actions.carry_out, obs.param("escalation_intensity"), 0.0)
        return actions
