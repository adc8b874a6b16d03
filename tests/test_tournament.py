"""The noisy tournament: the US x Russia matrix, each US strategy's mean, worst case and regret, from Python and the
command line, reproducible under a seed and on common random numbers."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from model import scenario as scenario_module
from model.ensemble import run_replicates
from model.errors import CeasefireError
from runs.cli import app
from runs.tournament import play, standings
from tests.conftest import assert_frames_equal

SHORT = {"params.turns": 6}


@pytest.fixture(scope="module")
def small(syria):
    return play(syria, ["hold_firm", "tit_for_tat"], ["force_backed_diplomacy", "good_faith"], noise=0.2, runs=4,
                seed=3, params=SHORT)


def test_matrix_has_a_cell_per_pair_with_intervals(small):
    m = small.matrix
    assert len(m) == 4 and set(m["runs"]) == {4}
    assert set(zip(m["us_strategy"], m["rus_strategy"], strict=True)) == {
        (u, r) for u in ("hold_firm", "tit_for_tat") for r in ("force_backed_diplomacy", "good_faith")}
    for _, row in m.iterrows():
        lo, hi = row["p_durable_ci"]
        assert lo <= row["p_durable"] <= hi
        lo, hi = row["us_utility_ci"]
        assert lo - 1e-12 <= row["us_utility"] <= hi + 1e-12
    assert set(small.runs["noise"]) == {0.2}


def test_tournament_is_reproducible_under_a_seed(syria, small):
    again = play(syria, ["hold_firm", "tit_for_tat"], ["force_backed_diplomacy", "good_faith"], noise=0.2, runs=4,
                 seed=3, params=SHORT)
    assert_frames_equal(small.runs, again.runs)


def test_without_noise_a_cell_is_the_plain_run_of_the_two_strategies(syria):
    t = play(syria, ["tit_for_tat"], ["good_faith"], noise=0.0, runs=3, seed=5, params=SHORT)
    plain = run_replicates(syria, runs=3, seed=5, us_strategy="tit_for_tat", strategies={"RUS": "good_faith"},
                           params=SHORT)
    np.testing.assert_array_equal(t.runs["us_utility"].to_numpy(), plain["us_utility"].to_numpy())


def test_noise_changes_play_but_keeps_common_random_numbers_across_cells(syria):
    clean = play(syria, ["hold_firm"], ["good_faith"], noise=0.0, runs=6, seed=1, params=SHORT)
    noisy = play(syria, ["hold_firm"], ["good_faith"], noise=0.5, runs=6, seed=1, params=SHORT)
    assert not np.array_equal(clean.runs["us_utility"].to_numpy(), noisy.runs["us_utility"].to_numpy())
    # Replicate r has the same seed in every cell: the same keys, whatever the strategies.
    other = play(syria, ["concede"], ["stall"], noise=0.5, runs=6, seed=1, params=SHORT)
    assert list(noisy.runs["replicate"]) == list(other.runs["replicate"]) == list(range(6))


def test_standings_take_the_worst_case_and_the_smallest_worst_regret():
    matrix = pd.DataFrame({
        "us_strategy": ["a", "a", "b", "b", "c", "c"],
        "rus_strategy": ["x", "y"] * 3,
        "us_utility": [0.9, 0.1, 0.6, 0.5, 0.2, 0.6],
        "p_durable": [1.0, 0.0, 0.5, 0.5, 0.0, 1.0],
    })
    st = standings(matrix).set_index("us_strategy")
    # Regret against x: a 0, b 0.3, c 0.7; against y: a 0.5, b 0.1, c 0. Worst: a 0.5, b 0.3, c 0.7.
    assert st.loc["b", "max_regret"] == pytest.approx(0.3) and bool(st.loc["b", "minimax_regret"])
    assert not st.loc[["a", "c"], "minimax_regret"].any()
    assert st.loc["a", "worst_us_utility"] == pytest.approx(0.1) and st.loc["a", "worst_us_utility_against"] == "y"
    assert st.loc["b", "mean_p_durable"] == pytest.approx(0.5) and bool(st.loc["b", "minimax_regret_durable"])
    assert list(standings(matrix)["us_strategy"])[0] == "b"


def test_a_scenario_without_russia_is_refused_in_one_line():
    spec = scenario_module.load("turkey-russia-2016")
    with pytest.raises(CeasefireError, match="needs actors USA and RUS"):
        play(spec, runs=1)


def test_cli_prints_the_matrix_as_json_and_refuses_bad_input():
    runner = CliRunner()
    result = runner.invoke(app, ["tournament", "--runs", "2", "--noise", "0.1", "--us", "hold_firm,or_else",
                                 "--russia", "stall", "--set", "turns=4", "--workers", "1", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"matrix", "standings", "noise", "runs_per_cell"} <= set(data) and len(data["matrix"]) == 2
    assert sum(r["minimax_regret"] for r in data["standings"]) >= 1
    for args, message in ((["--noise", "1.5"], "--noise 1.5"), (["--us", "nonsense"], "--us nonsense"),
                          (["--strategy-param", "linkage.patience=2", "--us", "hold_firm"], "linkage is not played"),
                          (["--strategy-param", "or_else.deadline=99", "--us", "or_else"], "or_else.deadline=99")):
        bad = runner.invoke(app, ["tournament", "--runs", "1", "--workers", "1", *args])
        assert bad.exit_code == 2 and message in bad.stderr and len(bad.stderr.strip().splitlines()) == 1, bad.stderr


def test_russian_standings_mirror_the_us_ones_in_russian_utility(small):
    rs = small.russian_standings
    assert set(rs["rus_strategy"]) == {"force_backed_diplomacy", "good_faith"} and rs["minimax_regret"].any()
    m = small.matrix
    for _, row in rs.iterrows():
        mine = m[m["rus_strategy"] == row["rus_strategy"]]["rus_utility"]
        assert row["worst_rus_utility"] == pytest.approx(mine.min()) and row["mean_rus_utility"] == pytest.approx(mine.mean())
