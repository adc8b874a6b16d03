"""The strategy registry: one list. Adding a strategy is one file, one line here, and it is tested for free.

`tests/test_strategies.py` runs a shared test base over everything in `STRATEGIES` (determinism under a seed,
pickling, reset, parameters, and its behaviour against scripted opponents as its description says).

A strategy is built by name with its parameters, `get("or_else", deadline=6)`. Where a run is described by data
(actor id -> strategy name, as `model.assignment` and the engines pass it around), the name may be a `Choice`: a
string equal to the plain name, so every table keyed by names works unchanged, that also carries the parameters
and the tremble share it is built with (`build`).
"""

from __future__ import annotations

from typing import Any

from agents.strategies.arm_opposition import ArmOpposition
from agents.strategies.base import Strategy
from agents.strategies.noise import Trembling
from agents.strategies.params import StrategyParamError, describe_field
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


def strategy_class(name: str) -> type[Strategy]:
    """The registered class `name` (KeyError if unknown)."""
    return _BY_NAME[str(name)]


def get(name: str, **params: Any) -> Strategy:
    """A fresh instance of the registered strategy `name` with `params` (KeyError if the name is unknown,
    StrategyParamError if a parameter is)."""
    return _BY_NAME[str(name)](**params)


class Choice(str):
    """A strategy name with the parameters (and tremble share) to build it with; equal to, and hashing as, the plain
    name. Picklable, immutable by convention.

    Args:
        name: a registered strategy name.
        params: parameter values by name (validated when built; `model.assignment.choose` validates at once).
        noise: the share of its moves that tremble (`agents.strategies.noise`), 0 for none.
    """

    params: tuple[tuple[str, Any], ...]
    noise: float

    def __new__(cls, name: str, params: dict[str, Any] | None = None, noise: float = 0.0) -> Choice:
        obj = super().__new__(cls, str(name))
        obj.params = tuple(sorted((params or {}).items()))
        obj.noise = float(noise)
        return obj

    def __reduce__(self) -> tuple[Any, ...]:
        return (Choice, (str(self), dict(self.params), self.noise))

    @property
    def name(self) -> str:
        return str(self)

    @property
    def label(self) -> str:
        """The name with its parameters, e.g. `or_else(deadline=6)`; the plain name when it has none."""
        inner = ", ".join(f"{k}={_text(v)}" for k, v in self.params)
        return f"{self}({inner})" if inner else str(self)


def label(choice: str) -> str:
    """The label of a strategy given as a name or a `Choice`: `or_else(deadline=6)`, or the plain name."""
    return choice.label if isinstance(choice, Choice) else str(choice)


def _text(value: Any) -> str:
    """A parameter value as a label writes it: short, and read back (`model.assignment.parse_choice`) as the same
    value, so that a label names one strategy exactly (0.15, not 0.15000000000000002 nor a rounded 0.123457)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "default"
    if isinstance(value, float):
        short = f"{value:g}"
        return short if float(short) == value else repr(value)
    return str(value)


def build(choice: str) -> Strategy:
    """A fresh strategy from a name or a `Choice` (with its parameters, wrapped in trembles if it has noise)."""
    params = dict(getattr(choice, "params", ()))
    strategy = get(str(choice), **params)
    noise = getattr(choice, "noise", 0.0)
    return Trembling(strategy, noise) if noise > 0.0 else strategy


def describe() -> list[str]:
    """Lines for `ceasefire strategies`: each strategy, its description, classifier and parameters."""
    lines = []
    for cls in STRATEGIES:
        traits = ", ".join(f"{k}={v}" for k, v in cls.classifier.items())
        lines.append(f"{cls.name:24s} {cls.description}")
        lines.append(f"{'':24s} [{traits}]")
        for f in cls.Params.specs():
            lines.append(f"{'':24s} {cls.name}.{describe_field(f)}")
    return lines


__all__ = ["STRATEGIES", "US_STRATEGIES", "RUSSIA_STRATEGIES", "Choice", "Strategy", "StrategyParamError", "build",
           "describe", "label", "get", "names", "strategy_class"]
