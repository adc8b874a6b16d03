"""`ceasefire validate`: criteria, statistics, exit codes and errors on bad case files."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from model import scenario as scenario_module
from model.errors import CeasefireError
from runs.cli import app
from runs.validate import case_names, expected_criteria, statistic, validate

runner = CliRunner()

CASE = """
[scenario]
name = "toy-case"
[params]
turns = 8
[[issues]]
id = "deal"
status_quo = 0.0
[[actors]]
id = "AAA"
veto = true
strategy = "good_faith"
ideal = { deal = 1.0 }
salience = { deal = 1.0 }
no_deal_cost = 0.01
[[actors]]
id = "BBB"
veto = true
strategy = "good_faith"
ideal = { deal = 0.8 }
salience = { deal = 1.0 }
no_deal_cost = 0.01
[expected]
description = "both want the deal; it should be agreed and hold"
{criteria}
"""


def write_case(tmp_path, criteria: str) -> str:
    path = tmp_path / "toy.toml"
    path.write_text(CASE.replace("{criteria}", criteria), encoding="utf-8")
    return str(path)


def test_the_four_cases_are_found():
    assert set(case_names()) >= {"us-russia-2016-09", "israel-russia-2015", "saudi-russia-oil-2016", "turkey-russia-2016"}


def test_every_builtin_case_has_a_timing_criterion_and_a_counterfactual():
    for name in case_names():
        criteria, versus = expected_criteria(scenario_module.load(name))
        assert any(c.stat.name.startswith("agreed_by_week_") for c in criteria), name
        assert versus and all(v.by > 0 for v in versus), name


def test_statistics_on_a_hand_made_table():
    df = pd.DataFrame({"ever_agreed": [True, True, False, True], "outcome": ["holding", "collapsed", "no_deal", "durable"],
                       "first_agreed_turn": [1, 3, -1, 5], "turns_held": [10, 2, 0, 6], "longest_truce": [10, 2, 0, 6]})
    def value(name):
        stat = statistic(name)
        return stat.value(stat.column(df))
    assert value("agreed_share") == 0.75 and value("holding_share") == 0.5 and value("collapsed_share") == 0.25
    assert value("durable_share") == 0.25
    assert value("first_agreed_median") == 3 and value("held_median") == 6  # among the three that agreed
    assert value("agreed_by_week_3") == 0.5 and value("agreed_by_week_0") == 0.0 and value("agreed_by_week_9") == 0.75
    assert value("truce_lasting_6") == 0.5 and value("truce_lasting_11") == 0.0
    assert statistic("agreed_by_week_x") is None and statistic("nonsense") is None


def test_a_new_case_file_runs_and_passes(tmp_path):
    path = write_case(tmp_path, "agreed_share_min = 0.9\nagreed_by_week_1_min = 0.9\ndurable_share_min = 0.5\n"
                                "truce_lasting_4_min = 0.9\nheld_median_min = 2")
    result = runner.invoke(app, ["validate", "--runs", "20", "--case", path])
    assert result.exit_code == 0, result.output
    assert "toy-case" in result.output and "pass" in result.output


def test_a_failing_case_exits_1_and_json_says_why(tmp_path):
    path = write_case(tmp_path, "agreed_share_max = 0.1")
    result = runner.invoke(app, ["validate", "--runs", "10", "--case", path, "--json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["passed"] is False
    check = data["cases"][0]["checks"][0]
    assert check["key"] == "agreed_share_max" and check["passed"] is False and check["value"] == 1.0
    assert check["shortfall"] == pytest.approx(0.9)


VERSUS = """
[[expected.versus]]
name = "AAA wants nothing"
why = "with AAA content at the status quo there is nothing to agree"
set = {{ "AAA.ideal" = {{ deal = 0.0 }}, "AAA.no_deal_cost" = 0.0 }}
outcome = "agreed_share"
{side} = {by}
"""


@pytest.mark.parametrize("side, by, passes", [("lower_by", 0.9, True), ("higher_by", 0.1, False)])
def test_a_counterfactual_runs_on_the_same_seeds_and_needs_its_difference(tmp_path, side, by, passes):
    path = write_case(tmp_path, "agreed_share_min = 0.9\n" + VERSUS.format(side=side, by=by))
    results = validate([path], runs=20)
    check = results[0].checks[-1]
    assert check.versus["base"] == 1.0 and check.versus["variant"] == 0.0
    assert check.passed is passes
    assert check.value == pytest.approx(1.0 if side == "lower_by" else -1.0)


def test_a_counterfactual_can_change_a_strategy(tmp_path):
    extra = '[[expected.versus]]\nname = "AAA holds firm"\nstrategy = { AAA = "hold_firm" }\noutcome = "first_agreed_median"\nhigher_by = 0'
    results = validate([write_case(tmp_path, "agreed_share_min = 0.9\n" + extra)], runs=10)
    assert results[0].checks[-1].versus["changes"]["strategy"] == {"AAA": "hold_firm"}


@pytest.mark.parametrize("criteria, words", [
    ("agreed_share_minimum = 0.9", "unknown key 'agreed_share_minimum'"),
    ("agreed_by_week_x_min = 0.9", "unknown key 'agreed_by_week_x_min'"),
    ('[[expected.versus]]\nname = "v"\nset = { "AAA.no_deal_cost" = 0.0 }\noutcome = "agreement"\nlower_by = 0.5',
     "unknown outcome 'agreement'"),
    ('[[expected.versus]]\nname = "v"\nset = { "AAA.nonsense" = 0.0 }\noutcome = "agreed_share"\nlower_by = 0.5',
     "names unknown field 'AAA.nonsense'"),
    ('[[expected.versus]]\nname = "v"\nset = { "ZZZ.force" = 1.0 }\noutcome = "agreed_share"\nlower_by = 0.5',
     "names unknown field 'ZZZ.force'"),
    ('[[expected.versus]]\nname = "v"\nstrategy = { AAA = "no_such" }\noutcome = "agreed_share"\nlower_by = 0.5',
     "unknown strategy 'no_such'"),
    ('[[expected.versus]]\nname = "v"\nstrategy = { AAA = "hold_firm" }\noutcome = "agreed_share"',
     "exactly one of lower_by, higher_by"),
    ('[[expected.versus]]\nname = "v"\noutcome = "agreed_share"\nlower_by = 0.5', "changes nothing"),
    ('[[expected.versus]]\nname = "v"\nstrategy = { AAA = "hold_firm" }\noutcome = "agreed_share"\nlower_by = 0.5\n'
     'because = "x"', "unknown key 'because'"),
    ('[[expected.versus]]\nname = "v"\nset = { "AAA.resolve" = 3.0 }\noutcome = "agreed_share"\nlower_by = 0.5',
     "AAA"),
])
def test_bad_expected_tables_are_one_line_and_exit_2(tmp_path, criteria, words):
    path = write_case(tmp_path, criteria)
    result = runner.invoke(app, ["validate", "--runs", "5", "--case", path])
    assert result.exit_code == 2, result.output
    assert words in result.output and "toy.toml" in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize("criteria, words", [("holding_share_min = 1.5", "[0, 1]"), ('held_median_min = "long"', "number"),
                                             ("", "no criteria")])
def test_bad_values_are_user_errors(tmp_path, criteria, words):
    path = write_case(tmp_path, criteria)
    with pytest.raises(CeasefireError, match=words.replace("[", r"\[").replace("]", r"\]")):
        validate([path], runs=5)


def test_a_scenario_without_expected_is_refused():
    with pytest.raises(CeasefireError, match="no \\[expected\\]"):
        validate(["syria-2016"], runs=5)
    result = runner.invoke(app, ["validate", "--runs", "5", "--case", "syria-2016"])
    assert result.exit_code == 2


@pytest.mark.parametrize("args", [["--case", "no-such-case"], ["--runs", "0"], ["--ablate", "gravity"],
                                  ["--constants", "mine"], ["--set", "params.horizon=x"]])
def test_bad_options_exit_2(args):
    result = runner.invoke(app, ["validate", "--runs", "5", *args] if "--runs" not in args else ["validate", *args])
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1


def test_builtin_cases_run_and_report_intervals():
    results = validate(None, runs=30)
    assert len(results) >= 4
    for r in results:
        for c in r.checks:
            if not math.isnan(c.value) and not math.isnan(c.low):
                assert c.low - 1e-9 <= c.value <= c.high + 1e-9, (r.case, c.key)
    # determinism: the same seed gives the same numbers
    again = validate(["israel-russia-2015"], runs=30)
    first = next(r for r in results if r.case == "israel-russia-2015")
    assert [c.value for c in again[0].checks] == [c.value for c in first.checks]
    assert np.isfinite(first.summary["ceasefires_per_run_mean"])


def test_hand_set_constants_can_be_validated_too():
    result = runner.invoke(app, ["validate", "--runs", "5", "--case", "turkey-russia-2016", "--constants", "hand", "--json"])
    assert result.exit_code in (0, 1), result.output
    assert json.loads(result.output)["constants"] == "hand-set (--constants hand)"


def test_calibrated_constants_are_used_when_asked_even_if_they_do_not_pass():
    from model.constants import CALIBRATION, passes_validation

    result = runner.invoke(app, ["validate", "--runs", "3", "--case", "turkey-russia-2016", "--constants", "calibrated"])
    if not CALIBRATION:
        assert result.exit_code == 2 and "no model/calibration.json" in result.output
        return
    assert result.exit_code in (0, 1), result.output
    verdict = "passes validation" if passes_validation(CALIBRATION) else "does not pass validation"
    assert result.output.splitlines()[0] == f"constants: calibrated (model/calibration.json, which {verdict}: " \
                                            f"docs/calibration.md)"


def _documented_verdicts() -> dict[str, bool]:
    """Per case, whether docs/validation.md's table (as last run) says every criterion passes."""
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "docs" / "validation.md").read_text(encoding="utf-8")
    table = text.split("## The table as last run", 1)[1].split("\n## ", 1)[0]
    verdicts: dict[str, bool] = {}
    case = None
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] == "case" or set(cells[0]) <= {"-"} and cells[0]:
            continue
        case = cells[0] or case
        verdicts[case] = verdicts.get(case, True) and cells[3] == "pass"
    return verdicts


def test_the_built_in_cases_pass_or_fail_as_documented_in_validation_md():
    # A regression guard: docs/validation.md reports this run (200 runs, seed 0), failures included. A change to the
    # rules or a case that changes a verdict fails here until the page is regenerated and the change explained.
    result = runner.invoke(app, ["validate", "--runs", "200", "--json"])
    assert result.exit_code in (0, 1), result.output
    report = json.loads(result.output)
    simulated = {case["case"]: case["passed"] for case in report["cases"]}
    documented = _documented_verdicts()
    assert len(simulated) >= 4 and simulated == documented
    assert report["passed"] == all(documented.values()) and result.exit_code == (0 if report["passed"] else 1)
