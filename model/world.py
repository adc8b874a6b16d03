"""The batched state a turn works on: arrays with a leading run dimension (runs x actors x issues).

Both engines hold their state here: the Mesa model as a batch of one (its agents are views into row 0), the
ensemble engine as thousands of rows. Structure (who is in which camp, who has a veto) is shared by the batch;
every number can differ per run, so a sampled experiment is one array program (DESIGN section 6). The compiled
rules see the arrays as one named tuple (`model.rules.state.Arrays`); Python code reads every column by name
(`world.force`, `world.batna`, `world.p["horizon"]`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from model import layout
from model.constants import INTEGER_MECHANISM_NAMES, MECHANISM, MECHANISM_NAMES
from model.errors import CeasefireError
from model.rng import Stream, Streams
from model.rules.state import Arrays, State, pack
from model.scenario import MAX_MAGNITUDE, Scenario

ACTOR_FIELDS: tuple[str, ...] = (
    "force", "capability", "resolve", "credibility", "commitment", "no_deal_cost", "sanction_harm", "leverage",
    "optimism", "audience_cost", "strike_cost", "exposure",
)
"""Actor numbers that may be set or varied per run as `ACTOR.field`."""

_FIELD_RANGE: dict[str, tuple[float, float | None]] = {
    "resolve": (0.0, 1.0), "credibility": (0.0, 1.0), "commitment": (0.0, 1.0), "leverage": (0.0, 1.0),
    "exposure": (0.0, 1.0), "optimism": (-2.0, 2.0),
}
UNIT_ACTOR_FIELDS = frozenset(name for name, (lo, hi) in _FIELD_RANGE.items() if (lo, hi) == (0.0, 1.0))
"""Actor fields that are shares or probabilities in [0, 1]."""
UNIT_PARAMS = frozenset({"incident_rate", "war_intensity", "limited_escalation", "escalation_intensity",
                         "ceasefire_floor", "credibility_learning", "punish_fraction", "sanction_cost", "discount",
                         "incident_loss", "regroup_rate", "supply_rate"})
PARAM_NAMES: tuple[str, ...] = layout.PARAMS
"""Numbers that may be set or varied per run as `params.NAME` (or `NAME` with `--set`)."""


def allowed_override_names(scenario: Scenario) -> list[str]:
    """Every name `overrides` accepts for this scenario."""
    names = [f"params.{p}" for p in PARAM_NAMES] + ["params.turns"]
    names += [f"{a}.{f}" for a in scenario.actor_ids for f in ACTOR_FIELDS]
    names += [f"{i}.status_quo" for i in scenario.issue_ids]
    return names


@dataclass
class World:
    """State of B runs of one scenario: structure, the compiled rules' arrays, and the turn."""

    actor_ids: tuple[str, ...]
    actor_names: tuple[str, ...]
    issue_ids: tuple[str, ...]
    camp_ids: tuple[str, ...]
    focal: int  # the actor whose concession and utility the summary reports (the US where present)
    turns: int
    streams: Streams
    arrays: Arrays
    linkable: np.ndarray  # (K,) off the table at the start, so only linkage can bring it in
    turn: int = 0

    @cached_property
    def kernel(self) -> State | Arrays:
        """The same arrays packed as the compiled rules take them (`model.rules.state.pack`)."""
        return pack(self.arrays)

    def __getstate__(self) -> dict[str, Any]:
        # The cached views and the packed struct point into this process's arrays: rebuilt on demand after a copy.
        return {k: v for k, v in self.__dict__.items() if k not in ("kernel", "p", "enemy")}

    # Structure and fixed numbers.
    @property
    def batch(self) -> int:
        return self.arrays.keys.shape[0]

    @property
    def n_actors(self) -> int:
        return len(self.actor_ids)

    @property
    def camp(self) -> np.ndarray:
        return self.arrays.camp

    @property
    def veto(self) -> np.ndarray:
        return self.arrays.veto.astype(bool)

    @property
    def patron(self) -> np.ndarray:
        return self.arrays.patron

    @property
    def counterpart(self) -> np.ndarray:
        return self.arrays.counterpart

    @cached_property
    def enemy(self) -> np.ndarray:
        """(A, A) True where the two actors fight in opposite camps (read-only: camps never change)."""
        c = self.arrays.camp
        enemy = (c[:, None] >= 0) & (c[None, :] >= 0) & (c[:, None] != c[None, :])
        enemy.flags.writeable = False
        return enemy

    @property
    def ideal(self) -> np.ndarray:
        return self.arrays.ideal

    @property
    def salience(self) -> np.ndarray:
        return self.arrays.salience

    @property
    def status_quo(self) -> np.ndarray:
        return self.arrays.status_quo

    @cached_property
    def p(self) -> dict[str, np.ndarray]:
        """Every per-run parameter by name, each (B,) (views: built once, strategies read it every turn)."""
        return {name: self.arrays.params[:, n] for n, name in enumerate(layout.PARAMS)}

    def actor_param(self, name: str) -> np.ndarray:
        """A fixed per-actor number by name (B, A)."""
        return self.arrays.actor_params[:, :, layout.ACTOR_PARAMS.index(name)]

    # State that changes each turn.
    @property
    def demand(self) -> np.ndarray:
        return self.arrays.demand

    position = demand  # the first edition's name for public demands

    @property
    def on_table(self) -> np.ndarray:
        return self.arrays.on_table > 0.5

    @property
    def offer(self) -> np.ndarray:
        return self.arrays.offer

    @property
    def terms(self) -> np.ndarray:
        return self.arrays.terms

    @property
    def ceasefire(self) -> np.ndarray:
        return self.arrays.run_state[:, layout.CEASEFIRE] > 0.5

    @property
    def engaged(self) -> np.ndarray:
        return self.arrays.actor_state[:, :, layout.ENGAGED] > 0.5

    def event(self, name: str) -> np.ndarray:
        """What happened to each actor last turn, by name (B, A): see `model.layout.ACTOR_EVENTS`."""
        return self.arrays.actor_events[:, :, layout.ACTOR_EVENTS.index(name)]

    def run_event(self, name: str) -> np.ndarray:
        """What happened to each run last turn, by name (B,): see `model.layout.RUN_EVENTS`."""
        return self.arrays.run_events[:, layout.RUN_EVENTS.index(name)]

    def run_column(self, name: str) -> np.ndarray:
        """A run-state column by name (B,)."""
        return self.arrays.run_state[:, layout.RUN_STATE.index(name)]

    def __getattr__(self, name: str) -> np.ndarray:
        # Actor-state columns by name, (B, A) views: world.force, world.batna, world.margin, ...
        if name in layout.ACTOR_STATE:
            return self.__dict__["arrays"].actor_state[:, :, layout.ACTOR_STATE.index(name)]
        if name in layout.ACTOR_PARAMS:
            return self.__dict__["arrays"].actor_params[:, :, layout.ACTOR_PARAMS.index(name)]
        raise AttributeError(name)

    def beliefs(self) -> np.ndarray:
        """(B, A, C) each actor's believed chance that each camp prevails."""
        from model.rules.beliefs import believed_chances, chances_now
        out = np.zeros(self.arrays.delta.shape)
        for b in range(self.batch):
            p = chances_now(self.arrays, b)
            for i in range(self.n_actors):
                out[b, i] = believed_chances(p, self.arrays.delta[b, i])
        return out

    def strategy_uniform(self, actor: int, draw: int = 0) -> np.ndarray:
        """(B,) uniform draws reserved for actor's strategy this turn (its own stream: no other use shares it)."""
        if not 0 <= draw < 16:
            raise ValueError("a strategy has 16 draws a turn (draw 0..15)")
        return self.streams.uniform(self.turn, Stream.STRATEGY + actor * 16 + draw)


def _per_run(value: Any, batch: int, name: str, label: str) -> np.ndarray:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        return np.full(batch, float(arr))
    if arr.shape != (batch,):
        raise CeasefireError(f"{label}: override {name}: expected one value or {batch} values (got shape {arr.shape})")
    return arr.copy()


_PRIOR_WEEKS_MAX = 1e9
"""A prior worth a billion weeks of battles: beliefs that never move (the validation's "no learning" ablation)."""


def _param_max(name: str) -> float:
    """The largest value `params.NAME` accepts: 1 for shares and probabilities, the longest run for durations in
    weeks, `MAX_MAGNITUDE` for other numbers (finite and far beyond any plausible value, so that no arithmetic
    overflows)."""
    if name in UNIT_PARAMS:
        return 1.0
    if name in INTEGER_MECHANISM_NAMES or name == "horizon":
        return 10_000.0
    if name == "prior_weeks":
        return _PRIOR_WEEKS_MAX
    return MAX_MAGNITUDE


def _check_range(name: str, values: np.ndarray, lo: float, hi: float | None, label: str) -> None:
    bad = ~np.isfinite(values) | (values < lo) | ((values > hi) if hi is not None else False)
    if np.any(bad):
        allowed = f"[{lo}, {hi}]" if hi is not None else f">= {lo}"
        raise CeasefireError(f"{label}: {name}: value {values[np.argmax(bad)]:g} out of range; allowed {allowed}")


def _side(scenario: Scenario, camp: np.ndarray) -> np.ndarray:
    """The camp each actor wants to prevail: its own, else its clients' (the US backs the opposition)."""
    ids = scenario.actor_ids
    side = camp.copy()
    for j, a in enumerate(scenario.actors):
        if a.patron is not None:
            p = ids.index(a.patron)
            if side[p] < 0 and camp[j] >= 0:
                side[p] = camp[j]
    return side


def build_world(scenario: Scenario, keys: np.ndarray, overrides: dict[str, Any] | None = None) -> World:
    """The state of len(keys) runs of `scenario` at turn 0 (call `model.turn.start` before the first turn).

    Args:
        scenario: a validated scenario.
        keys: one stream key per run (see `model.rng`).
        overrides: `ACTOR.field`, `ISSUE.status_quo` or `params.NAME` mapped to one value or one value per run.

    Raises:
        CeasefireError: an unknown name or an out-of-range value.
    """
    keys = np.asarray(keys, dtype=np.uint64).reshape(-1)
    batch = keys.shape[0]
    label = scenario.label
    overrides = dict(overrides or {})
    allowed = set(allowed_override_names(scenario))
    for name in overrides:
        if name not in allowed:
            raise CeasefireError(
                f"{label}: unknown parameter {name!r}; allowed: params.NAME for NAME in {', '.join(PARAM_NAMES + ('turns',))}, "
                f"ACTOR.FIELD for ACTOR in {', '.join(scenario.actor_ids)} and FIELD in {', '.join(ACTOR_FIELDS)}, or ISSUE.status_quo"
            )

    actors, issues = scenario.actors, scenario.issues
    ids = tuple(a.id for a in actors)
    n_a, n_k = len(actors), len(issues)
    camp_ids = tuple(c.id for c in scenario.camps)
    n_c = len(camp_ids)
    camp = np.array([camp_ids.index(a.camp) if a.camp is not None else -1 for a in actors], dtype=np.int64)
    leader = np.array([ids.index(c.leader) for c in scenario.camps], dtype=np.int64)
    veto = np.array([a.veto for a in actors], dtype=np.bool_)
    capability_default = np.array([a.capability for a in actors])
    counterpart = np.array([_default_counterpart(i, scenario, veto, capability_default, camp, leader)
                            for i in range(n_a)], dtype=np.int64)
    patron = np.array([ids.index(a.patron) if a.patron else -1 for a in actors], dtype=np.int64)
    contested = np.array([i.contested for i in issues], dtype=np.bool_) & (n_c > 0)

    def actor_field(name: str) -> np.ndarray:
        out = np.empty((batch, n_a))
        lo, hi = _FIELD_RANGE.get(name, (0.0, MAX_MAGNITUDE))
        for i, a in enumerate(actors):
            key = f"{a.id}.{name}"
            default = getattr(a, name)
            if name == "commitment" and default is None:
                default = -1.0  # decides by its own comparison
            out[:, i] = _per_run(overrides.get(key, default), batch, key, label)
            if not (name == "commitment" and np.all(out[:, i] == -1.0)):
                _check_range(key, out[:, i], lo, hi, label)
        return out

    ideal = np.broadcast_to(np.array([[a.ideal[i.id] for i in issues] for a in actors]), (batch, n_a, n_k)).copy()
    salience = np.broadcast_to(np.array([[a.salience[i.id] for i in issues] for a in actors]), (batch, n_a, n_k)).copy()
    status_quo = np.empty((batch, n_k))
    for k, issue in enumerate(issues):
        key = f"{issue.id}.status_quo"
        status_quo[:, k] = _per_run(overrides.get(key, issue.status_quo), batch, key, label)
        _check_range(key, status_quo[:, k], 0.0, 1.0, label)

    params = np.empty((batch, len(PARAM_NAMES)))
    for n, name in enumerate(PARAM_NAMES):
        default = getattr(MECHANISM, name) if name in MECHANISM_NAMES else getattr(scenario.params, name)
        values = _per_run(overrides.get(f"params.{name}", default), batch, f"params.{name}", label)
        _check_range(f"params.{name}", values, 0.0, _param_max(name), label)
        if name in INTEGER_MECHANISM_NAMES and (np.any(values != np.round(values))):
            raise CeasefireError(f"{label}: params.{name}: must be a whole number of weeks")
        params[:, n] = values
    if np.any(params[:, layout.THREAT_PERIOD] < 1):
        raise CeasefireError(f"{label}: params.threat_period: must be a whole number of weeks >= 1")
    turns_value = overrides.get("params.turns", scenario.params.turns)
    turns_arr = np.unique(np.asarray(turns_value))
    if turns_arr.size != 1 or turns_arr[0] < 1 or turns_arr[0] != int(turns_arr[0]) or turns_arr[0] > 10_000:
        raise CeasefireError(f"{label}: params.turns: must be one whole number in [1, 10000] for the whole batch")

    actor_params = np.empty((batch, n_a, len(layout.ACTOR_PARAMS)))
    for col, name in enumerate(layout.ACTOR_PARAMS):
        actor_params[:, :, col] = actor_field("force") if name == "force0" else actor_field(name)

    # Utility of each actor if camp c prevails (contested issues at c's leader's ideal, others at the status quo);
    # the last column: no camp prevails (everything at the status quo).
    war_utility = np.empty((batch, n_a, n_c + 1))
    for c in range(n_c + 1):
        outcome = status_quo.copy()
        if c < n_c:
            outcome[:, contested] = ideal[:, leader[c], :][:, contested]
        war_utility[:, :, c] = 1.0 - (salience * np.abs(outcome[:, None, :] - ideal)).sum(axis=2)

    actor_state = np.zeros((batch, n_a, len(layout.ACTOR_STATE)))
    actor_state[:, :, layout.FORCE] = actor_params[:, :, layout.FORCE0]
    actor_state[:, :, layout.RESOLVE] = actor_field("resolve")
    actor_state[:, :, layout.CREDIBILITY] = actor_field("credibility")
    actor_state[:, :, layout.ENGAGED] = 1.0
    actor_state[:, :, layout.THREAT_DEADLINE] = -1.0
    actor_state[:, :, layout.SANCTIONING] = np.array([float(a.sanctioning) for a in actors])
    actor_state[:, :, layout.SUSPENDED_UNTIL] = -1.0
    fights = (camp >= 0) & np.array([bool(((camp >= 0) & (camp != c)).any()) if c >= 0 else False for c in camp])
    actor_state[:, :, layout.WAR_INTENSITY] = np.where(fights, params[:, layout.WAR][:, None], 0.0)
    run_state = np.zeros((batch, len(layout.RUN_STATE)))
    run_state[:, layout.FIRST_AGREED] = -1.0
    run_state[:, layout.TRUCE_START] = -1.0
    run_state[:, layout.FIRST_TRUCE_END] = -1.0
    run_state[:, layout.P_FAIL_AT_FIRST] = np.nan

    arrays = Arrays(
        keys=keys, camp=camp, side=_side(scenario, camp), veto=veto, patron=patron, counterpart=counterpart,
        contested=contested, leader=leader, ideal=ideal, salience=salience, status_quo=status_quo,
        war_utility=war_utility, actor_params=actor_params, actor_state=actor_state, run_state=run_state,
        params=params, demand=ideal.copy(),
        on_table=np.broadcast_to(np.array([float(i.on_table) for i in issues]), (batch, n_k)).copy(),
        offer=status_quo.copy(), terms=np.full((batch, n_k), np.nan),
        delta=np.zeros((batch, n_a, n_c)), precision=np.zeros((batch, n_a, n_c)),
        concede=np.zeros((batch, n_a, n_k)), link=np.zeros((batch, n_a, n_k)),
        actions=np.zeros((batch, n_a, len(layout.ACTIONS))),
        actor_events=np.zeros((batch, n_a, len(layout.ACTOR_EVENTS))),
        run_events=np.zeros((batch, len(layout.RUN_EVENTS))),
    )
    return World(
        actor_ids=ids, actor_names=tuple(a.name or a.id for a in actors), issue_ids=tuple(i.id for i in issues),
        camp_ids=camp_ids, focal=ids.index("USA") if "USA" in ids else int(np.argmax(veto)),
        turns=int(turns_arr[0]), streams=Streams(keys), arrays=arrays,
        linkable=np.array([not i.on_table for i in issues]),
    )


def _default_counterpart(i: int, scenario: Scenario, veto: np.ndarray, capability: np.ndarray,
                         camp: np.ndarray, camp_leader: np.ndarray) -> int:
    """Whom an actor bargains with: as declared, else the strongest other veto player, else the enemy leader."""
    ids = scenario.actor_ids
    declared = scenario.actors[i].counterpart
    if declared:
        return ids.index(declared)
    others = [j for j in range(len(ids)) if j != i and veto[j]]
    if others:
        return max(others, key=lambda j: (capability[j], -j))
    enemies = [int(leader) for leader in camp_leader if camp[i] >= 0 and camp[leader] != camp[i]]
    if enemies:
        return enemies[0]
    return next(j for j in range(len(ids)) if j != i) if len(ids) > 1 else i
