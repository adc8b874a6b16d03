"""The batched state a turn works on: arrays with a leading run dimension (runs x actors x issues).

Both engines hold their state here: the Mesa model as a batch of one (its agents are views into row 0), the
ensemble engine as thousands of rows. Structure (who is in which camp, who has a veto) is shared by the batch;
every number can differ per run, so a sampled experiment is one array program (DESIGN section 6).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from model.constants import INTEGER_MECHANISM_NAMES, MECHANISM, MECHANISM_NAMES
from model.errors import CeasefireError
from model.rng import Stream, Streams
from model.scenario import Params, Scenario

ACTOR_FIELDS: tuple[str, ...] = (
    "force", "capability", "resolve", "credibility", "commitment", "no_deal_cost", "threat_harm", "sanction_harm",
)
"""Actor numbers that may be set or varied per run as `ACTOR.field`."""

UNIT_ACTOR_FIELDS = frozenset({"resolve", "credibility", "commitment"})
SCENARIO_PARAM_NAMES: tuple[str, ...] = tuple(n for n in Params.model_fields if n != "turns")
PARAM_NAMES: tuple[str, ...] = MECHANISM_NAMES + SCENARIO_PARAM_NAMES
"""Numbers that may be set or varied per run as `params.NAME` (or `NAME` with `--set`)."""

UNIT_PARAMS = frozenset({"incident_rate", "war_intensity", "limited_escalation", "escalation_intensity",
                         "ceasefire_floor", "credibility_learning", "punish_fraction", "sanction_cost"})


def allowed_override_names(scenario: Scenario) -> list[str]:
    """Every name `overrides` accepts for this scenario."""
    names = [f"params.{p}" for p in PARAM_NAMES] + ["params.turns"]
    names += [f"{a}.{f}" for a in scenario.actor_ids for f in ACTOR_FIELDS]
    names += [f"{i}.status_quo" for i in scenario.issue_ids]
    return names


@dataclass
class World:
    """State of B runs of one scenario. Shapes: (B,) per run, (B, A) per actor, (B, A, K) per actor and issue."""

    # Structure, shared by every run of the batch.
    actor_ids: tuple[str, ...]
    actor_names: tuple[str, ...]
    issue_ids: tuple[str, ...]
    camp_ids: tuple[str, ...]
    camp: np.ndarray  # (A,) camp index, -1 for none
    members: np.ndarray  # (A, C) 1.0 where the actor is in the camp
    camp_leader: np.ndarray  # (C,) actor index
    enemy: np.ndarray  # (A, A) True where the two actors fight on opposite sides
    veto: np.ndarray  # (A,) bool
    spoiler: np.ndarray  # (A,) bool
    counterpart: np.ndarray  # (A,) actor index
    patron: np.ndarray  # (A,) actor index, -1 for none
    threat_exposed: np.ndarray  # (A, A) [j, a]: a bears the punishment j threatens (j's counterpart and its camp)
    contested: np.ndarray  # (K,) bool
    linkable: np.ndarray  # (K,) bool: off the table at the start, so only linkage can bring it in
    focal: int  # the actor whose concession and utility the summary reports (the US where present)
    turns: int
    streams: Streams

    # Numbers that may differ per run but do not change during it.
    ideal: np.ndarray  # (B, A, K)
    salience: np.ndarray  # (B, A, K)
    status_quo: np.ndarray  # (B, K)
    force0: np.ndarray  # (B, A)
    capability: np.ndarray
    commitment: np.ndarray
    no_deal_cost: np.ndarray
    threat_harm: np.ndarray
    sanction_harm: np.ndarray
    p: dict[str, np.ndarray]  # parameters, each (B,)
    static_loss: np.ndarray  # (B, A) salience-weighted loss on issues force does not decide (status quo stands)
    contest_loss: np.ndarray  # (B, A, C) salience-weighted loss on contested issues if camp c prevails

    # State that changes each turn.
    turn: int = 0
    position: np.ndarray = field(default=None)  # (B, A, K) current demands
    force: np.ndarray = field(default=None)
    resolve: np.ndarray = field(default=None)
    credibility: np.ndarray = field(default=None)
    engaged: np.ndarray = field(default=None)  # (B, A) False once an actor has withdrawn
    threat_deadline: np.ndarray = field(default=None)  # (B, A) turn of the deadline of its threat, -1 for none
    sanctioning: np.ndarray = field(default=None)  # (B, A) its sanctions on its counterpart are in force
    intensity: np.ndarray = field(default=None)  # (B, A) fighting intensity it chose this turn
    concession: np.ndarray = field(default=None)  # (B, A) how far it moved its demands this turn
    casualties: np.ndarray = field(default=None)  # (B, A) force lost so far
    ceasefire: np.ndarray = field(default=None)  # (B,) a ceasefire is in force
    terms: np.ndarray = field(default=None)  # (B, K) terms of the current or last ceasefire (nan if none)
    first_agreed: np.ndarray = field(default=None)  # (B,) turn of the first agreement, -1 if none
    turns_held: np.ndarray = field(default=None)  # (B,) turns with a ceasefire in force
    n_ceasefires: np.ndarray = field(default=None)  # (B,)
    offer: np.ndarray = field(default=None)  # (B, K) the deal on offer
    deal_value: np.ndarray = field(default=None)  # (B, A) V_i
    batna: np.ndarray = field(default=None)  # (B, A) BATNA_i
    win_prob: np.ndarray = field(default=None)  # (B, C) each camp's chance to prevail (undistorted)
    p_fail: np.ndarray = field(default=None)  # (B,) risk the deal on offer fails
    on_table: np.ndarray = field(default=None)  # (B, K) the issue is part of the negotiation
    distrust: np.ndarray = field(default=None)  # (B,) expected failure of any deal, after past collapses

    @property
    def batch(self) -> int:
        return self.ideal.shape[0]

    @property
    def n_actors(self) -> int:
        return len(self.actor_ids)

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


def _check_range(name: str, values: np.ndarray, lo: float, hi: float | None, label: str) -> None:
    bad = ~np.isfinite(values) | (values < lo) | ((values > hi) if hi is not None else False)
    if np.any(bad):
        allowed = f"[{lo}, {hi}]" if hi is not None else f">= {lo}"
        raise CeasefireError(f"{label}: {name}: value {values[np.argmax(bad)]:g} out of range; allowed {allowed}")


def build_world(
    scenario: Scenario,
    keys: np.ndarray,
    overrides: dict[str, Any] | None = None,
) -> World:
    """The state of len(keys) runs of `scenario` at turn 0.

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
    camp = np.array([camp_ids.index(a.camp) if a.camp is not None else -1 for a in actors], dtype=np.int64)
    members = np.zeros((n_a, len(camp_ids)))
    for i, c in enumerate(camp):
        if c >= 0:
            members[i, c] = 1.0
    camp_leader = np.array([ids.index(c.leader) for c in scenario.camps], dtype=np.int64)
    enemy = (camp[:, None] >= 0) & (camp[None, :] >= 0) & (camp[:, None] != camp[None, :])
    veto = np.array([a.veto for a in actors])
    spoiler = np.array([a.spoiler for a in actors])
    capability_default = np.array([a.capability for a in actors])
    counterpart = np.array([_default_counterpart(i, scenario, veto, capability_default, camp, camp_leader) for i in range(n_a)])
    patron = np.array([ids.index(a.patron) if a.patron else -1 for a in actors], dtype=np.int64)
    threat_exposed = np.zeros((n_a, n_a), dtype=bool)
    for j in range(n_a):
        target = counterpart[j]
        threat_exposed[j, target] = True
        if camp[target] >= 0:
            threat_exposed[j] |= (camp == camp[target]) & (camp != camp[j])
    contested = np.array([i.contested for i in issues]) & (len(camp_ids) > 0)
    focal = ids.index("USA") if "USA" in ids else int(np.argmax(veto))

    def actor_field(name: str) -> np.ndarray:
        out = np.empty((batch, n_a))
        for i, a in enumerate(actors):
            key = f"{a.id}.{name}"
            out[:, i] = _per_run(overrides.get(key, getattr(a, name)), batch, key, label)
            hi = 1.0 if name in UNIT_ACTOR_FIELDS else None
            _check_range(key, out[:, i], 0.0, hi, label)
        return out

    ideal = np.broadcast_to(np.array([[a.ideal[i.id] for i in issues] for a in actors]), (batch, n_a, n_k)).copy()
    salience = np.broadcast_to(np.array([[a.salience[i.id] for i in issues] for a in actors]), (batch, n_a, n_k)).copy()
    status_quo = np.empty((batch, n_k))
    for k, issue in enumerate(issues):
        key = f"{issue.id}.status_quo"
        status_quo[:, k] = _per_run(overrides.get(key, issue.status_quo), batch, key, label)
        _check_range(key, status_quo[:, k], 0.0, 1.0, label)

    p: dict[str, np.ndarray] = {}
    for name in PARAM_NAMES:
        default = getattr(MECHANISM, name) if name in MECHANISM_NAMES else getattr(scenario.params, name)
        values = _per_run(overrides.get(f"params.{name}", default), batch, f"params.{name}", label)
        _check_range(f"params.{name}", values, 0.0, 1.0 if name in UNIT_PARAMS else None, label)
        if name in INTEGER_MECHANISM_NAMES:
            if np.any(values < 1) or np.any(values != np.round(values)):
                raise CeasefireError(f"{label}: params.{name}: must be a whole number of turns >= 1")
        p[name] = values
    turns_value = overrides.get("params.turns", scenario.params.turns)
    turns_arr = np.unique(np.asarray(turns_value))
    if turns_arr.size != 1 or turns_arr[0] < 1 or turns_arr[0] != int(turns_arr[0]):
        raise CeasefireError(f"{label}: params.turns: must be one whole number >= 1 for the whole batch")

    force = actor_field("force")
    loss_if_sq = salience * np.abs(status_quo[:, None, :] - ideal)
    static_loss = (loss_if_sq * ~contested).sum(axis=2)
    leader_ideal = ideal[:, camp_leader, :]  # (B, C, K)
    contest_loss = (salience[:, :, None, :] * np.abs(leader_ideal[:, None, :, :] - ideal[:, :, None, :]) * contested).sum(axis=3)

    world = World(
        actor_ids=ids,
        actor_names=tuple(a.name or a.id for a in actors),
        issue_ids=tuple(i.id for i in issues),
        camp_ids=camp_ids,
        camp=camp,
        members=members,
        camp_leader=camp_leader,
        enemy=enemy,
        veto=veto,
        spoiler=spoiler,
        counterpart=counterpart,
        patron=patron,
        threat_exposed=threat_exposed,
        contested=contested,
        linkable=np.array([not i.on_table for i in issues]),
        focal=focal,
        turns=int(turns_arr[0]),
        streams=Streams(keys),
        ideal=ideal,
        salience=salience,
        status_quo=status_quo,
        force0=force.copy(),
        capability=actor_field("capability"),
        commitment=actor_field("commitment"),
        no_deal_cost=actor_field("no_deal_cost"),
        threat_harm=actor_field("threat_harm"),
        sanction_harm=actor_field("sanction_harm"),
        p=p,
        static_loss=static_loss,
        contest_loss=contest_loss,
    )
    world.position = ideal.copy()
    world.force = force
    world.resolve = actor_field("resolve")
    world.credibility = actor_field("credibility")
    world.engaged = np.ones((batch, n_a), dtype=bool)
    world.threat_deadline = np.full((batch, n_a), -1, dtype=np.int64)
    world.sanctioning = np.broadcast_to(np.array([a.sanctioning for a in actors]), (batch, n_a)).copy()
    world.intensity = np.zeros((batch, n_a))
    world.concession = np.zeros((batch, n_a))
    world.casualties = np.zeros((batch, n_a))
    world.ceasefire = np.zeros(batch, dtype=bool)
    world.terms = np.full((batch, n_k), np.nan)
    world.first_agreed = np.full(batch, -1, dtype=np.int64)
    world.turns_held = np.zeros(batch, dtype=np.int64)
    world.n_ceasefires = np.zeros(batch, dtype=np.int64)
    world.on_table = np.broadcast_to(np.array([i.on_table for i in issues]), (batch, n_k)).copy()
    world.distrust = np.zeros(batch)
    return world


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
