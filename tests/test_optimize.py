"""The US policy search: NSGA-II over the US strategies' parameters, evaluated over sampled worlds on common random
numbers; deterministic under a seed; the Pareto set with worst decile and regret."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from model import scenario as scenario_module
from model.errors import CeasefireError
from runs.cli import app
from runs.optimize import default_worlds, evaluate, optimize, pareto_mask, policy, robustness, search_space
from tests.conftest import assert_frames_equal


@pytest.fixture(scope="module")
def tiny_worlds(syria):
    worlds = default_worlds(syria, samples=2, replicates=1, seed=4)
    return dataclasses.replace(worlds, params={"params.turns": 6})


@pytest.fixture(scope="module")
def tiny(syria, tiny_worlds):
    return optimize(syria, tiny_worlds, us=["hold_firm", "or_else", "concede"], population=3, generations=2, seed=7)


def test_search_is_deterministic_under_a_seed(syria, tiny_worlds, tiny):
    again = optimize(syria, tiny_worlds, us=["hold_firm", "or_else", "concede"], population=3, generations=2, seed=7)
    assert_frames_equal(tiny.trials.drop(columns=["params"]), again.trials.drop(columns=["params"]))
    assert list(tiny.trials["params"]) == list(again.trials["params"])


def test_every_strategy_at_its_defaults_is_a_candidate_and_the_budget_is_respected(tiny):
    assert len(tiny.trials) == 3 * 2
    first = tiny.trials[tiny.trials["generation"] == 0]
    assert list(first["strategy"]) == ["hold_firm", "or_else", "concede"]
    assert first.iloc[1]["params"] == {"deadline": 4, "enforce": True, "ultimatums": 0}
    assert set(tiny.trials["strategy"]) <= {"hold_firm", "or_else", "concede"}


def test_pareto_set_is_the_non_dominated_candidates_with_their_robustness(tiny):
    t = tiny.trials
    for _, row in tiny.pareto.iterrows():
        better = (t["p_durable"] >= row["p_durable"]) & (t["us_utility"] >= row["us_utility"])
        strictly = (t["p_durable"] > row["p_durable"]) | (t["us_utility"] > row["us_utility"])
        assert not (better & strictly).any()
    assert (tiny.pareto["regret_utility"] >= 0).all() and (tiny.pareto["worst_decile_utility"] <= tiny.pareto["us_utility"] + 1e-12).all()
    # Policies that played out identically are one row, counted.
    assert tiny.pareto["equivalent"].sum() == t[t["pareto"]]["policy"].nunique()


def test_a_candidate_is_evaluated_on_the_same_worlds_and_seeds_as_a_plain_run(syria, tiny_worlds):
    from model.ensemble import run_replicates

    one = evaluate(syria, "concede", tiny_worlds)
    plain = run_replicates(syria, runs=2, seed=tiny_worlds.seed, us_strategy="concede", params={"params.turns": 6},
                           per_run=tiny_worlds.per_run())
    np.testing.assert_allclose(one["us_utility"].to_numpy(), plain["us_utility"].to_numpy())


def test_pareto_mask_and_regret_by_hand():
    values = np.array([[1.0, 0.1], [0.5, 0.5], [0.4, 0.4], [0.0, 0.9]])
    assert list(pareto_mask(values)) == [True, True, False, True]
    import pandas as pd

    per_world = pd.DataFrame({"trial": [0, 0, 1, 1], "sample": [0, 1, 0, 1], "us_utility": [0.9, 0.1, 0.5, 0.6],
                              "durable": [1.0, 0.0, 0.0, 1.0]})
    r = robustness(per_world).set_index("trial")
    assert r.loc[0, "regret_utility"] == pytest.approx(0.5) and r.loc[1, "regret_utility"] == pytest.approx(0.4)


def test_a_point_of_the_search_space_is_a_policy_of_its_strategy_only():
    space = search_space(["or_else", "linkage"])
    assert {"strategy", "or_else.deadline", "linkage.patience", "linkage.step"} <= set(space)
    choice = policy({"strategy": "linkage", "linkage.patience": 3, "linkage.step": 0.12345, "or_else.deadline": 6})
    assert choice == "linkage" and dict(choice.params) == {"patience": 3, "step": 0.123}


def test_bad_input_is_refused_in_one_line():
    with pytest.raises(CeasefireError, match="needs an actor USA"):
        optimize(scenario_module.load("turkey-russia-2016"), population=2, generations=1)
    runner = CliRunner()
    for args, message in ((["--us", "nonsense"], "--us nonsense"),
                          (["--experiment", "missing.toml"], "no such experiment file"),
                          (["--population", "1"], "--population")):
        bad = runner.invoke(app, ["optimize", "--workers", "1", *args])
        assert bad.exit_code == 2 and message in bad.stderr and len(bad.stderr.strip().splitlines()) == 1, bad.stderr


def test_cli_json_has_the_pareto_set(tmp_path):
    exp = tmp_path / "exp.toml"
    exp.write_text('[experiment]\nname = "t"\nscenario = "syria-2016"\nturns = 4\nreplicates = 1\nseed = 2\n'
                   '[uncertainties]\n"RUS.resolve" = { uniform = [0.6, 0.9] }\n[sampling]\nmethod = "lhs"\nsamples = 2\n')
    result = CliRunner().invoke(app, ["optimize", "--experiment", str(exp), "--population", "2", "--generations", "1",
                                      "--us", "hold_firm,concede", "--workers", "1", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["uncertainties"] == ["RUS.resolve"] and data["worlds"] == 2 and len(data["trials"]) == 2
    assert data["pareto"] and {"policy", "p_durable", "us_utility", "regret_utility", "worst_decile_utility"} <= set(data["pareto"][0])
