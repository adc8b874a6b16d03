"""The strategy registry: one list. Adding a strategy is one file, one line here, and it is tested for free.

`tests/test_strategies.py` runs a shared test base over everything in `STRATEGIES` (determinism under a seed,
pickling, reset, and its behaviour against scripted opponents as its description says).
"""

from __future__ import annotations

from agents.strategies.arm_opposition import ArmOpposition
from agents.strategies.base import Strategy
from agents.strategies.carrot_and_stick import CarrotAndStick
from agents.strategies.concede import Concede
from agents.strategies.disengage import Disengage
from agents.strategies.force_backed_diplomacy import ForceBackedDiplomacy
from agents.strategies.good_faith import GoodFaith
from agents.strategies.hold_firm import HoldFirm
from agents.strategies.linkage import Linkage
from agents.strategies.opportunist import Opportunist
from agents.strategies.or_else import OrElse
from agents.strategies.stall import Stall
from agents.strategies.tit_for_tat import TitForTat

STRATEGIES: list[type[Strategy]] = [
    Concede,
    HoldFirm,
    OrElse,
    Linkage,
    CarrotAndStick,
    TitForTat,
    ArmOpposition,
    Disengage,
    ForceBackedDiplomacy,
    Stall,
    GoodFaith,
    Opportunist,
]

US_STRATEGIES: tuple[str, ...] = (
    "concede", "hold_firm", "or_else", "linkage", "carrot_and_stick", "tit_for_tat", "arm_opposition", "disengage",
)
"""The US options DESIGN section 4 compares."""

RUSSIA_STRATEGIES: tuple[str, ...] = ("force_backed_diplomacy", "stall", "good_faith")

_BY_NAME = {s.name: s for s in STRATEGIES}


def names() -> list[str]:
    return list(_BY_NAME)


def get(name: str) -> Strategy:
    """A fresh instance of the registered strategy `name` (KeyError if unknown)."""
    return _BY_NAME[name]()


__all__ = ["STRATEGIES", "US_STRATEGIES", "RUSSIA_STRATEGIES", "Strategy", "get", "names"]
