"""`ceasefire sensitivity` and `ceasefire discover`: small samples, so these are smoke tests of the plumbing
(SALib indices with intervals, common random numbers, PRIM boxes from the EMA Workbench), not of the findings."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from model import scenario as scenario_module
from model.errors import CeasefireError
from runs import discover as sd
from runs import sensitivity as sa
from runs.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def syria():
    return scenario_module.load("syria-2016")


def test_default_uncertainties_are_valid_overrides(syria):
    names = [u.name for u in sa.default_uncertainties(syria)]
    for expected in ("USA.credibility", "USA.strike_cost", "RUS.resolve", "params.horizon", "params.prior_weeks",
                     "params.incident_rate", "SYR.force"):
        assert expected in names
    sa.check_override_names(syria, sa.default_uncertainties(syria))
    for u in sa.default_uncertainties(syria):
        assert u.low < u.high and u.reason


def test_mechanism_constants_are_varied_by_default_over_their_ranges(syria):
    from model.constants import MECHANISM_RANGES

    by_name = {u.name: u for u in sa.default_uncertainties(syria)}
    for name in sa.DEFAULT_MECHANISM:
        u = by_name[f"params.{name}"]
        assert (u.low, u.high) == tuple(float(v) for v in MECHANISM_RANGES[name])
    assert {"share_durable", "us_utility"} <= set(sa.OUTPUTS)


def test_integer_constants_are_rounded_to_whole_weeks(syria):
    x = np.array([[2.4], [7.6]])
    df = sa.run_samples(syria, "or_else", ["params.threat_period"], x, replicates=1)
    assert df["params.threat_period"].tolist() == [2.0, 8.0]


def test_bilateral_case_has_a_default_set_too():
    spec = scenario_module.load("turkey-russia-2016")
    names = [u.name for u in sa.default_uncertainties(spec)]
    assert names[0] == "TUR.credibility" and "RUS.resolve" in names


def test_sobol_indices_with_intervals(syria):
    result = sa.sensitivity(syria, "or_else", method="sobol", samples=8, replicates=3)
    ind = result["indices"]
    assert set(ind["output"]) == set(sa.OUTPUTS) and set(ind["index"]) == {"S1", "ST"}
    assert ind["conf"].notna().all() and np.isfinite(ind["value"]).all()
    assert result["runs"] == 8 * (len(result["uncertainties"]) + 2) * 3
    assert "share_durable" in sa.format_indices(result)


def test_morris_cli_writes_plot_and_table(tmp_path):
    out = tmp_path / "sa"
    res = runner.invoke(app, ["sensitivity", "--scenario", "syria-2016", "--strategy", "concede", "--method", "morris",
                              "--samples", "4", "--replicates", "3", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "mu_star" in res.output
    assert list(out.glob("*.png")) and list(out.glob("*.csv"))


@pytest.mark.parametrize("args", [["--method", "fast"], ["--samples", "10"], ["--strategy", "nonsense"],
                                  ["--scenario", "nowhere"]])
def test_sensitivity_bad_input_exits_2(args, tmp_path):
    res = runner.invoke(app, ["sensitivity", "--samples", "8", "--out", str(tmp_path), *args])
    assert res.exit_code == 2


def test_common_random_numbers(syria):
    """The same strategy on the same points and seed gives the same runs; another strategy shares the seeds."""
    names = ["USA.credibility", "RUS.resolve"]
    x = np.array([[0.5, 0.8], [0.9, 0.4]])
    a = sa.run_samples(syria, "or_else", names, x, replicates=3, seed=5)
    b = sa.run_samples(syria, "or_else", names, x, replicates=3, seed=5)
    c = sa.run_samples(syria, "concede", names, x, replicates=3, seed=5)
    assert a["us_utility"].tolist() == b["us_utility"].tolist()
    assert a["replicate"].tolist() == c["replicate"].tolist() and a["sample"].tolist() == [0, 0, 0, 1, 1, 1]
    np.testing.assert_array_equal(a["RUS.resolve"], c["RUS.resolve"])


def test_prim_finds_a_planted_box():
    rng = np.random.default_rng(0)
    import pandas as pd

    x = pd.DataFrame({"a": rng.uniform(size=500), "b": rng.uniform(size=500)})
    wins = (x["a"] > 0.6).to_numpy()
    boxes, _ = sd.run_prim(x, wins, min_coverage=0.5, max_boxes=1)
    lim = {r["parameter"]: (r["min"], r["max"]) for r in boxes[0]["restricted"]}
    assert "a" in lim and lim["a"][0] == pytest.approx(0.6, abs=0.05)
    assert boxes[0]["density"] > 0.9 and boxes[0]["coverage"] > 0.8


def test_discover_cli_small(tmp_path):
    res = runner.invoke(app, ["discover", "--scenario", "syria-2016", "--strategy", "or_else", "--versus", "concede",
                              "--samples", "40", "--replicates", "3", "--out", str(tmp_path), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output.strip().splitlines()[-1])
    assert data["focus"] == ["USA.credibility", "RUS.resolve"]
    assert 0.0 <= data["share_a_beats_b"] <= 1.0
    for box in data["boxes"] + data["focus_boxes"]:
        assert 0 < box["coverage"] <= 1 and 0 < box["density"] <= 1
    assert list(tmp_path.glob("*.csv"))


def test_discover_bad_input(syria):
    with pytest.raises(CeasefireError):
        sd.discover(syria, "or_else", "or_else", samples=20)
    with pytest.raises(CeasefireError):
        sd.discover(syria, "or_else", "concede", samples=20, metric="happiness")
    with pytest.raises(CeasefireError):
        sd.discover(syria, "or_else", "concede", samples=20, replicates=2, focus=["USA.nonsense"])


def test_a_warning_when_intervals_exceed_the_estimates():
    def result(conf):
        indices = pd.DataFrame({"output": ["share_holding"] * 2, "parameter": ["RUS.resolve", "USA.credibility"],
                                "index": ["S1", "S1"], "value": [-0.948, 0.5], "conf": [conf, 0.1]})
        return {"indices": indices}

    warning = sa.interval_warning(result(0.998))
    assert warning.startswith("warning: 1 of 2 indices have a 95% interval wider than the estimate")
    assert "S1 of RUS.resolve on share_holding = -0.948 +- 0.998" in warning and "\n" not in warning
    assert sa.interval_warning(result(0.5)) is None
