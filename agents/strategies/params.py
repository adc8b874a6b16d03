"""Strategy parameters: each strategy's numbers as named, validated fields with a default, a range and a reason.

A strategy declares its parameters as a frozen dataclass (a subclass of `Params`) whose fields are made with
`number`, `whole`, `flag` or `option`; `ceasefire strategies` lists them, `--strategy-param NAME.FIELD=VALUE` sets
them per run, and `ceasefire optimize` searches their `search` ranges. A field whose default is None takes the
mechanism constant it names (`mechanism`), per run, so varying that constant (sensitivity, calibration) still moves
the strategy that did not set it. Bad values raise `StrategyParamError` with one line naming the strategy, the
parameter and what is allowed (the model turns it into its user error, exit status 2).
"""

from __future__ import annotations

import math
from dataclasses import MISSING, Field, dataclass, field, fields
from typing import Any, ClassVar

TRUE = ("true", "yes", "on", "1")
FALSE = ("false", "no", "off", "0")


class StrategyParamError(ValueError):
    """A strategy parameter that is unknown or out of range (a user error)."""


def number(default: float | None, lo: float, hi: float, doc: str, search: tuple[float, float] | None = None,
           mechanism: str | None = None) -> Any:
    """A real-valued parameter in [lo, hi]; None as default means the mechanism constant `mechanism`."""
    return field(default=default, metadata={"kind": "float", "lo": lo, "hi": hi, "doc": doc,
                                            "search": search, "mechanism": mechanism})


def whole(default: int | None, lo: int, hi: int, doc: str, search: tuple[int, int] | None = None,
          mechanism: str | None = None) -> Any:
    """A whole-number parameter (weeks) in [lo, hi]; None as default means the mechanism constant `mechanism`."""
    return field(default=default, metadata={"kind": "int", "lo": lo, "hi": hi, "doc": doc,
                                            "search": search, "mechanism": mechanism})


def flag(default: bool, doc: str, search: bool = True) -> Any:
    """A yes/no parameter (searched over both values unless `search` is False)."""
    return field(default=default, metadata={"kind": "bool", "doc": doc, "search": search, "mechanism": None})


def option(default: str, options: tuple[str, ...], doc: str, search: bool = True) -> Any:
    """One of a fixed set of words."""
    return field(default=default, metadata={"kind": "choice", "options": options, "doc": doc, "search": search,
                                            "mechanism": None})


@dataclass(frozen=True)
class Params:
    """Base of every strategy's parameters (no fields: a strategy without numbers)."""

    owner: ClassVar[str] = ""

    @classmethod
    def specs(cls) -> tuple[Field, ...]:
        return fields(cls)

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    @classmethod
    def allowed(cls, f: Field) -> str:
        """What a field accepts, in words."""
        m = f.metadata
        none = f" or unset (the mechanism's {m['mechanism']})" if m.get("mechanism") else ""
        if m["kind"] == "float":
            return f"a number in [{m['lo']:g}, {m['hi']:g}]{none}"
        if m["kind"] == "int":
            return f"a whole number in [{m['lo']}, {m['hi']}]{none}"
        if m["kind"] == "bool":
            return "true or false"
        return "one of " + ", ".join(m["options"])

    @classmethod
    def build(cls, strategy: str, values: dict[str, Any] | None = None) -> Params:
        """Validated parameters of `strategy` from `values` (numbers, booleans or their text forms).

        Raises:
            StrategyParamError: an unknown name or a value it does not allow, in one line.
        """
        values = dict(values or {})
        known = {f.name: f for f in fields(cls)}
        out: dict[str, Any] = {}
        for name, raw in values.items():
            if name not in known:
                allowed = ", ".join(known) if known else "none (it has no parameters)"
                raise StrategyParamError(f"{strategy}.{name}: unknown parameter; allowed: {allowed}")
            out[name] = cls._coerce(strategy, known[name], raw)
        return cls(**out)

    @classmethod
    def _coerce(cls, strategy: str, f: Field, raw: Any) -> Any:
        m = f.metadata
        where = f"{strategy}.{f.name}"
        bad = StrategyParamError(f"{where}={raw}: not allowed; allowed: {cls.allowed(f)}")
        if raw is None or (isinstance(raw, str) and raw.strip().lower() in ("none", "default")):
            if m.get("mechanism"):
                return None
            raise bad
        if m["kind"] == "bool":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in TRUE:
                return True
            if text in FALSE:
                return False
            raise bad
        if m["kind"] == "choice":
            text = str(raw).strip()
            if text not in m["options"]:
                raise bad
            return text
        if isinstance(raw, bool):
            raise bad
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise bad from None
        if not math.isfinite(value) or not m["lo"] <= value <= m["hi"]:
            raise bad
        if m["kind"] == "int":
            if value != round(value):
                raise bad
            return int(round(value))
        return value

    def changed(self) -> dict[str, Any]:
        """The fields set away from their defaults."""
        return {f.name: getattr(self, f.name) for f in fields(self)
                if getattr(self, f.name) != (f.default if f.default is not MISSING else None)}

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def describe_field(f: Field) -> str:
    """One line for `ceasefire strategies`: name = default, what it allows, what it means."""
    m = f.metadata
    if f.default is None and m.get("mechanism"):
        default = f"{m['mechanism']} (the mechanism constant)"
    elif isinstance(f.default, bool):
        default = "true" if f.default else "false"
    else:
        default = f"{f.default:g}" if isinstance(f.default, float) else str(f.default)
    kind = m["kind"]
    allowed = {"float": lambda: f"{m['lo']:g}..{m['hi']:g}", "int": lambda: f"whole {m['lo']}..{m['hi']}",
               "bool": lambda: "true|false", "choice": lambda: "|".join(m["options"])}[kind]()
    return f"{f.name} = {default}  [{allowed}]  {m['doc']}"
