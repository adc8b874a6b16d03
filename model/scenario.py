"""Scenario files: the schema (pydantic), TOML loading, and one-line errors naming file, field and what is allowed.

A scenario is data: the issues (each a dimension in [0, 1] with a status quo and whether force decides it), the
camps (who fights whom, and whose ideal a camp imposes if it prevails), and the actors (DESIGN section 2). Every
number should carry its source in a comment or in the actor's `sources` table. Built-in scenarios live in
`model/scenarios/*.toml`; a user adds one by writing a file, with no code.
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from model.errors import CeasefireError

SCENARIO_DIR = Path(__file__).parent / "scenarios"

MAX_MAGNITUDE = 1e6
"""Upper bound of every unbounded number in a scenario (force, capability, costs): ample for any unit a scenario
chooses (the built-in ones stay below 100), and far enough from float overflow that no mechanism turns a valid
scenario into inf or NaN (force enters the contest success function as force^gamma)."""

Unit = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
"""A finite number in [0, 1]: a share, a probability, a position on an issue."""
NonNegative = Annotated[float, Field(ge=0.0, le=MAX_MAGNITUDE, allow_inf_nan=False)]
"""A finite number in [0, MAX_MAGNITUDE]: force, capability, a cost."""


class _Strict(BaseModel):
    # strict: a value must have its type in the file (TOML has booleans, integers, floats and strings): "yes" is
    # not a boolean and "100" not a number; an integer is still accepted where a float is expected.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Issue(_Strict):
    """One negotiated dimension in [0, 1]."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    low: str = ""
    """What 0 means."""
    high: str = ""
    """What 1 means."""
    status_quo: Unit
    """Where the issue stands without a deal (if force does not decide it)."""
    contested: bool = False
    """Force decides it when there is no deal: the prevailing camp imposes its leader's ideal."""
    on_table: bool = True
    """Negotiated from the start. An issue off the table (sanctions in 2016) stays at its status quo in the
    offer until a party links it (a `link` concession on it brings it onto the table)."""
    source: str = ""


class Camp(_Strict):
    """A side in the fighting."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    leader: str
    """The actor whose ideal the camp imposes on contested issues if it prevails."""


class Actor(_Strict):
    """A state or armed party (DESIGN section 2)."""

    id: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    name: str = ""
    camp: str | None = None
    veto: bool = False
    """Its acceptance is needed for a deal."""
    spoiler: bool = False
    """It can break a ceasefire it did not sign (clients such as the regime or armed opposition)."""
    counterpart: str | None = None
    """The party it bargains with and aims its pressure at (defaults to the other veto player)."""
    patron: str | None = None
    """The veto player that supplies it and signs for it (DESIGN 3.4)."""
    strategy: str = "opportunist"
    ideal: dict[str, Unit]
    salience: dict[str, Unit]
    force: NonNegative = 0.0
    """Combat power in theatre (see the scenario's notes for its unit)."""
    capability: NonNegative = 0.0
    """Power outside the theatre; weights its demands in the deal on offer."""
    resolve: Unit = 0.5
    """Willingness to bear costs: the weight of the costs of no deal is (1 - resolve). It wears with costs borne."""
    credibility: Unit = 0.5
    """How credible others find its threats, at the start."""
    commitment: Unit | None = None
    """If set, the probability it carries out a threat at a deadline (an override for counterfactuals); by default
    it decides by its own comparison of striking against backing down (DESIGN 3.6)."""
    no_deal_cost: NonNegative = 0.0
    """Utility lost per week without a deal besides fighting (oil prices, tourism, risk of clashes)."""
    sanction_harm: NonNegative = 0.0
    """Utility per week its sanctions cost the target while imposed."""
    sanctioning: bool = False
    """Its sanctions on its counterpart are in force at the start."""
    leverage: Unit = 0.0
    """Share of its fighting power that depends on its patron (supplies, air cover): what it loses if it breaks a
    truce its patron signed (DESIGN 3.4)."""
    optimism: float = Field(default=0.0, ge=-2.0, le=2.0)
    """How far its prior belief about the war tilts toward its own side, in log-odds (0: the truth; 0.4 turns an
    even war into a 60% expected victory)."""
    audience_cost: NonNegative = 0.0
    """What retreating from a public demand costs it at home, per unit of salience-weighted retreat (Fearon 1994)."""
    strike_cost: NonNegative = 0.0
    """What carrying out a punishment strike costs it (utility): money, casualties, risk of counter-escalation."""
    exposure: Unit = 1.0
    """Share of its force exposed to enemy fire (1 for ground forces; an air contingent over an enemy without air
    defence, or a party that does not fight the enemy camp, far less)."""
    sources: dict[str, str] = {}

    @model_validator(mode="after")
    def _salience_sums_to_one(self) -> Actor:
        total = sum(self.salience.values())
        if not math.isclose(total, 1.0, abs_tol=1e-6):
            raise ValueError(f"salience must sum to 1 (got {total:.6g})")
        return self


class Params(_Strict):
    """Scenario-level settings: facts about the situation, not mechanism constants."""

    turns: int = Field(default=52, ge=1, le=10_000)
    """Turns in a run (a turn is a week)."""
    incident_rate: Unit = 0.05
    """Probability per turn of an incident while a ceasefire holds."""


class Scenario(_Strict):
    """A whole scenario file, validated."""

    name: str
    title: str = ""
    description: str = ""
    force_unit: str = ""
    params: Params = Params()
    issues: list[Issue] = Field(min_length=1)
    camps: list[Camp] = []
    actors: list[Actor] = Field(min_length=1)
    expected: dict[str, Any] | None = None
    """Checkable historical outcome, for validation cases."""
    path: str = ""

    @field_validator("issues")
    @classmethod
    def _unique_issues(cls, issues: list[Issue]) -> list[Issue]:
        _require_unique([i.id for i in issues], "issue")
        return issues

    @field_validator("actors")
    @classmethod
    def _at_least_two_actors(cls, actors: list[Actor]) -> list[Actor]:
        if len(actors) < 2:
            raise ValueError(f"a scenario needs at least two actors, one of them a veto player (got {len(actors)})")
        return actors

    @model_validator(mode="after")
    def _references_exist(self) -> Scenario:
        actor_ids = [a.id for a in self.actors]
        _require_unique(actor_ids, "actor")
        _require_unique([c.id for c in self.camps], "camp")
        issue_ids = [i.id for i in self.issues]
        camp_ids = [c.id for c in self.camps]
        for camp in self.camps:
            if camp.leader not in actor_ids:
                raise ValueError(f"camps: leader {camp.leader!r} of camp {camp.id!r} is not an actor ({_one_of(actor_ids)})")
        for n, actor in enumerate(self.actors):
            where = f"actors[{n}] ({actor.id})"
            for table in ("ideal", "salience"):
                keys = getattr(actor, table)
                if set(keys) != set(issue_ids):
                    missing = sorted(set(issue_ids) - set(keys))
                    extra = sorted(set(keys) - set(issue_ids))
                    detail = f"missing {missing}" if missing else f"unknown {extra}"
                    raise ValueError(f"{where}.{table}: {detail}; needs exactly the issues {_one_of(issue_ids)}")
            if actor.camp is not None and actor.camp not in camp_ids:
                raise ValueError(f"{where}.camp: {actor.camp!r} is not a camp ({_one_of(camp_ids) or 'none declared'})")
            for ref in ("counterpart", "patron"):
                value = getattr(actor, ref)
                if value is not None and (value not in actor_ids or value == actor.id):
                    raise ValueError(f"{where}.{ref}: {value!r} is not another actor ({_one_of(actor_ids)})")
        if not any(a.veto for a in self.actors):
            raise ValueError("actors: at least one actor must have veto = true")
        for n, actor in enumerate(self.actors):
            if actor.patron is not None and not self.actors[actor_ids.index(actor.patron)].veto:
                raise ValueError(f"actors[{n}] ({actor.id}).patron: {actor.patron!r} has no veto; a patron signs for its "
                                 f"client, so it must be a veto player ({_one_of([a.id for a in self.actors if a.veto])})")
        for camp in self.camps:
            leader = self.actors[actor_ids.index(camp.leader)]
            if leader.camp != camp.id:
                raise ValueError(f"camps: leader {camp.leader} of camp {camp.id!r} is in camp {leader.camp!r}")
        if not any(a.veto for a in self.actors):
            raise ValueError("actors: at least one actor must have veto = true")
        return self

    @property
    def actor_ids(self) -> list[str]:
        return [a.id for a in self.actors]

    @property
    def issue_ids(self) -> list[str]:
        return [i.id for i in self.issues]

    def actor(self, actor_id: str) -> Actor:
        """The actor with this id (CeasefireError naming the allowed ids otherwise)."""
        for a in self.actors:
            if a.id == actor_id:
                return a
        raise CeasefireError(f"{self.label}: unknown actor {actor_id!r}; allowed: {_one_of(self.actor_ids)}")

    @property
    def label(self) -> str:
        return self.path or f"scenario {self.name}"


def _one_of(values: list[str]) -> str:
    return ", ".join(values)


def _require_unique(ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise ValueError(f"duplicate {what} id {i!r}")
        seen.add(i)


def builtin_names() -> list[str]:
    """Names of the scenarios shipped with the package."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))


def resolve_path(name_or_path: str | Path) -> Path:
    """A built-in scenario name or a path to a TOML file, as a path (CeasefireError if neither)."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise CeasefireError(f"{path}: no such scenario file")
        return path
    builtin = SCENARIO_DIR / f"{name_or_path}.toml"
    if builtin.is_file():
        return builtin
    raise CeasefireError(f"unknown scenario {str(name_or_path)!r}; built-in: {_one_of(builtin_names())}, or a path to a .toml file")


def _format_location(loc: tuple[Any, ...], data: dict[str, Any]) -> str:
    """pydantic's location as `actors[2] (RUS).resolve`."""
    out = ""
    node: Any = data
    for part in loc:
        if isinstance(part, int):
            ident = node[part].get("id") if isinstance(node, list) and part < len(node) and isinstance(node[part], dict) else None
            out += f"[{part}]" + (f" ({ident})" if ident else "")
            node = node[part] if isinstance(node, list) and part < len(node) else None
        else:
            out += ("." if out else "") + str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


def parse(data: dict[str, Any], label: str) -> Scenario:
    """Validate a scenario given as a dict (as read from TOML); errors name `label` and the field."""
    body = dict(data.get("scenario", {}))
    extra_top = set(data) - {"scenario", "params", "issues", "camps", "actors", "expected"}
    if extra_top:
        raise CeasefireError(f"{label}: unknown section {sorted(extra_top)[0]!r}; allowed: scenario, params, issues, camps, actors, expected")
    for key in ("params", "issues", "camps", "actors", "expected"):
        if key in data:
            body[key] = data[key]
    body.setdefault("name", Path(label).stem)
    body["path"] = label
    try:
        return Scenario.model_validate(body)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = _format_location(tuple(err["loc"]), body)
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown field"
        if err.get("input") is not None and err["type"] not in ("extra_forbidden", "missing") and not isinstance(err["input"], dict | list):
            message += f" (got {err['input']!r})"
        raise CeasefireError(f"{label}: {where + ': ' if where else ''}{message}") from None


def load_data(name_or_path: str | Path) -> dict[str, Any]:
    """The raw TOML data of a scenario (to edit a copy before `parse`)."""
    path = resolve_path(name_or_path)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CeasefireError(f"{path}: not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CeasefireError(f"{path}: cannot read: {exc}") from None


def load(name_or_path: str | Path) -> Scenario:
    """Load and validate a scenario by built-in name or path."""
    path = resolve_path(name_or_path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))  # a UTF-8 byte-order mark is allowed (and dropped)
    except tomllib.TOMLDecodeError as exc:
        raise CeasefireError(f"{path}: not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CeasefireError(f"{path}: cannot read: {exc}") from None
    label = str(path) if path.parent != SCENARIO_DIR else path.stem
    return parse(data, label)
