"""The compiled turn is the rules as written: a run's result does not depend on its batch or worker, and the kernel
agrees exactly with the same rules run as plain Python on random small worlds."""

from __future__ import annotations

import sys
from contextlib import contextmanager

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numba.core.registry import CPUDispatcher

from agents import strategies as registry
from model import layout
from model import scenario as scenario_module
from model import turn as turn_module
from model.ensemble import run_replicates
from model.rng import replicate_keys
from model.rules.state import Arrays, pack
from model.turn import advance, start
from model.world import build_world
from runs.compare import run_strategies
from tests.conftest import all_scenarios, assert_frames_equal


def _cases():
    for name in all_scenarios():
        spec = scenario_module.load(name)
        for us in (["or_else", "carrot_and_stick"] if "USA" in spec.actor_ids else [None]):
            yield pytest.param(name, us, id=f"{name}-{us or 'historical'}")


@pytest.mark.parametrize("name, us", list(_cases()))
def test_a_run_does_not_depend_on_its_batch_size(name, us):
    spec = scenario_module.load(name)
    batch_of_1000 = run_replicates(spec, 1000, seed=11, us_strategy=us, chunk_size=1000)
    batches_of_7 = run_replicates(spec, 70, seed=11, us_strategy=us, chunk_size=7)
    batches_of_1 = run_replicates(spec, 15, seed=11, us_strategy=us, chunk_size=1)
    assert_frames_equal(batches_of_7, batch_of_1000.iloc[:70].reset_index(drop=True))
    assert_frames_equal(batches_of_1, batch_of_1000.iloc[:15].reset_index(drop=True))


def test_a_comparison_does_not_depend_on_the_number_of_workers(syria):
    kwargs = {"runs": 1200, "seed": 5, "params": {"params.turns": 30}}
    one = run_strategies(syria, ["or_else", "linkage"], workers=1, **kwargs)
    two = run_strategies(syria, ["or_else", "linkage"], workers=2, **kwargs)
    assert_frames_equal(one, two)


# The kernel against the rules run as plain Python.

@contextmanager
def plain_python():
    """Every compiled function of the rules replaced, in every module that names it, by the Python function it was
    compiled from (`py_func`): the same source, run by the interpreter."""
    modules = [m for name, m in sys.modules.items() if name == "model.turn" or name.startswith("model.rules")]
    replaced = []
    for module in modules:
        for name, value in list(vars(module).items()):
            if isinstance(value, CPUDispatcher):
                replaced.append((module, name, value))
                setattr(module, name, value.py_func)
    try:
        with np.errstate(over="ignore"):  # the random-number hash multiplies uint64 with wrap-around, on purpose
            yield
    finally:
        for module, name, value in replaced:
            setattr(module, name, value)


unit = st.floats(0.0, 1.0, allow_nan=False)


@st.composite
def small_worlds(draw):
    """A random scenario: 2-5 actors, 1-3 issues, 0-3 camps, patrons, counterparts and every actor number."""
    n_issues = draw(st.integers(1, 3))
    n_actors = draw(st.integers(2, 5))
    n_camps = draw(st.integers(0, min(3, n_actors)))
    ids = [f"A{i}" for i in range(n_actors)]
    camp_of = [f"c{i}" if i < n_camps else draw(st.sampled_from([None] + [f"c{c}" for c in range(n_camps)]))
               for i in range(n_actors)]
    veto = [i == 0 or draw(st.booleans()) for i in range(n_actors)]
    if sum(veto) > 3:  # four or more signatories: the Nash offer's gradient steps, slow as plain Python
        veto = [v and i < 3 for i, v in enumerate(veto)]
    actors = []
    for i in range(n_actors):
        raw = [draw(st.floats(0.01, 1.0)) for _ in range(n_issues)]
        sal = [r / sum(raw) for r in raw]
        sal[-1] = 1.0 - sum(sal[:-1])
        others = [a for a in ids if a != ids[i]]
        patrons = [ids[j] for j in range(n_actors) if veto[j] and j != i]
        actor = {
            "id": ids[i], "camp": camp_of[i], "veto": veto[i], "spoiler": draw(st.booleans()),
            "strategy": draw(st.sampled_from(registry.names())),
            "force": draw(st.floats(0.0, 50.0)), "capability": draw(st.floats(0.0, 2.0)),
            "resolve": draw(unit), "credibility": draw(unit),
            "commitment": draw(st.one_of(st.none(), unit)), "no_deal_cost": draw(st.floats(0.0, 0.02)),
            "sanction_harm": draw(st.floats(0.0, 0.02)), "sanctioning": draw(st.booleans()),
            "leverage": draw(unit), "optimism": draw(st.floats(-1.5, 1.5)),
            "audience_cost": draw(st.floats(0.0, 0.5)), "strike_cost": draw(st.floats(0.0, 0.05)),
            "exposure": draw(unit),
            "ideal": {f"issue_{k}": draw(unit) for k in range(n_issues)},
            "salience": {f"issue_{k}": max(0.0, sal[k]) for k in range(n_issues)},
        }
        if draw(st.booleans()):
            actor["counterpart"] = draw(st.sampled_from(others))
        if patrons and draw(st.booleans()):
            actor["patron"] = draw(st.sampled_from(patrons))
        actors.append(actor)
    issues = [{"id": f"issue_{k}", "status_quo": draw(unit), "contested": draw(st.booleans()),
               "on_table": draw(st.booleans()) if k else True} for k in range(n_issues)]
    camps = [{"id": f"c{c}", "leader": ids[c]} for c in range(n_camps)]
    return {"scenario": {"name": "random"}, "params": {"turns": 20, "incident_rate": draw(unit)}, "issues": issues,
            "camps": camps, "actors": actors}


def _random_moves(world, rng: np.random.Generator) -> None:
    """Moves for the next turn that reach every branch: escalation levels, ultimatums kept as enforcement clauses,
    sanctions imposed and lifted, supply, withdrawal, concessions and linked concessions."""
    s = world.arrays
    shape = s.actions.shape[:2]
    levels = np.stack([np.zeros(world.batch), world.p["war_intensity"], world.p["limited_escalation"],
                       np.ones(world.batch)], axis=1)
    s.actions[:, :, layout.A_ESCALATE] = levels[np.arange(world.batch)[:, None], rng.integers(0, 4, shape)]
    s.actions[:, :, layout.A_THREATEN] = rng.random(shape) < 0.4
    s.actions[:, :, layout.A_ENFORCE] = rng.random(shape) < 0.5
    s.actions[:, :, layout.A_SANCTION] = rng.integers(-1, 2, shape)
    s.actions[:, :, layout.A_SUPPLY] = rng.random(shape) < 0.3
    s.actions[:, :, layout.A_WITHDRAW] = rng.random(shape) < 0.05
    s.concede[...] = rng.normal(0.0, 0.1, s.concede.shape) * (rng.random(s.concede.shape) < 0.3)
    s.link[...] = rng.normal(0.0, 0.1, s.link.shape) * (rng.random(s.link.shape) < 0.1)


def _copy(arrays: Arrays) -> Arrays:
    return Arrays(*[a.copy() for a in arrays])


COLUMNS = {"actor_params": layout.ACTOR_PARAMS, "actor_state": layout.ACTOR_STATE, "run_state": layout.RUN_STATE,
           "params": layout.PARAMS, "actions": layout.ACTIONS, "actor_events": layout.ACTOR_EVENTS,
           "run_events": layout.RUN_EVENTS}


def _assert_same_arrays(compiled: Arrays, plain: Arrays, what: str) -> None:
    for name, a, b in zip(Arrays._fields, compiled, plain, strict=True):
        same = (a == b) | (np.isnan(a) & np.isnan(b)) if a.dtype.kind == "f" else a == b
        if not same.all():
            where = name
            if name in COLUMNS:
                columns = np.flatnonzero(~same.reshape(-1, same.shape[-1]).all(axis=0))
                where += "[" + ", ".join(COLUMNS[name][c] for c in columns) + "]"
            raise AssertionError(f"{what}: {where} differs: compiled {a[~same][:3]} vs plain Python {b[~same][:3]}")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=small_worlds(), seed=st.integers(0, 2**32 - 1), warm_up=st.integers(0, 8))
def test_the_kernel_and_the_rules_as_plain_python_agree_exactly_on_a_turn(data, seed, warm_up):
    spec = scenario_module.parse(data, "random.toml")
    world = build_world(spec, replicate_keys(seed, 0, 2))
    before = _copy(world.arrays)
    start(world)
    with plain_python():
        turn_module.evaluate_all(before, 0)
    _assert_same_arrays(world.arrays, before, "turn 0")

    players = [registry.get(a.strategy) for a in spec.actors]
    for _ in range(warm_up):  # a few compiled turns, so that beliefs, truces and threats have a history
        advance(world, players, report=False)
    world.turn += 1
    _random_moves(world, np.random.default_rng(seed))
    plain = _copy(world.arrays)
    turn_module.resolve_turn(pack(world.arrays), world.turn)
    with plain_python():
        turn_module.resolve_turn(plain, world.turn)
    _assert_same_arrays(world.arrays, plain, f"turn {world.turn}")


def test_plain_python_mode_really_runs_the_python_functions():
    # The reference is only a reference if no compiled rule is left in it.
    with plain_python():
        for name, module in sys.modules.items():
            if name == "model.turn" or name.startswith("model.rules"):
                assert not any(isinstance(v, CPUDispatcher) for v in vars(module).values()), name
    assert isinstance(turn_module.resolve_turn, CPUDispatcher)
