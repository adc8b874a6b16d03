"""Bad input: one line naming the file, the field and what is allowed; exit status 2; no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from model import scenario as scenario_module
from model.errors import CeasefireError
from model.mesa_model import CeasefireModel

SYRIA = (Path(scenario_module.SCENARIO_DIR) / "syria-2016.toml").read_text()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    return path


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
    path = write(tmp_path, text)
    with pytest.raises(CeasefireError) as info:
        CeasefireModel(str(path), rng=0)
    message = str(info.value)
    assert str(path) in message and expected in message and "\n" not in message


def test_unknown_scenario_names_the_built_ins():
    with pytest.raises(CeasefireError, match="built-in: .*syria-2016"):
        scenario_module.load("atlantis")


@pytest.mark.parametrize("kwargs, expected", [
    ({"us_strategy": "appease"}, "allowed: concede"),
    ({"strategies": {"CHN": "concede"}}, "unknown actor"),
    ({"params": {"params.gamma_typo": 1.0}}, "unknown parameter 'params.gamma_typo'"),
    ({"params": {"USA.resolve": 2.0}}, "USA.resolve: value 2 out of range; allowed [0.0, 1.0]"),
    ({"params": {"params.threat_period": 2.5}}, "whole number"),
])
def test_bad_run_arguments_are_refused(kwargs, expected):
    with pytest.raises(CeasefireError, match=expected.replace("[", r"\[").replace(".", r"\.").replace("(", r"\(")):
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
    path = write(tmp_path, CASES["salience"][0])
    result = run_cli("run", "--scenario", str(path))
    assert result.returncode == 2 and str(path) in result.stderr and "Traceback" not in result.stderr
