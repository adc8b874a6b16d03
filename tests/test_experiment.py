"""Experiment files: schema, sampling, and one-line errors (file and field named, exit 2, nothing touched)."""

from __future__ import annotations

import numpy as np
import pytest

from model.errors import CeasefireError
from runs import experiment
from tests.conftest import assert_refused_file, one_line_error, write

GOOD = """
[experiment]
name = "t"
scenario = "syria-2016"
turns = 6
replicates = 4
seed = 3

[levers]
us_strategy = ["concede", "or_else"]

[uncertainties]
"RUS.resolve" = { uniform = [0.6, 0.9] }
"USA.credibility" = { normal = [0.2, 0.3] }
"params.threat_period" = { choice = [2, 4] }

[sampling]
method = "lhs"
samples = 5
"""


def test_good_file_loads_and_plans(tmp_path):
    exp = experiment.load(write(tmp_path, GOOD))
    assert exp.combos == [{"USA": "concede"}, {"USA": "or_else"}]
    assert exp.n_samples == 5 and exp.total_runs == 2 * 5 * 4
    table = exp.sample_table
    assert list(table.columns) == ["sample", "RUS.resolve", "USA.credibility", "params.threat_period"]
    assert table["RUS.resolve"].between(0.6, 0.9).all()
    assert table["USA.credibility"].between(0.0, 1.0).all()  # normal truncated to the field's range
    assert set(table["params.threat_period"]) <= {2.0, 4.0}
    # LHS: one point in each of the 5 strata of every uniform dimension
    strata = np.floor((table["RUS.resolve"] - 0.6) / 0.3 * 5).astype(int)
    assert sorted(strata) == [0, 1, 2, 3, 4]
    # deterministic in the seed, different with another seed
    again = experiment.load(write(tmp_path, GOOD, "again.toml")).sample_table
    assert table.equals(again)
    other = experiment.load(write(tmp_path, GOOD.replace("seed = 3", "seed = 4"), "other.toml")).sample_table
    assert not table.equals(other)


@pytest.mark.parametrize("method", ["grid", "sobol", "monte_carlo"])
def test_sampling_methods(tmp_path, method):
    text = GOOD.replace('method = "lhs"', f'method = "{method}"').replace("samples = 5", "samples = 3")
    exp = experiment.load(write(tmp_path, text))
    table = exp.sample_table
    if method == "grid":  # 3 levels x 3 levels x 2 choices
        assert len(table) == 18
        assert sorted(table["RUS.resolve"].unique()) == pytest.approx([0.6, 0.75, 0.9])
    else:
        assert len(table) == 3
    assert table["RUS.resolve"].between(0.6, 0.9).all()


def test_actor_lever_and_fingerprint(tmp_path):
    text = GOOD.replace('us_strategy = ["concede", "or_else"]', 'us_strategy = ["concede", "or_else"]\nRUS = ["stall", "good_faith"]')
    exp = experiment.load(write(tmp_path, text))
    assert len(exp.combos) == 4 and {"USA": "or_else", "RUS": "good_faith"} in exp.combos
    base = experiment.load(write(tmp_path, GOOD, "base.toml"))
    commented = experiment.load(write(tmp_path, "# a comment\n" + GOOD, "commented.toml"))
    assert base.fingerprint == commented.fingerprint and base.text_hash != commented.text_hash
    assert exp.fingerprint != base.fingerprint


BAD = {
    "unknown lever": (GOOD.replace("us_strategy =", "XXX ="), "levers.XXX: unknown lever"),
    "unknown strategy": (GOOD.replace('"or_else"]', '"appease"]'), "levers.us_strategy: unknown strategy 'appease'"),
    "unknown param": (GOOD.replace('"RUS.resolve"', '"RUS.resolv"'), "uncertainties.RUS.resolv: unknown parameter"),
    "unknown mechanism": (GOOD.replace('"params.threat_period"', '"params.nonsense"'), "uncertainties.params.nonsense: unknown parameter"),
    "unknown method": (GOOD.replace('method = "lhs"', 'method = "halton"'), "sampling.method: unknown sampling method 'halton'"),
    "empty range": (GOOD.replace("uniform = [0.6, 0.9]", "uniform = [0.9, 0.9]"), "empty range"),
    "out of range": (GOOD.replace("uniform = [0.6, 0.9]", "uniform = [0.6, 1.4]"), "uncertainties.RUS.resolve: uniform value 1.4 outside"),
    "bad sd": (GOOD.replace("normal = [0.2, 0.3]", "normal = [0.2, 0]"), "sd > 0"),
    "two kinds": (GOOD.replace("{ uniform = [0.6, 0.9] }", "{ uniform = [0.6, 0.9], choice = [0.7] }"), "exactly one of"),
    "missing scenario": (GOOD.replace('scenario = "syria-2016"', 'scenario = "atlantis"'), "experiment.scenario: unknown scenario 'atlantis'"),
    "missing field": (GOOD.replace('name = "t"\n', ""), "experiment.name: Field required"),
    "unknown section": (GOOD + "\n[extras]\nx = 1\n", "extras: unknown section"),
    "zero samples": (GOOD.replace("samples = 5", "samples = 0"), "sampling.samples"),
    "turns varied": (GOOD.replace('"params.threat_period"', '"params.turns"'), "set experiment.turns"),
    "not toml": ("[experiment\nname=", "not valid TOML"),
    # issue 14: strict types, finite values, sizes refused up front and blamed on the right field
    "replicates as a string": (GOOD.replace("replicates = 4", 'replicates = "100"'),
                               "experiment.replicates: Input should be a valid integer (got '100')"),
    "replicates as a float": (GOOD.replace("replicates = 4", "replicates = 1e12"), "experiment.replicates: Input should be a valid integer"),
    "replicates beyond the limit": (GOOD.replace("replicates = 4", "replicates = 1000000000000"),
                                    "experiment.replicates: Input should be less than or equal to 100000000"),
    "runs beyond the limit": (GOOD.replace("replicates = 4", "replicates = 30000000"),
                              "experiment.replicates: 2 lever combination(s) x 5 sample(s) x 30,000,000 replicate(s) = "
                              "300,000,000 runs, more than the limit of 100,000,000"),
    "grid beyond the limit": (GOOD.replace('method = "lhs"', 'method = "grid"').replace("samples = 5", "samples = 1000")
                              .replace('"params.threat_period" = { choice = [2, 4] }', '"USA.commitment" = { uniform = [0, 1] }'),
                              "sampling.samples: a grid of 1,000 levels over 3 uncertainties has 1,000,000,000 points, "
                              "more than the limit of 1,000,000"),
    "infinite bound": (GOOD.replace("uniform = [0.6, 0.9]", "uniform = [0.6, inf]"),
                       "uncertainties.RUS.resolve.uniform[1]: Input should be a finite number (got inf)"),
    "seed as a string": (GOOD.replace("seed = 3", 'seed = "3"'), "experiment.seed: Input should be a valid integer"),
    "a Russian strategy for the US": (GOOD.replace('"or_else"]', '"stall"]'),
                                      "levers.us_strategy: 'stall' is a strategy for RUS only, not for USA"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_experiment_is_one_clear_line(tmp_path, case):
    text, expected = BAD[case]
    path = write(tmp_path, text)
    message = one_line_error(experiment.load, path)
    assert message.startswith(str(path)), message
    assert expected in message, message


def test_missing_file():
    with pytest.raises(CeasefireError, match="no such experiment file"):
        experiment.load("/nonexistent/exp.toml")


def test_cli_bad_inputs_exit_2_one_line_and_touch_nothing(tmp_path):
    from typer.testing import CliRunner

    from runs.cli import app

    out = tmp_path / "out"
    out.mkdir()
    keep = out / "keep.txt"
    keep.write_text("mine")
    cases = ["unknown lever", "unknown param", "unknown method", "empty range", "missing scenario"]
    for i, case in enumerate(cases):
        path = write(tmp_path, BAD[case][0], f"{i}.toml")
        for target in (out, tmp_path / "fresh"):
            assert_refused_file(CliRunner().invoke(app, ["batch", str(path), "--out", str(target)]), path, BAD[case][1])
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"] and keep.read_text() == "mine"
    assert not (tmp_path / "fresh").exists()


def test_a_byte_order_mark_is_dropped(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode("utf-8"))
    assert experiment.load(path).fingerprint == experiment.load(write(tmp_path, GOOD)).fingerprint


def test_a_huge_grid_is_refused_without_drawing_it(tmp_path, monkeypatch):
    text = GOOD.replace('method = "lhs"', 'method = "grid"').replace("samples = 5", "samples = 1000").replace(
        '"params.threat_period" = { choice = [2, 4] }', '"USA.commitment" = { uniform = [0, 1] }')
    monkeypatch.setattr(experiment, "draw_samples", lambda exp: pytest.fail("the grid was drawn"))
    with pytest.raises(CeasefireError, match="more than the limit of 1,000,000"):
        experiment.load(write(tmp_path, text))
