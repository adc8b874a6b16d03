"""Bad input: one line naming the file, the field and what is allowed; exit status 2; no traceback."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from model import scenario as scenario_module
from model.errors import CeasefireError
from model.mesa_model import CeasefireModel
from runs.cli import app
from tests.conftest import one_line_error, write

SYRIA = (Path(scenario_module.SCENARIO_DIR) / "syria-2016.toml").read_text()


def build_model(path: Path) -> CeasefireModel:
    """A model of the scenario file at path."""
    return CeasefireModel(str(path), rng=0)


CASES = {
    "not toml": ("[scenario\nname=", "not valid TOML"),
    "salience": (SYRIA.replace("salience = { assad_future = 0.15,", "salience = { assad_future = 0.35,", 1), "salience must sum to 1"),
    "range": (SYRIA.replace("resolve = 0.3 ", "resolve = 1.3 ", 1), "resolve"),
    "strategy": (SYRIA.replace('strategy = "concede"', 'strategy = "appease"', 1), "unknown strategy 'appease'"),
    "leader": (SYRIA.replace('leader = "RUS"', 'leader = "XXX"', 1), "leader 'XXX'"),
    "counterpart": (SYRIA.replace('counterpart = "RUS"', 'counterpart = "CHN"', 1), "counterpart"),
    "camp": (SYRIA.replace('camp = "regime"', 'camp = "rebels"', 1), "camp: 'rebels' is not a camp"),
    "missing issue": (SYRIA.replace(", aid_access = 1.0 }", " }", 1), "missing ['aid_access']"),
    "unknown field": (SYRIA.replace("resolve = 0.3 ", "resolv = 0.3 ", 1), "unknown field"),
    "unknown section": (SYRIA + "\n[extras]\nx = 1\n", "unknown section 'extras'"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_scenario_file_is_one_clear_line(tmp_path, case):
    text, expected = CASES[case]
    path = write(tmp_path, text, "bad.toml")
    assert expected in one_line_error(build_model, path)


def test_unknown_scenario_names_the_built_ins():
    with pytest.raises(CeasefireError, match="built-in: .*syria-2016"):
        scenario_module.load("atlantis")


@pytest.mark.parametrize("kwargs, expected", [
    ({"us_strategy": "appease"}, "allowed: concede"),
    ({"strategies": {"CHN": "concede"}}, "unknown actor"),
    ({"params": {"params.gamma_typo": 1.0}}, "unknown parameter 'params.gamma_typo'"),
    ({"params": {"USA.resolve": 2.0}}, "USA.resolve: value 2 out of range; allowed [0.0, 1.0]"),
    ({"params": {"params.threat_period": 2.5}}, "whole number"),
    # Mechanism constants and unbounded actor numbers through the Python path: bounded, not only finite.
    ({"params": {"params.horizon": 1e7}}, "params.horizon: value 1e+07 out of range; allowed [0.0, 10000.0]"),
    ({"params": {"params.attrition": 1e300}}, "params.attrition: value 1e+300 out of range; allowed [0.0, 1000000.0]"),
    ({"params": {"USA.no_deal_cost": 1e200}}, "USA.no_deal_cost: value 1e+200 out of range; allowed [0.0, 1000000.0]"),
])
def test_bad_run_arguments_are_refused(kwargs, expected):
    with pytest.raises(CeasefireError, match=re.escape(expected)):
        CeasefireModel("syria-2016", rng=0, **kwargs)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "runs", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("args, expected", [
    (["run", "--us-strategy", "appease"], "unknown strategy"),
    (["run", "--strategy", "RUS"], "expected KEY=VALUE"),
    (["run", "--set", "gamma=high"], "not a number"),
    (["run", "--set", "nonsense=1"], "unknown parameter"),
    (["run", "--scenario", "nowhere.toml"], "no such scenario file"),
    (["run", "--engine", "gpu"], "allowed: mesa, ensemble"),
    # usage errors from Typer/click: one line too, not a boxed panel
    (["run", "--sed", "3"], "No such option: --sed"),
    (["run", "--seed", "x"], "Invalid value for '--seed'"),
    (["run", "--seed", "-1"], "Invalid value for '--seed'"),
    (["run", "--turns"], "requires an argument"),
    (["batch"], "Missing argument"),
    (["frobnicate"], "No such command 'frobnicate'"),
])
def test_cli_bad_input_exits_2_with_one_line(args, expected):
    result = run_cli(*args)
    assert result.returncode == 2
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_cli_bad_scenario_file_exits_2(tmp_path):
    path = write(tmp_path, CASES["salience"][0], "bad.toml")
    result = run_cli("run", "--scenario", str(path))
    assert result.returncode == 2 and str(path) in result.stderr and "Traceback" not in result.stderr


# ---------------------------------------------------------------- issue 14: every bad input is one line, exit 2

SYRIA_ACTORS = SYRIA.split("[[actors]]")
ONE_ACTOR = SYRIA_ACTORS[0].split("[[camps]]")[0] + "[[actors]]" + SYRIA_ACTORS[1]

MORE_CASES = {
    "infinite force": (SYRIA.replace("force = 40.0", "force = inf", 1), "(OPP).force: Input should be a finite number (got inf)"),
    "nan force": (SYRIA.replace("force = 40.0", "force = nan", 1), "(OPP).force: Input should be a finite number (got nan)"),
    "force beyond any sane bound": (SYRIA.replace("force = 40.0", "force = 1e200", 1),
                                    "(OPP).force: Input should be less than or equal to 1000000 (got 1e+200)"),
    "infinite rate": (SYRIA.replace("incident_rate = 0.15", "incident_rate = inf", 1), "params.incident_rate: Input should be a finite number"),
    "one actor": (ONE_ACTOR, "actors: a scenario needs at least two actors, one of them a veto player (got 1)"),
    "no veto player": (SYRIA.replace("veto = true", "veto = false"), "at least one actor must have veto = true"),
    "boolean as a string": (SYRIA.replace("veto = true", 'veto = "yes"', 1), "(USA).veto: Input should be a valid boolean (got 'yes')"),
    "number as a string": (SYRIA.replace("resolve = 0.3 ", 'resolve = "0.3" ', 1), "(USA).resolve: Input should be a valid number (got '0.3')"),
    "too many turns": (SYRIA.replace("turns = 52", "turns = 100000", 1), "params.turns: Input should be less than or equal to 10000"),
    "a Russian strategy for the US": (SYRIA.replace('strategy = "concede"', 'strategy = "stall"', 1),
                                      "(USA).strategy: 'stall' is a strategy for RUS only, not for USA; allowed for USA: concede"),
}


@pytest.mark.parametrize("case", sorted(MORE_CASES))
def test_bad_scenario_values_are_refused_in_one_line(tmp_path, case):
    text, expected = MORE_CASES[case]
    path = write(tmp_path, text, "bad.toml")
    message = one_line_error(build_model, path)
    assert expected in message
    result = CliRunner().invoke(app, ["run", "--scenario", str(path)])
    assert result.exit_code == 2 and result.stderr.strip() == f"error: {message}"


def test_an_integer_is_still_a_number_and_a_byte_order_mark_is_dropped(tmp_path):
    plain = scenario_module.load("syria-2016")
    with_int = scenario_module.load(write(tmp_path, SYRIA.replace("force = 40.0", "force = 40", 1), "bad.toml"))
    assert with_int.model_dump(exclude={"path"}) == plain.model_dump(exclude={"path"})
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + SYRIA.encode("utf-8"))
    assert scenario_module.load(path).model_dump(exclude={"path"}) == plain.model_dump(exclude={"path"})


@pytest.mark.parametrize("args, expected", [
    (["run", "--us-strategy", "stall"], "error: US strategy: 'stall' is a strategy for RUS only, not for USA"),
    (["run", "--strategy", "USA=force_backed_diplomacy"], "error: --strategy USA: 'force_backed_diplomacy' is a strategy for RUS only"),
    (["run", "--turns", "100000"], "error: Invalid value for '--turns': Input should be less than or equal to 10000"),
    (["run", "--set", "USA.force=inf"], "error: --set USA.force=inf: not a finite number"),
    (["run", "--set", "gamma=nan"], "error: --set gamma=nan: not a finite number"),
    (["run", "--set", "USA.force=1e200"], "error: --set USA.force=1e200: out of range"),
    (["compare", "--runs", "1000000000"], "error: Invalid value for '--runs': Input should be less than or equal to 1000000"),
    (["validate", "--runs", "0"], "error: Invalid value for '--runs': Input should be greater than or equal to 1"),
])
def test_bad_command_line_values_are_one_line(args, expected):
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(expected) and len(result.stderr.strip().splitlines()) == 1, result.stderr


@pytest.mark.parametrize("command, computes", [
    (["compare", "--runs", "10"], "runs.compare.run_strategies"),
    (["sensitivity"], "runs.sensitivity.sensitivity"),
    (["discover"], "runs.discover.discover"),
])
def test_an_output_path_that_is_a_file_is_refused_before_any_computing(tmp_path, monkeypatch, command, computes):
    afile = tmp_path / "afile"
    afile.write_text("mine")
    module, _, name = computes.rpartition(".")

    def computing(*args, **kwargs):
        raise AssertionError("computed before checking --out")

    monkeypatch.setattr(importlib.import_module(module), name, computing)
    for out in (afile, afile / "sub"):
        result = CliRunner().invoke(app, [*command, "--out", str(out)])
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith(f"error: --out {out}: ") and "not a folder" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert afile.read_text() == "mine"


def test_json_never_holds_nan():
    from runs.cli import dumps_json

    text = dumps_json({"a": float("nan"), "b": [1.0, float("inf"), np.float64("nan")], "c": np.int64(3)})
    assert json.loads(text) == {"a": None, "b": [1.0, None, None], "c": 3}
    result = CliRunner().invoke(app, ["run", "--turns", "3", "--json"])
    assert result.exit_code == 0
    json.loads(result.stdout, parse_constant=lambda name: pytest.fail(f"{name} in the JSON output"))
