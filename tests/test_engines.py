"""The Mesa model and the ensemble engine are one set of rules: identical summaries and per-turn tables for every
US strategy and many seeds, on every built-in scenario; and a run's result never depends on the batch size."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from agents.strategies import US_STRATEGIES
from model import scenario as scenario_module
from model.ensemble import run_replicates
from model.mesa_model import CeasefireModel
from model.outcomes import summarize
from model.rng import replicate_seed
from tests.conftest import all_scenarios, assert_frames_equal

SEEDS = 20
MASTER = 2016


def _strategy_sets(spec):
    if "USA" in spec.actor_ids:
        return [{"us_strategy": s} for s in US_STRATEGIES]
    return [{}]


def _cases():
    for name in all_scenarios():
        spec = scenario_module.load(name)
        for kwargs in _strategy_sets(spec):
            yield pytest.param(name, kwargs, id=f"{name}-{kwargs.get('us_strategy', 'historical')}")


def assert_same_value(a, b, name: str) -> None:
    """Exact equality of one summary field (NaN equal to NaN)."""
    if isinstance(a, float | np.floating):
        assert np.array_equal(np.float64(a), np.float64(b), equal_nan=True), name
    else:
        assert a == b, name


@pytest.mark.parametrize("name, kwargs", list(_cases()))
def test_mesa_and_ensemble_agree_run_by_run_and_turn_by_turn(name, kwargs):
    spec = scenario_module.load(name)
    turns = min(spec.params.turns, 30)
    summary, model_trace, actor_trace = run_replicates(spec, SEEDS, seed=MASTER, params={"params.turns": turns},
                                                       traces=True, chunk_size=7, **kwargs)
    for r in range(SEEDS):
        model = CeasefireModel(spec, turns=turns, rng=replicate_seed(MASTER, r), **kwargs)
        mesa_summary = model.run()
        row = summary.iloc[r]
        assert mesa_summary["outcome"] == row["outcome"]
        assert mesa_summary["first_agreed_turn"] == (None if row["first_agreed_turn"] < 0 else row["first_agreed_turn"])
        assert mesa_summary["weeks_under_ceasefire"] == row["weeks_under_ceasefire"]
        assert mesa_summary["us_concession"] == round(float(row["us_concession"]), 6)
        assert mesa_summary["casualties"] == round(float(row["casualties"]), 6)
        for field, value in summarize(model.world).items():  # every summary field, exactly
            assert_same_value(value[0], row[field], field)
        ens_model = model_trace[model_trace["run"] == r].drop(columns=["run"]).reset_index(drop=True)
        assert_frames_equal(model.model_table(), ens_model)
        ens_actor = actor_trace[actor_trace["run"] == r].drop(columns=["run"]).reset_index(drop=True)
        assert_frames_equal(model.actor_table(), ens_actor)


@pytest.mark.parametrize("us", ["or_else", "carrot_and_stick", "concede"])
def test_results_do_not_depend_on_batch_size(syria, us):
    kwargs = {"us_strategy": us, "params": {"params.turns": 26}}
    reference = run_replicates(syria, 1000, seed=7, chunk_size=1000, **kwargs)
    for chunk in (1, 7):
        part = run_replicates(syria, 40, seed=7, chunk_size=chunk, **kwargs)
        assert_frames_equal(part, reference.iloc[:40].reset_index(drop=True))
    # A later slice run on its own equals the same replicates inside the big batch.
    tail = run_replicates(syria, 30, seed=7, first_replicate=900, chunk_size=30, **kwargs)
    assert_frames_equal(tail, reference.iloc[900:930].reset_index(drop=True))


def test_strategies_share_common_random_numbers(syria):
    # Replicate r draws the same numbers whatever the strategy: with identical strategies, identical rows.
    a = run_replicates(syria, 50, seed=3, us_strategy="hold_firm", params={"params.turns": 10})
    b = run_replicates(syria, 50, seed=3, us_strategy="hold_firm", params={"params.turns": 10}, chunk_size=13)
    assert_frames_equal(a, b)


def test_parameters_can_vary_per_run_inside_one_batch(syria):
    resolve = np.linspace(0.1, 0.95, 200)
    varied = run_replicates(syria, 200, seed=5, us_strategy="or_else", per_run={"RUS.resolve": resolve},
                            params={"params.turns": 20})
    assert np.array_equal(varied["RUS.resolve"].to_numpy(), resolve)
    single = run_replicates(syria, 1, seed=5, first_replicate=150, us_strategy="or_else",
                            params={"params.turns": 20, "RUS.resolve": resolve[150]})
    pd.testing.assert_series_equal(single.drop(columns=["RUS.resolve"], errors="ignore").iloc[0],
                                   varied.drop(columns=["RUS.resolve"]).iloc[150], check_names=False)
