"""Shared fixtures: the built-in scenario, and small hand-made scenarios for mechanics tests; helpers for input
files (writing one, the one-line error a bad one gives) and for a reference batch."""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import settings

from model import scenario as scenario_module
from model.errors import CeasefireError
from model.rng import replicate_keys
from model.turn import start
from model.world import World, build_world

# Property tests draw the same examples on every run and machine (a suite that fails only on some draws would flake),
# and write no example database into the clone. `HYPOTHESIS_PROFILE=explore` draws new examples, to hunt for bugs.
settings.register_profile("fixed", derandomize=True, database=None)
settings.register_profile("explore", database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fixed"))

DUEL: dict[str, Any] = {
    "scenario": {"name": "duel"},
    "params": {"turns": 10, "incident_rate": 0.0},
    "issues": [
        {"id": "war_aim", "status_quo": 0.0, "contested": True},
        {"id": "side_deal", "status_quo": 0.0, "contested": False},
    ],
    "camps": [{"id": "blue", "leader": "BLU"}, {"id": "red", "leader": "RED"}],
    "actors": [
        {"id": "BLU", "camp": "blue", "veto": True, "strategy": "hold_firm", "force": 10.0, "capability": 1.0,
         "resolve": 0.5, "credibility": 0.5, "strike_cost": 0.01,
         "ideal": {"war_aim": 1.0, "side_deal": 0.0}, "salience": {"war_aim": 0.7, "side_deal": 0.3}},
        {"id": "RED", "camp": "red", "veto": True, "strategy": "hold_firm", "force": 10.0, "capability": 1.0,
         "resolve": 0.5, "credibility": 0.5,
         "ideal": {"war_aim": 0.0, "side_deal": 1.0}, "salience": {"war_aim": 0.6, "side_deal": 0.4}},
        {"id": "CLI", "camp": "red", "spoiler": True, "patron": "RED", "strategy": "opportunist", "force": 5.0,
         "resolve": 0.9, "ideal": {"war_aim": 0.0, "side_deal": 0.5}, "salience": {"war_aim": 0.9, "side_deal": 0.1}},
    ],
}


def duel_data(**changes: Any) -> dict[str, Any]:
    """A copy of the DUEL scenario data; `changes` maps 'actors.0.force' style paths to values."""
    data = copy.deepcopy(DUEL)
    for path, value in changes.items():
        node: Any = data
        parts = path.split(".")
        for part in parts[:-1]:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(parts[-1]) if parts[-1].isdigit() else parts[-1]] = value
    return data


def make_world(data: dict[str, Any] | None = None, runs: int = 1, overrides: dict[str, Any] | None = None,
               seed: int = 0) -> World:
    spec = scenario_module.parse(data or duel_data(), "test.toml")
    world = build_world(spec, replicate_keys(seed, 0, runs), overrides)
    start(world)
    return world


@pytest.fixture(scope="session")
def syria():
    return scenario_module.load("syria-2016")


@pytest.fixture
def duel_world() -> World:
    return make_world()


def all_scenarios() -> list[str]:
    return scenario_module.builtin_names()


def assert_frames_equal(a, b) -> None:
    """Exact equality of two DataFrames (NaN equal to NaN)."""
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b)
    for col in a.columns:
        x, y = a[col].to_numpy(), b[col].to_numpy()
        if x.dtype.kind == "f" or y.dtype.kind == "f":
            np.testing.assert_array_equal(x.astype(float), y.astype(float), err_msg=col)
        else:
            assert (x == y).all(), col


def write(folder: Path, text: str, name: str = "exp.toml") -> Path:
    """Write `text` to the file `name` in `folder`: its path."""
    path = folder / name
    path.write_text(text)
    return path


def module_file(tmp_path_factory, text: str, name: str) -> Path:
    """`text` written to a file `name` in a fresh folder, for a module-scoped fixture."""
    return write(tmp_path_factory.mktemp(Path(name).stem), text, name)


def one_line_error(load: Callable[[Path], Any], path: Path) -> str:
    """The message of the CeasefireError that `load(path)` raises, checked to be one line naming the file."""
    with pytest.raises(CeasefireError) as info:
        load(path)
    message = str(info.value)
    assert "\n" not in message and str(path) in message, message
    return message


def assert_refused_file(result, path: Path, expected: str) -> None:
    """A command (a CliRunner result) refused the bad file at `path`: exit status 2, nothing on stdout, and on stderr
    one line that starts with `error: PATH: ` and holds `expected`."""
    assert result.exit_code == 2, (expected, result.output)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}: ") and expected in lines[0], result.stderr
    assert result.stdout == ""


def batch_reference(tmp_path_factory, path: Path, runs: int, **options: Any) -> Path:
    """The output folder of an uninterrupted in-process batch of the experiment file at `path` (`runs` runs in all):
    the data that interrupted, resumed or distributed batches are compared with."""
    from runs import batch, experiment

    out = tmp_path_factory.mktemp("ref") / "out"
    report = batch.run_batch(experiment.load(path), out, progress=False, **options)
    assert report.runs_done == report.total_runs == runs
    return out
