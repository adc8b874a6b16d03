"""What the page (`runs/app.py`) shows, as plain functions: the settings and their validation, a scenario loaded in
the page, the run and its per-turn history, why a deal is blocked or broken, the truce timeline, the end-of-run
summary, the event log, and the strategy comparison. No Solara here, so every view is tested without a browser
(`tests/test_app_components.py`). Figures are in `runs/page_figures.py`, HTML fragments in `runs/page_html.py`.

The page reads the model only through its public surface: `recording.model_columns` / `recording.actor_columns` (the
columns of `model_table()` / `actor_table()`), `summary()`, `log`, `spec` and the actor structure of `world`
(ids, names, camps, veto and spoiler flags). Columns that a model version does not record (`margin`, `belief`, an
actor's `p_fail`) are shown when present and left out otherwise.
"""

from __future__ import annotations

import itertools
import threading
import tomllib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from agents.strategies import RUSSIA_STRATEGIES, STRATEGIES, US_STRATEGIES
from model import recording
from model import scenario as scenario_module
from model.errors import CeasefireError
from model.mesa_model import CeasefireModel
from model.scenario import Scenario

DEFAULT_SCENARIO = "syria-2016"
OUTCOME_ORDER: tuple[str, ...] = ("durable", "holding", "collapsed", "no_deal")
OUTCOMES: tuple[str, ...] = ("holding", "collapsed", "no_deal")  # what the engine reports today
OUTCOME_LABELS = {"durable": "durable ceasefire", "holding": "ceasefire holding at the end",
                  "collapsed": "agreed, then collapsed", "no_deal": "never agreed", "ever_agreed": "ever agreed"}
MAX_SEED = 2**63 - 1
MAX_SCENARIO_BYTES = 1_000_000
_EPS = 1e-9


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class Settings:
    """Everything the controls set; `build_model(settings)` is the run they describe. `custom` is a scenario loaded
    in the page (then `scenario` is its label)."""

    scenario: str = DEFAULT_SCENARIO
    us_strategy: str | None = None  # None: the scenario has no USA
    russia_strategy: str | None = None  # None: the scenario has no RUS
    us_credibility: float | None = None
    us_commitment: float | None = None  # None: the scenario's (a model may let the US decide for itself)
    russia_resolve: float | None = None
    perception_noise: float | None = 0.1  # None: the model has no such parameter
    incident_rate: float = 0.05
    turns: int = 52
    seed: int = 0
    custom: Scenario | None = None

    @classmethod
    def defaults(cls, scenario: str | Scenario = DEFAULT_SCENARIO, seed: int = 0) -> Settings:
        """The scenario's own values for every control (a built-in name, or a scenario loaded in the page)."""
        spec = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        usa, rus = actor(spec, "USA"), actor(spec, "RUS")
        return cls(
            scenario=custom_label(spec) if isinstance(scenario, Scenario) else scenario,
            us_strategy=usa.strategy if usa else None,
            russia_strategy=rus.strategy if rus else None,
            us_credibility=usa.credibility if usa else None,
            us_commitment=usa.commitment if usa else None,
            russia_resolve=rus.resolve if rus else None,
            perception_noise=_optional_float(getattr(spec.params, "perception_noise", None)),
            incident_rate=float(spec.params.incident_rate),
            turns=int(spec.params.turns),
            seed=seed,
            custom=scenario if isinstance(scenario, Scenario) else None,
        )

    @property
    def spec(self) -> Scenario:
        return self.custom if self.custom is not None else load_scenario(self.scenario)

    def strategies(self) -> dict[str, str]:
        return {"RUS": self.russia_strategy} if self.russia_strategy else {}

    def params(self) -> dict[str, float]:
        """The model's `params` overrides for these settings (turns go separately)."""
        out = {"params.incident_rate": self.incident_rate}
        if self.perception_noise is not None:
            out["params.perception_noise"] = self.perception_noise
        if self.us_credibility is not None:
            out["USA.credibility"] = self.us_credibility
        if self.us_commitment is not None:
            out["USA.commitment"] = self.us_commitment
        if self.russia_resolve is not None:
            out["RUS.resolve"] = self.russia_resolve
        return out

    def describe(self) -> str:
        """One line naming every value the run was built with."""
        parts = [self.scenario]
        if self.us_strategy:
            parts.append(f"US: {self.us_strategy}")
        if self.russia_strategy:
            parts.append(f"Russia: {self.russia_strategy}")
        if self.us_credibility is not None:
            parts.append(f"US credibility {self.us_credibility:.2f}")
        if self.us_commitment is not None:
            parts.append(f"US commitment {self.us_commitment:.2f}")
        if self.russia_resolve is not None:
            parts.append(f"Russian resolve {self.russia_resolve:.2f}")
        if self.perception_noise is not None:
            parts.append(f"perception noise {self.perception_noise:.2f}")
        parts += [f"incident rate {self.incident_rate:.2f}", f"{self.turns} turns", f"seed {self.seed}"]
        return " · ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("custom")
        return out

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


def load_scenario(name: str) -> Scenario:
    return scenario_module.load(name)


def scenario_names() -> list[str]:
    return scenario_module.builtin_names()


def custom_label(spec: Scenario) -> str:
    """How a scenario loaded in the page is named in the menu (never the same as a built-in)."""
    return f"{spec.name} (loaded)"


def actor(spec: Scenario, actor_id: str):
    return next((a for a in spec.actors if a.id == actor_id), None)


def strategy_description(name: str) -> str:
    """What the strategy does, from the registry ("" for a name it does not know)."""
    return next((cls.description for cls in STRATEGIES if cls.name == name), "")


def strategy_items(names: list[str]) -> list[dict[str, str]]:
    """Menu entries: the name, and what the strategy does (from the registry)."""
    return [{"value": n, "text": n, "description": strategy_description(n)} for n in names]


def us_strategy_options(spec: Scenario) -> list[str]:
    usa = actor(spec, "USA")
    if usa is None:
        return []
    return list(US_STRATEGIES) + ([usa.strategy] if usa.strategy not in US_STRATEGIES else [])


def russia_strategy_options(spec: Scenario) -> list[str]:
    rus = actor(spec, "RUS")
    if rus is None:
        return []
    return list(RUSSIA_STRATEGIES) + ([rus.strategy] if rus.strategy not in RUSSIA_STRATEGIES else [])


def _parse_whole(text: str | int, name: str, low: int, high: int, allowed: str) -> int:
    """A whole number in [low, high] typed into a control (CeasefireError with a one-line message otherwise)."""
    raw = str(text).strip()
    try:
        value = int(raw)
    except ValueError:
        raise CeasefireError(f"{name} {raw!r}: not a whole number; use {allowed}") from None
    if not low <= value <= high:
        raise CeasefireError(f"{name} {value}: out of range; use {allowed}")
    return value


def parse_seed(text: str | int) -> int:
    """An integer seed >= 0."""
    return _parse_whole(text, "seed", 0, MAX_SEED, "an integer from 0 to 2**63-1")


def parse_turns(text: str | int) -> int:
    """A number of turns from 1 to 10,000."""
    return _parse_whole(text, "turns", 1, 10_000, "an integer from 1 to 10000")


def parse_replicates(text: str | int) -> int:
    """Replicates per strategy for the comparison, 1 to 100,000."""
    return _parse_whole(text, "replicates", 1, 100_000, "a whole number from 1 to 100000")


def parse_scenario_file(name: str, data: bytes | str) -> Scenario:
    """A scenario file given in the page (uploaded or edited), validated as `ceasefire run --scenario FILE` does:
    CeasefireError with one line naming the file, the field and what is allowed."""
    label = name or "scenario.toml"
    if isinstance(data, bytes):
        if len(data) > MAX_SCENARIO_BYTES:
            raise CeasefireError(f"{label}: {len(data):,} bytes; a scenario file is at most {MAX_SCENARIO_BYTES:,} bytes")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CeasefireError(f"{label}: cannot read: {exc}") from None
    else:
        text = data
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CeasefireError(f"{label}: not valid TOML: {exc}") from None
    return scenario_module.parse(parsed, label)


def scenario_text(name: str) -> str:
    """The TOML of a built-in scenario (to edit a copy in the page)."""
    return scenario_module.resolve_path(name).read_text(encoding="utf-8")


def build_model(settings: Settings) -> CeasefireModel:
    """The model the settings describe (CeasefireError on a bad value)."""
    scenario = settings.custom if settings.custom is not None else settings.scenario
    model = CeasefireModel(scenario, us_strategy=settings.us_strategy, strategies=settings.strategies(),
                           turns=settings.turns, params=settings.params(), rng=settings.seed)
    model.app_settings = settings
    return model


# --------------------------------------------------------------------------- the run and its history


@dataclass(frozen=True)
class Structure:
    """Who is who, read from the scenario (its schema is the stable part of a model version): ids, names, camps and
    their leaders, veto players, spoilers, patrons, and each actor's counterpart as the model resolved it."""

    actor_ids: tuple[str, ...]
    actor_names: tuple[str, ...]
    issue_ids: tuple[str, ...]
    camp_ids: tuple[str, ...]
    camp: np.ndarray  # (A,) camp index, -1 for none
    camp_leader: np.ndarray  # (C,) actor index
    veto: np.ndarray  # (A,) bool
    spoiler: np.ndarray  # (A,) bool
    patron: np.ndarray  # (A,) actor index, -1 for none
    counterpart: np.ndarray  # (A,) actor index

    @property
    def n_actors(self) -> int:
        return len(self.actor_ids)

    @classmethod
    def of(cls, model: CeasefireModel) -> Structure:
        spec = model.spec
        ids = tuple(a.id for a in spec.actors)
        camps = tuple(c.id for c in spec.camps)
        counterpart = getattr(model.world, "counterpart", None)
        return cls(
            actor_ids=ids,
            actor_names=tuple(a.name or a.id for a in spec.actors),
            issue_ids=tuple(i.id for i in spec.issues),
            camp_ids=camps,
            camp=np.array([camps.index(a.camp) if a.camp else -1 for a in spec.actors], dtype=int),
            camp_leader=np.array([ids.index(c.leader) for c in spec.camps], dtype=int),
            veto=np.array([bool(a.veto) for a in spec.actors]),
            spoiler=np.array([bool(getattr(a, "spoiler", False)) for a in spec.actors]),
            patron=np.array([ids.index(a.patron) if a.patron else -1 for a in spec.actors], dtype=int),
            counterpart=(np.asarray(counterpart, dtype=int).copy() if counterpart is not None
                         else np.array([ids.index(a.counterpart) if a.counterpart else i
                                        for i, a in enumerate(spec.actors)], dtype=int)),
        )


@dataclass
class Snapshot:
    """The state at the end of one turn (turn 0: before the first move), as the model records it."""

    turn: int
    model: dict[str, float]  # recording.model_columns: ceasefire, n_ceasefires, p_fail, offer_<issue>, ...
    actors: dict[str, np.ndarray]  # recording.actor_columns: force, deal_value, batna, demand_<issue>, ... each (A,)
    edges: list[tuple[str, str, str]] = field(default_factory=list)  # this turn's pressure and concessions
    defectors: list[int] | None = None  # who broke a ceasefire this turn (None: not reported by the model)
    log: list[str] = field(default_factory=list)  # this turn's event-log lines


def snapshot(model: CeasefireModel, log_from: int = 0) -> Snapshot:
    """The model's recorded columns now, with the turn's moves and log lines."""
    w = model.world
    cols = {name: float(np.asarray(v).reshape(-1)[0]) for name, v in recording.model_columns(w).items()}
    actors = {name: np.asarray(v)[0].astype(float) for name, v in recording.actor_columns(w).items()}
    return Snapshot(turn=model.turn, model=cols, actors=actors, edges=turn_edges(model) if model.turn else [],
                    defectors=_defectors(model) if model.turn else [], log=list(model.log[log_from:]))


def _defectors(model: CeasefireModel) -> list[int] | None:
    """Who broke a ceasefire this turn, as the model reports it (None if it does not)."""
    world = model.world
    if hasattr(world, "event"):  # the second edition: per-actor events of the turn
        broke = (np.asarray(world.event("violated"))[0] > 0.5) | (np.asarray(world.event("walked_out"))[0] > 0.5)
        return [int(j) for j in np.flatnonzero(broke)]
    events = getattr(model.last_report, "ceasefire", None)
    defectors = getattr(events, "defectors", None)
    if defectors is None:
        return None
    return [int(j) for j in np.flatnonzero(np.asarray(defectors)[0])]


class Run:
    """One browser session's run: the model, and a snapshot of every turn played (for the history slider).

    Stepping holds a lock, so Step, Play and Run to end never interleave. `serial` tells runs apart (a new one on
    every Reset), so a drawn chart can say which run and turn it shows (`revision`)."""

    _serials = itertools.count(1)

    def __init__(self, settings: Settings):
        self.serial = next(self._serials)
        self.settings = settings
        self.model = build_model(settings)
        self.structure = Structure.of(self.model)
        self.lock = threading.Lock()
        self.snapshots: list[Snapshot] = [snapshot(self.model)]
        self._arrays: dict[tuple[str, str, int], np.ndarray] = {}

    @property
    def turn(self) -> int:
        """The last week with a snapshot (the views never look past it, even while a step is under way)."""
        return len(self.snapshots) - 1

    def revision(self, t: int) -> str:
        return f"{self.serial}:{t}"

    @property
    def turns(self) -> int:
        return self.model.turns

    @property
    def running(self) -> bool:
        return bool(self.model.running)

    def step(self) -> bool:
        """Play one turn (if any is left); True if the run goes on."""
        with self.lock:
            if not self.model.running:
                return False
            n = len(self.model.log)
            self.model.step()
            self.snapshots.append(snapshot(self.model, n))
            return bool(self.model.running)

    def run_to_end(self, should_stop: Callable[[], bool] | None = None) -> None:
        while self.running and not (should_stop and should_stop()):
            self.step()

    # ---- per-turn series (rows = turns 0..turn); cached per number of snapshots, so a step in another thread
    # never leaves a short array behind

    def _series(self, kind: str, name: str) -> np.ndarray:
        snaps = self.snapshots[:]
        key = (kind, name, len(snaps))
        cached = self._arrays.get(key)
        if cached is None:
            if kind == "model":
                cached = np.array([s.model.get(name, np.nan) for s in snaps], dtype=float)
            else:
                empty = np.full(self.structure.n_actors, np.nan)
                cached = np.array([s.actors.get(name, empty) for s in snaps], dtype=float)
            if len(self._arrays) > 256:
                self._arrays.clear()
            self._arrays[key] = cached
        return cached

    def model_series(self, name: str) -> np.ndarray:
        return self._series("model", name)

    def actor_series(self, name: str) -> np.ndarray:
        """(turns + 1, actors); NaN where the column is not recorded."""
        return self._series("actor", name)

    def has_actor_column(self, name: str) -> bool:
        return name in self.snapshots[0].actors

    def margin(self) -> np.ndarray:
        """deal value - BATNA per turn and actor (the model's `margin` column where it records one)."""
        if self.has_actor_column("margin"):
            return self.actor_series("margin")
        return self.actor_series("deal_value") - self.actor_series("batna")

    def ceasefire(self) -> np.ndarray:
        return self.model_series("ceasefire") > 0.5

    def log_until(self, turn: int) -> list[str]:
        return [line for s in self.snapshots[1: turn + 1] for line in s.log]


# --------------------------------------------------------------------------- who can block or break the deal


ROLE_LABELS = {"veto": "veto player", "spoiler": "can break a truce", "armed": "armed, in a camp"}


def parties(run: Run) -> list[tuple[int, str]]:
    """(actor index, role) for every party that can block or break the deal: veto players (their consent is
    needed), spoilers (they can break a truce they did not sign) and the other armed actors in a camp."""
    w = run.structure
    force0 = run.snapshots[0].actors.get("force", np.zeros(w.n_actors))
    out = []
    for i in range(w.n_actors):
        if w.veto[i]:
            out.append((i, "veto"))
        elif w.spoiler[i]:
            out.append((i, "spoiler"))
        elif w.camp[i] >= 0 and force0[i] > 0:
            out.append((i, "armed"))
    return out


def defection_threshold(model: CeasefireModel) -> float | None:
    p = getattr(model.world, "p", {})
    value = p.get("defection_threshold") if isinstance(p, dict) else None
    return float(np.asarray(value).reshape(-1)[0]) if value is not None else None


def margin_text(m: float) -> str:
    """A margin with its sign, precise enough that a near-tie does not read as "-0.000"."""
    return f"{m:+.4f}" if abs(m) < 0.001 else f"{m:+.3f}"


@dataclass(frozen=True)
class Why:
    """The one-line answer to "what blocks a deal now" / "who broke it and by how much" at a turn."""

    kind: str  # "start", "blocked", "within_reach", "agreed", "holding", "fragile", "broken"
    text: str
    actors: tuple[str, ...] = ()


def why(run: Run, t: int) -> Why:
    """What blocks a deal at turn t, or what holds or broke the ceasefire, in the model's terms (margins)."""
    w = run.structure
    names = w.actor_names
    margin = run.margin()[t]
    deal, batna = run.actor_series("deal_value")[t], run.actor_series("batna")[t]
    engaged = run.actor_series("engaged")[t] > 0.5 if run.has_actor_column("engaged") else np.ones(w.n_actors, bool)
    cf = run.ceasefire()
    n_cf = run.model_series("n_ceasefires")
    who = parties(run)
    veto = [i for i, _ in who if w.veto[i] and engaged[i]]
    checkers = [i for i, _ in who if (w.veto[i] or w.spoiler[i]) and engaged[i]]
    threshold = defection_threshold(run.model)
    p_fail = run.model_series("p_fail")[t]
    risk = f" Anticipated failure risk of the deal {p_fail:.0%}." if np.isfinite(p_fail) else ""

    def by(i: int) -> str:
        return f"{names[i]} (deal {deal[i]:.3f} vs alternative {batna[i]:.3f}: {margin_text(margin[i])})"

    if t == 0:
        blockers = _blockers(run, t, veto, margin)
        if blockers:
            return Why("start", f"Before the first move the opening offer is blocked by "
                                f"{_and([by(i) for i in blockers])}.", tuple(w.actor_ids[i] for i in blockers))
        return Why("start", "Before the first move every veto player already prefers the opening offer.")
    was, now = bool(cf[t - 1]), bool(cf[t])
    if was and not now:
        snap = run.snapshots[t]
        breakers = snap.defectors if snap.defectors else [i for i in checkers if margin[i] < -(threshold or 0.0)]
        gaps = [f"{names[i]}: its alternative beat the terms by {-margin[i]:.3f} ({batna[i]:.3f} vs {deal[i]:.3f})"
                for i in breakers]
        text = f"Week {t}: the ceasefire broke. " + ("; ".join(gaps) if gaps else "Nobody's margin explains it.")
        return Why("broken", text + ".", tuple(w.actor_ids[i] for i in breakers))
    if now and n_cf[t] > n_cf[t - 1]:
        closest = min(veto, key=lambda i: margin[i]) if veto else None
        tail = f" (the closest call: {by(closest)})" if closest is not None else ""
        return Why("agreed", f"Week {t}: ceasefire agreed: every veto player values the deal at least as much as its "
                             f"alternative{tail}.{risk}")
    if now:
        start = t
        while start > 1 and cf[start - 1]:
            start -= 1
        weeks = t - start + 1
        closest = min(checkers, key=lambda i: margin[i]) if checkers else None
        if closest is None:
            return Why("holding", f"Week {t}: the ceasefire holds (week {weeks} of this truce).{risk}")
        if margin[closest] < 0:
            limit = f"; it breaks its word once that exceeds {threshold:.3f}" if threshold is not None else ""
            return Why("fragile", f"Week {t}: the ceasefire holds (week {weeks} of this truce), but {names[closest]}'s "
                                  f"alternative beats the terms by {-margin[closest]:.3f}{limit}.{risk}",
                       (w.actor_ids[closest],))
        return Why("holding", f"Week {t}: the ceasefire holds (week {weeks} of this truce): every party prefers it; "
                              f"closest to breaking: {by(closest)}.{risk}")
    blockers = _blockers(run, t, veto, margin)
    if blockers:
        return Why("blocked", f"Week {t}: no deal. Blocked by {_and([by(i) for i in blockers])}.{risk}",
                   tuple(w.actor_ids[i] for i in blockers))
    closest = min(veto, key=lambda i: margin[i]) if veto else None
    tail = f" (closest: {by(closest)})" if closest is not None else ""
    return Why("within_reach", f"Week {t}: no ceasefire yet, but every veto player now prefers the deal on offer{tail}: "
                               f"one can start next week.{risk}")


def model_blocker(run: Run, t: int) -> int | None:
    """The actor the model says blocks the offer at turn t (its `blocker` column), if it records one."""
    value = run.snapshots[t].model.get("blocker")
    return int(value) if value is not None and np.isfinite(value) and value >= 0 else None


def _blockers(run: Run, t: int, veto: list[int], margin: np.ndarray) -> list[int]:
    """Who blocks a deal at turn t: the actor the model names, then every engaged veto player whose alternative
    beats the offer, the widest gap first."""
    out = sorted((i for i in veto if margin[i] < 0), key=lambda i: margin[i])
    named = model_blocker(run, t)
    if named is not None:
        out = [named] + [i for i in out if i != named]
    return out


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def party_rows(run: Run, t: int) -> list[dict[str, Any]]:
    """One row per party that can block or break the deal at turn t: role, deal value, BATNA, margin and, where
    the model records them, its belief that its side prevails and its anticipated failure risk of the deal."""
    w = run.structure
    margin = run.margin()[t]
    deal, batna = run.actor_series("deal_value")[t], run.actor_series("batna")[t]
    extra = {name: run.actor_series(name)[t] for name in ("belief", "p_fail") if run.has_actor_column(name)}
    rows = []
    for i, role in parties(run):
        row = {"actor": w.actor_ids[i], "name": w.actor_names[i], "role": role, "deal_value": float(deal[i]),
               "batna": float(batna[i]), "margin": float(margin[i])}
        for name, values in extra.items():
            row[name] = float(values[i])
        rows.append(row)
    return rows


# --------------------------------------------------------------------------- truces


@dataclass(frozen=True)
class Truce:
    start: int  # first week under the ceasefire
    end: int  # last week under it
    broken_at: int | None  # the week it broke (None: still holding at the last turn shown)
    breakers: tuple[str, ...] = ()

    @property
    def weeks(self) -> int:
        return self.end - self.start + 1


def truces(run: Run, upto: int | None = None) -> list[Truce]:
    """Every period under ceasefire up to turn `upto`, with who broke it."""
    t_max = run.turn if upto is None else upto
    cf = run.ceasefire()[: t_max + 1]
    out, start = [], None
    for t in range(1, t_max + 1):
        if cf[t] and start is None:
            start = t
        if not cf[t] and start is not None:
            out.append(Truce(start, t - 1, t, why(run, t).actors))
            start = None
    if start is not None:
        out.append(Truce(start, t_max, None))
    return out


def truce_stats(run: Run, upto: int | None = None) -> dict[str, int]:
    found = truces(run, upto)
    return {"weeks_under_ceasefire": sum(tr.weeks for tr in found), "truces": len(found),
            "longest_truce": max((tr.weeks for tr in found), default=0),
            "n_collapses": sum(tr.broken_at is not None for tr in found)}


# --------------------------------------------------------------------------- end of run


def end_summary(run: Run) -> dict[str, Any]:
    """The run's summary as the CLI reports it (`model.summary()`), completed from the history where the model
    does not report a key (weeks under ceasefire, longest truce, collapses) and with each actor's casualties."""
    summary = dict(run.model.summary())
    stats = truce_stats(run)
    for key in ("weeks_under_ceasefire", "longest_truce", "n_collapses"):
        summary.setdefault(key, stats[key])
    summary.setdefault("truces", stats["truces"])
    w = run.structure
    if "casualties_by_actor" not in summary:
        if run.has_actor_column("casualties"):
            casualties = run.actor_series("casualties")[-1]
        else:
            recorded = getattr(run.model.world, "casualties", None)
            casualties = None if recorded is None else np.asarray(recorded)[0]
        if casualties is not None:
            summary["casualties_by_actor"] = {a: float(casualties[i]) for i, a in enumerate(w.actor_ids)}
    return summary


def outcome_label(outcome: str) -> str:
    return OUTCOME_LABELS.get(outcome, outcome.replace("_", " "))


def actor_outcomes(run: Run, summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Per actor: camp, utility of how the run ended, force lost."""
    w = run.structure
    utilities = summary.get("utilities") or {}
    casualties = summary.get("casualties_by_actor") or {}
    rows = []
    for i, a in enumerate(w.actor_ids):
        c = int(w.camp[i])
        rows.append({"actor": a, "name": w.actor_names[i], "camp": w.camp_ids[c] if c >= 0 else "",
                     "utility": utilities.get(a), "casualties": casualties.get(a)})
    return rows


# --------------------------------------------------------------------------- network (this turn's moves)


def turn_edges(model: CeasefireModel) -> list[tuple[str, str, str]]:
    """(from actor id, to actor id, kind) for the pressure and concessions of the last turn played: threats, strikes,
    escalation, sanctions, arms supplies, concessions and (where the model reports it) breaking a truce."""
    report = model.last_report
    if report is None:
        return []
    w = model.world
    st = Structure.of(model)
    ids = st.actor_ids
    n = st.n_actors
    war = float(np.asarray(w.p["war_intensity"])[0])
    if hasattr(w, "event"):  # the second edition reports each actor's events of the turn
        def ev(name: str) -> np.ndarray:
            return np.asarray(w.event(name))[0]

        threatened, struck, punished = ev("threatened") > 0.5, ev("struck") > 0.5, ev("punished") > 0
        supplying, supplied, violated = ev("supplying") > 0.5, ev("supplied") > 0, ev("violated") > 0.5
        sanctioning = np.asarray(w.sanctioning)[0] > 0.5
        sanctions = [bool(act.sanction[0] > 0.5 and sanctioning[i]) for i, act in enumerate(report.actions)]
    else:  # the first edition: the turn report's pressure events
        pressure = report.pressure
        threatened, struck = np.asarray(pressure.threatened)[0], np.asarray(pressure.carried_out)[0]
        punished, supplied = np.asarray(pressure.punished_force)[0] > 0, np.asarray(pressure.supplied)[0] > 0
        supplying = np.array([bool(act.supply[0]) for act in report.actions])
        violated = np.zeros(n, dtype=bool)
        sanctions = [bool(act.sanction[0]) for act in report.actions]
    engaged = np.asarray(w.engaged)[0]
    intensity, force, concession = (np.asarray(x)[0] for x in (w.intensity, w.force, w.concession))
    enemy = np.asarray(w.enemy)
    leaders = [int(x) for x in st.camp_leader]

    def enemy_of(i: int) -> int | None:
        cp = int(st.counterpart[i])
        if enemy[i, cp]:
            return cp
        enemies = np.flatnonzero(enemy[i])
        first_leader = [x for x in leaders if x in enemies]
        return first_leader[0] if first_leader else (int(enemies[0]) if enemies.size else None)

    edges: list[tuple[str, str, str]] = []
    for i in range(n):
        cp = int(st.counterpart[i])
        if threatened[i] and cp != i:
            edges.append((ids[i], ids[cp], "threat"))
        if struck[i]:
            edges += [(ids[i], ids[j], "strike") for j in np.flatnonzero(punished)]
        if intensity[i] > war + _EPS and force[i] > 0 and (target := enemy_of(i)) is not None:
            edges.append((ids[i], ids[target], "escalation"))
        if violated[i] and (target := enemy_of(i)) is not None:
            edges.append((ids[i], ids[target], "violation"))
        if sanctions[i] and engaged[i] and cp != i:
            edges.append((ids[i], ids[cp], "sanction"))
        if supplying[i] and engaged[i]:
            edges += [(ids[i], ids[j], "supply") for j in np.flatnonzero((st.patron == i) & supplied)]
        if concession[i] > _EPS and cp != i:
            edges.append((ids[i], ids[cp], "concession"))
    return edges


def network_layout(model: CeasefireModel | Structure) -> dict[str, tuple[float, float]]:
    """Fixed positions: one column per camp (leader on top), actors without a camp along the bottom."""
    w = model if isinstance(model, Structure) else Structure.of(model)
    pos: dict[str, tuple[float, float]] = {}
    n_camps = len(w.camp_ids)
    for c in range(n_camps):
        members = [i for i in range(w.n_actors) if w.camp[i] == c]
        members.sort(key=lambda i: (i != w.camp_leader[c], i))
        x = -1.0 if n_camps == 1 else -1.0 + 2.0 * c / (n_camps - 1)
        for r, i in enumerate(members):
            pos[w.actor_ids[i]] = (x + (0.3 if r % 2 else 0.0) * (1 if x <= 0 else -1), 1.0 - 2.0 * r / max(1, len(members)))
    loose = [i for i in range(w.n_actors) if w.camp[i] < 0]
    for r, i in enumerate(loose):
        if n_camps:
            pos[w.actor_ids[i]] = (-0.4 + 0.8 * (r + 0.5) / len(loose), -1.3)
        else:  # no camps at all: a circle
            angle = 2 * np.pi * r / len(loose) + np.pi / 2
            pos[w.actor_ids[i]] = (float(np.cos(angle)), float(np.sin(angle)))
    return pos


# --------------------------------------------------------------------------- banner and log


def terms_text(run: Run, t: int) -> str:
    """The deal on offer at turn t (the terms agreed, when a ceasefire starts or holds)."""
    snap = run.snapshots[t]
    return ", ".join(f"{issue} {snap.model.get(f'offer_{issue}', np.nan):.2f}" for issue in run.structure.issue_ids)


def banner(run: Run, t: int | None = None) -> tuple[str, str]:
    """(kind, text) at turn t: kind is "ceasefire", "collapsed", "fighting" or "start"."""
    t = run.turn if t is None else t
    finished = " Run finished." if (t == run.turn and not run.running) else ""
    of = f"week {t} of {run.turns}"
    if t == 0:
        return "start", f"Week 0 of {run.turns}: no ceasefire; the parties have not moved yet. Press Step or Play."
    cf = run.ceasefire()
    if cf[t]:
        start = t
        while start > 1 and cf[start - 1]:
            start -= 1
        return "ceasefire", f"CEASEFIRE IN FORCE since week {start} ({of}).{finished}"
    n = int(run.model_series("n_ceasefires")[t])
    if n > 0:
        return "collapsed", f"NO CEASEFIRE: {n} agreed so far, none in force ({of}).{finished}"
    return "fighting", f"NO CEASEFIRE: no deal yet, fighting goes on ({of}).{finished}"


LOG_KINDS = ("ceasefire", "diplomacy", "force", "routine")


def log_kind(line: str) -> str:
    """What a log line is about: the ceasefire itself, diplomacy (concessions, links, threats, sanctions,
    withdrawals), force (fighting, escalation, arms supplies), or routine (a party holding its demands)."""
    body = line.split(": ", 1)[1] if ": " in line else line
    if body.startswith(("CEASEFIRE", "incident")) or " breaks the truce" in body:
        return "ceasefire"
    if body.startswith(("fighting:", "battle:")) or " escalates" in body or " supplies " in body:
        return "force"
    if body.endswith("holds its demands"):
        return "routine"
    return "diplomacy"


def log_newest_first(lines: list[str], limit: int | None = None, only: frozenset[str] | None = None) -> list[str]:
    """The event log newest turn first (lines within a turn keep their order); `only` keeps those kinds."""
    by_turn: dict[str, list[str]] = {}
    for line in lines:
        if only is None or log_kind(line) in only:
            by_turn.setdefault(line.split(":", 1)[0], []).append(line)
    out = [line for turn in reversed(list(by_turn)) for line in by_turn[turn]]
    return out[:limit] if limit is not None else out


# --------------------------------------------------------------------------- compare


class Cancelled(Exception):
    """The user cancelled a comparison."""


def compare_strategies(settings: Settings, runs: int = 1000, progress: Callable[[int, int], None] | None = None,
                       us_strategies: tuple[str, ...] = US_STRATEGIES, cancel: threading.Event | None = None) -> pd.DataFrame:
    """Every US strategy over `runs` replicates with the other settings unchanged (ensemble engine; common random
    numbers: replicate r has the same seed under every strategy). One row per run. `progress(done, total)` is called
    as runs finish; setting `cancel` stops at the next batch of runs (raising Cancelled)."""
    from runs.compare import run_strategies

    if settings.us_strategy is None:
        raise CeasefireError(f"{settings.scenario}: no US actor, so there are no US strategies to compare")
    if not 1 <= runs <= 200_000:
        raise CeasefireError(f"replicates {runs}: use a whole number from 1 to 200000")
    params = settings.params() | {"params.turns": settings.turns}
    total, done = runs * len(us_strategies), [0]

    def advance(n: int) -> None:
        done[0] += n
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        if progress is not None:
            progress(done[0], total)

    if cancel is not None and cancel.is_set():
        raise Cancelled()
    others = {k: v for k, v in settings.strategies().items() if k != "USA"}
    return run_strategies(settings.spec, us_strategies, runs, settings.seed, params=params, progress=advance,
                          strategies=others)


def outcome_shares(runs: pd.DataFrame) -> pd.DataFrame:
    """Per US strategy and outcome: count, share and 95% Wilson interval (plus "ever agreed")."""
    from runs.stats import wilson_interval

    seen = set(runs["outcome"].astype(str))
    outcomes = [o for o in OUTCOME_ORDER if o in seen or o in OUTCOMES] + sorted(seen - set(OUTCOME_ORDER))
    rows = []
    for strategy, group in runs.groupby(runs["us_strategy"].astype(str), sort=False):
        n = len(group)
        outcome = group["outcome"].astype(str)
        counts = {o: int((outcome == o).sum()) for o in outcomes}
        counts["ever_agreed"] = int(group["ever_agreed"].astype(bool).sum())
        for name, k in counts.items():
            lo, hi = wilson_interval(k, n)
            rows.append({"us_strategy": strategy, "outcome": name, "runs": n, "count": k, "share": k / n,
                         "lo": lo, "hi": hi})
    return pd.DataFrame(rows)


def best_outcome(shares: pd.DataFrame) -> str:
    """The outcome strategies are ranked by: the most lasting ceasefire the engine reports."""
    present = set(shares["outcome"])
    return next(o for o in OUTCOME_ORDER if o in present)


def ranking(shares: pd.DataFrame) -> list[str]:
    """US strategies, best first: by share of the best outcome, then by share ever agreed."""
    best = best_outcome(shares)
    wide = shares.pivot(index="us_strategy", columns="outcome", values="share")
    order = wide.sort_values([best, "ever_agreed"], ascending=False, kind="stable")
    return [str(s) for s in order.index]


def shares_table(shares: pd.DataFrame, runs: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per strategy in ranked order: share and 95% interval per outcome, and the median week of the first
    ceasefire among runs that agreed."""
    order = ranking(shares)
    table = []
    for rank, strategy in enumerate(order, 1):
        sub = shares[shares["us_strategy"] == strategy].set_index("outcome")
        row: dict[str, Any] = {"rank": rank, "US strategy": strategy, "runs": int(sub["runs"].iloc[0])}
        for outcome in sub.index:
            row[outcome] = (float(sub.at[outcome, "share"]), float(sub.at[outcome, "lo"]), float(sub.at[outcome, "hi"]))
        if runs is not None:
            first = runs.loc[runs["us_strategy"].astype(str) == strategy, "first_agreed_turn"].to_numpy()
            agreed = first[first >= 0]
            row["median_first_week"] = float(np.median(agreed)) if agreed.size else None
        table.append(row)
    return pd.DataFrame(table)


def time_to_ceasefire(runs: pd.DataFrame, turns: int, order: list[str] | None = None) -> pd.DataFrame:
    """Share of runs with a first ceasefire by each turn (0..turns), per US strategy: columns = strategies."""
    from runs.compare import agreed_by_turn

    return agreed_by_turn(runs, turns, order=order)
