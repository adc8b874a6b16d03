"""Same seed, same run: every per-turn table identical (PettingZoo's habit of building twice and comparing)."""

from __future__ import annotations

from model.mesa_model import CeasefireModel
from tests.conftest import assert_frames_equal


def _run(seed, us="or_else"):
    model = CeasefireModel("syria-2016", us_strategy=us, turns=20, rng=seed)
    model.run()
    return model


def test_same_seed_gives_identical_per_turn_tables_and_log():
    a, b = _run(5), _run(5)
    assert_frames_equal(a.model_table(), b.model_table())
    assert_frames_equal(a.actor_table(), b.actor_table())
    assert a.log == b.log and a.summary() == b.summary()


def test_different_seeds_give_different_runs():
    a, b = _run(5), _run(6)
    assert not a.actor_table()["force"].equals(b.actor_table()["force"])


def test_tables_have_one_row_per_turn_and_actor():
    model = _run(1)
    assert len(model.model_table()) == 20
    assert len(model.actor_table()) == 20 * len(model.actors)
    assert {"deal_value", "batna", "demand_assad_future", "force"} <= set(model.actor_table().columns)
