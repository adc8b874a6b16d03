"""What a strategy sees: the snapshot of the world at the start of a turn, from one actor's seat.

Strategies read arrays (leading run dimension) and never the engine's rules: all actors decide from the same
snapshot before any action applies (two phases, DESIGN section 3). The world is only a type hint here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from model.world import World

@dataclass(frozen=True)
class Observation:
    """The snapshot `world` seen by actor `me` on turn `turn` (read-only by convention)."""

    world: World
    me: int

    @property
    def turn(self) -> int:
        return self.world.turn

    @property
    def batch(self) -> int:
        return self.world.batch

    @property
    def n_issues(self) -> int:
        return len(self.world.issue_ids)

    @property
    def counterpart(self) -> int:
        return int(self.world.counterpart[self.me])

    @property
    def in_ceasefire(self) -> np.ndarray:
        """(B,) a ceasefire is in force."""
        return self.world.ceasefire

    @property
    def prefers_no_deal(self) -> np.ndarray:
        """(B,) my margin for the deal at stake is negative (as I judged it last turn)."""
        return self.world.margin[:, self.me] < 0.0

    @property
    def has_enemies(self) -> bool:
        return bool(self.world.enemy[self.me].any())

    @property
    def counterpart_engaged(self) -> np.ndarray:
        """(B,) my counterpart is still in the talks."""
        return self.world.engaged[:, self.counterpart]

    def escalated(self, actor: int) -> np.ndarray:
        """(B,) `actor` fought above ordinary intensity or carried out a strike last turn."""
        world = self.world
        above = world.intensity[:, actor] > world.p["war_intensity"] + 1e-9
        return above | (world.event("struck")[:, actor] > 0.5)

    def pressed(self, actor: int, threats: bool = True) -> np.ndarray:
        """(B,) `actor` put pressure on me last turn: escalated or struck, supplied its clients, is sanctioning me,
        or (if `threats`) issued an ultimatum: the moves a reciprocating strategy answers in kind."""
        world = self.world
        sanctioning_me = (world.sanctioning[:, actor] > 0.5) & (int(world.counterpart[actor]) == self.me)
        out = self.escalated(actor) | (world.event("supplying")[:, actor] > 0.5) | sanctioning_me
        if threats:
            out |= world.event("threatened")[:, actor] > 0.5
        return out

    def conceded(self, actor: int) -> np.ndarray:
        """(B,) how far `actor` moved its public demands last turn (sum over issues)."""
        return self.world.concession[:, actor]

    def engaged(self, actor: int) -> np.ndarray:
        """(B,) `actor` is still in the talks and the theatre (it has not withdrawn)."""
        return self.world.engaged[:, actor]

    @property
    def threat_pending(self) -> np.ndarray:
        """(B,) an ultimatum of mine is waiting for its deadline."""
        return self.world.threat_deadline[:, self.me] >= 0

    @property
    def can_sanction(self) -> np.ndarray:
        """(B,) sanctions of mine would hurt my counterpart (it has `sanction_harm` > 0)."""
        return self.world.sanction_harm[:, self.me] > 0

    @property
    def has_clients(self) -> bool:
        """Some actor's patron is me (so supplies reach someone)."""
        return bool((self.world.patron == self.me).any())

    def param(self, name: str) -> np.ndarray:
        """A parameter, one value per run (B,)."""
        return self.world.p[name]

    def uniform(self, draw: int = 0) -> np.ndarray:
        """(B,) uniform draws from this actor's own stream, keyed by run, turn and `draw`."""
        return self.world.strategy_uniform(self.me, draw)
