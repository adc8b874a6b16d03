"""Property tests over random scenarios and strategies: demands stay in [0, 1], forces >= 0, saliences sum to 1,
and the offer never leaves the range of the signatories' public demands."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents import strategies as registry
from model import scenario as scenario_module
from model.rng import replicate_keys
from model.turn import advance, start
from model.world import build_world

unit = st.floats(0.0, 1.0, allow_nan=False)


@st.composite
def scenarios(draw):
    n_issues = draw(st.integers(1, 4))
    n_actors = draw(st.integers(2, 5))
    issues = [{"id": f"issue_{k}", "status_quo": draw(unit), "contested": draw(st.booleans()),
               "on_table": draw(st.booleans()) if k else True} for k in range(n_issues)]
    camps = [{"id": "a", "leader": "A0"}, {"id": "b", "leader": "A1"}]
    actors = []
    for i in range(n_actors):
        raw = [draw(st.floats(0.01, 1.0)) for _ in range(n_issues)]
        total = sum(raw)
        sal = [r / total for r in raw]
        sal[-1] = 1.0 - sum(sal[:-1])
        actors.append({
            "id": f"A{i}", "camp": ["a", "b", None][min(i, 2) if i < 2 else draw(st.integers(0, 2))],
            "veto": i < 2 or draw(st.booleans()), "spoiler": draw(st.booleans()),
            "strategy": draw(st.sampled_from(registry.names())),
            "force": draw(st.floats(0.0, 50.0)), "capability": draw(st.floats(0.0, 2.0)),
            "resolve": draw(unit), "credibility": draw(unit),
            "commitment": draw(st.one_of(st.none(), unit)), "optimism": draw(st.floats(-1.0, 1.0)),
            "audience_cost": draw(st.floats(0.0, 0.5)), "strike_cost": draw(st.floats(0.0, 0.2)),
            "exposure": draw(unit), "leverage": draw(unit),
            "no_deal_cost": draw(st.floats(0.0, 0.05)),
            "sanction_harm": draw(st.floats(0.0, 0.05)),
            "ideal": {f"issue_{k}": draw(unit) for k in range(n_issues)},
            "salience": {f"issue_{k}": max(0.0, sal[k]) for k in range(n_issues)},
        })
    for i in range(2, n_actors):  # some non-veto actors get a veto patron
        if not actors[i]["veto"] and draw(st.booleans()):
            actors[i]["patron"] = "A0"
    return {"scenario": {"name": "random"}, "params": {"turns": 15}, "issues": issues, "camps": camps, "actors": actors}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=scenarios(), seed=st.integers(0, 2**32 - 1))
def test_random_scenarios_keep_every_quantity_in_range(data, seed):
    spec = scenario_module.parse(data, "random.toml")
    world = build_world(spec, replicate_keys(seed, 0, 3))
    players = [registry.get(a.strategy) for a in spec.actors]
    start(world)
    signers = np.flatnonzero(world.veto)
    for _ in range(world.turns):
        advance(world, players)
        # Without a truce, the offer stays within the range of the signatories' public demands.
        at_table = world.engaged[:, signers] & (world.suspended_until[:, signers] < world.turn)
        present = at_table[:, :, None]
        lo = np.where(present, world.demand[:, signers, :], np.inf).min(axis=1)
        hi = np.where(present, world.demand[:, signers, :], -np.inf).max(axis=1)
        checked = world.on_table & ~world.ceasefire[:, None] & (at_table.sum(axis=1) >= 2)[:, None]
        assert np.all(~checked | ((world.offer >= lo - 1e-9) & (world.offer <= hi + 1e-9)))
        assert np.all((world.demand >= 0.0) & (world.demand <= 1.0))
        assert np.all(world.force >= 0.0)
        assert np.all((world.resolve >= 0.0) & (world.resolve <= 1.0))
        assert np.all((world.credibility >= 0.0) & (world.credibility <= 1.0))
        p_fail = world.p_fail[world.engaged & world.veto[None, :]]
        assert np.all((p_fail >= 0.0) & (p_fail <= 1.0))
        np.testing.assert_allclose(world.salience.sum(axis=2), 1.0, atol=1e-9)
        assert np.all(np.isfinite(world.deal_value)) and np.all(np.isfinite(world.batna))
    assert np.all(world.run_column("weeks_under_ceasefire") <= world.turns)
