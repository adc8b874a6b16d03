"""Batch runs: the dataset's content, resuming after SIGTERM and SIGKILL, refusing a different experiment, and the
same results on every backend (in-process, local processes, a real Dask LocalCluster with worker processes)."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import signal
import sys
import time
from pathlib import Path

import dask
import numpy as np
import pytest
from typer.testing import CliRunner

from model.ensemble import run_replicates
from model.errors import CeasefireError
from runs import batch, experiment
from runs.cli import app
from tests.conftest import assert_frames_equal


EXPERIMENT = """
[experiment]
name = "small"
scenario = "syria-2016"
turns = 8
replicates = 15
seed = 11

[levers]
us_strategy = ["concede", "or_else"]
RUS = ["force_backed_diplomacy", "stall"]

[uncertainties]
"RUS.resolve" = { uniform = [0.6, 0.95] }
"USA.credibility" = { uniform = [0.1, 0.6] }

[sampling]
method = "lhs"
samples = 4
"""
KEYS = ["us_strategy", "strategy_RUS", "replicate"]
CHUNK = 25  # 60 runs per lever combination: 3 chunks each, 12 chunks in all


def sorted_frame(df):
    return df.sort_values(KEYS, kind="stable").reset_index(drop=True)


@pytest.fixture(scope="module")
def exp_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("exp") / "small.toml"
    path.write_text(EXPERIMENT)
    return path


@pytest.fixture(scope="module")
def reference(exp_file, tmp_path_factory):
    """An uninterrupted in-process run."""
    out = tmp_path_factory.mktemp("ref") / "out"
    report = batch.run_batch(experiment.load(exp_file), out, workers=1, chunk_size=CHUNK, progress=False)
    assert report.runs_done == report.total_runs == 4 * 4 * 15
    return batch.load_results(out)


def test_dataset_rows_are_the_ensemble_runs(reference, exp_file):
    exp = experiment.load(exp_file)
    assert len(reference) == exp.total_runs
    assert not reference.duplicated(KEYS).any()
    assert set(reference.columns) >= {"experiment", "sample", "replicate", "seed", "us_strategy", "strategy_RUS",
                                      "outcome", "us_utility", "RUS.resolve", "USA.credibility"}
    # each row is exactly the ensemble's run with that replicate's seed and that sample's values
    samples = exp.sample_table
    sub = reference[(reference.us_strategy == "or_else") & (reference.strategy_RUS == "stall")].reset_index(drop=True)
    assert (sub["replicate"].to_numpy() == np.arange(60)).all()
    assert (sub["sample"].to_numpy() == np.arange(60) // 15).all()
    per_run = {k: samples[k].to_numpy()[np.arange(60) // 15] for k in ("RUS.resolve", "USA.credibility")}
    direct = run_replicates(exp.scenario, runs=60, seed=11, us_strategy="or_else", strategies={"RUS": "stall"},
                            params={"params.turns": 8}, per_run=per_run)
    assert_frames_equal(sub[direct.columns], direct)


def _cli_child(args: list[str], delay: str, stderr_path: str) -> None:
    """The `ceasefire` command in a forked child process (the test process has already paid for the imports)."""
    os.environ[batch.TEST_DELAY_ENV] = delay  # time to interrupt between chunks
    sys.stderr = open(stderr_path, "w")  # noqa: SIM115
    app(args, prog_name="ceasefire")


def _start(args: list[str], err: Path):
    proc = multiprocessing.get_context("fork").Process(target=_cli_child, args=(args, "0.25", str(err)))
    proc.start()
    return proc


def _chunks_done(out: Path) -> int:
    try:
        return len(json.loads((out / "manifest.json").read_text())["chunks"])
    except (OSError, ValueError, KeyError):
        return 0


def _wait_for_chunks(proc, out: Path, n: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while _chunks_done(out) < n:
        assert proc.is_alive(), f"batch ended early with {proc.exitcode}"
        assert time.monotonic() < deadline, "no chunk written in time"
        time.sleep(0.02)


def test_resume_after_sigterm_and_sigkill_gives_the_uninterrupted_dataset(reference, exp_file, tmp_path):
    out = tmp_path / "out"
    args = ["batch", str(exp_file), "--out", str(out), "--chunk-size", str(CHUNK), "--quiet"]

    proc = _start(args, tmp_path / "err1")
    _wait_for_chunks(proc, out, 1)
    os.kill(proc.pid, signal.SIGTERM)
    proc.join(60)
    err = (tmp_path / "err1").read_text()
    assert proc.exitcode == 130, err
    assert "interrupted" in err and "run the same command again" in err
    first = _chunks_done(out)
    assert 1 <= first < 16

    proc = _start(args, tmp_path / "err2")
    _wait_for_chunks(proc, out, first + 1)
    os.kill(proc.pid, signal.SIGKILL)  # no chance to clean up
    proc.join(60)
    assert proc.exitcode == -signal.SIGKILL
    second = _chunks_done(out)
    assert first < second < 16

    result = CliRunner().invoke(app, args)  # the same command, run to the end
    assert result.exit_code == 0, result.output
    assert "resumed" in result.stdout
    resumed = batch.load_results(out)
    assert not resumed.duplicated(KEYS).any()
    assert_frames_equal(sorted_frame(resumed), sorted_frame(reference))
    assert not list(out.rglob("*.tmp"))
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["experiment_text"] == EXPERIMENT
    assert meta["experiment_sha256"] == hashlib.sha256(EXPERIMENT.encode()).hexdigest()
    assert meta["package_version"] and meta["created"] and meta["completed"]


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_different_experiment_into_the_same_folder_is_refused(exp_file, tmp_path):
    out = tmp_path / "out"
    tiny = EXPERIMENT.replace("replicates = 15", "replicates = 2").replace('RUS = ["force_backed_diplomacy", "stall"]', "")
    first = tmp_path / "first.toml"
    first.write_text(tiny)
    batch.run_batch(experiment.load(first), out, chunk_size=CHUNK, progress=False)
    before = _snapshot(out)
    other = tmp_path / "other.toml"
    other.write_text(tiny.replace("seed = 11", "seed = 12"))
    with pytest.raises(CeasefireError, match="different experiment"):
        batch.run_batch(experiment.load(other), out, chunk_size=CHUNK, progress=False)
    result = CliRunner().invoke(app, ["batch", str(other), "--out", str(out)])
    err = result.stderr
    assert result.exit_code == 2 and len(err.strip().splitlines()) == 1 and "different experiment" in err, err
    assert _snapshot(out) == before
    # the same experiment again (even from another file, with a comment) is a no-op resume
    same = tmp_path / "same.toml"
    same.write_text("# same\n" + tiny)
    report = batch.run_batch(experiment.load(same), out, chunk_size=CHUNK, progress=False)
    assert report.runs_done_before == report.runs_done == report.total_runs


def test_not_a_batch_folder_is_refused(exp_file, tmp_path):
    out = tmp_path / "busy"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(CeasefireError, match="not empty and not a batch output folder"):
        batch.run_batch(experiment.load(exp_file), out, chunk_size=CHUNK, progress=False)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_same_results_on_every_backend(reference, exp_file, tmp_path):
    exp = experiment.load(exp_file)
    batch.run_batch(exp, tmp_path / "procs", workers=2, chunk_size=CHUNK, progress=False)
    # A real LocalCluster with 2 worker processes; forked rather than spawned so the test starts in seconds.
    with dask.config.set({"distributed.worker.multiprocessing-method": "fork"}):
        report = batch.run_batch(exp, tmp_path / "dask", dask_local=2, chunk_size=CHUNK, progress=False)
    assert report.backend.startswith("dask LocalCluster (2 worker processes)")
    for name in ("procs", "dask"):
        frame = batch.load_results(tmp_path / name)
        assert_frames_equal(frame, reference)  # plan order, whatever order the chunks finished in


def test_traces_tables(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text(EXPERIMENT.replace("replicates = 15", "replicates = 3").replace("samples = 4", "samples = 2")
                    .replace('RUS = ["force_backed_diplomacy", "stall"]', "").replace("turns = 8", "turns = 4"))
    exp = experiment.load(path)
    batch.run_batch(exp, tmp_path / "out", traces=True, chunk_size=4, progress=False)
    runs = batch.load_results(tmp_path / "out")
    model = batch.load_results(tmp_path / "out", "traces/model")
    actor = batch.load_results(tmp_path / "out", "traces/actor")
    assert len(runs) == 2 * 2 * 3
    assert len(model) == len(runs) * 4
    assert len(actor) == len(runs) * 4 * len(exp.scenario.actor_ids)
    assert not model.duplicated(["us_strategy", "replicate", "turn"]).any()
    with pytest.raises(CeasefireError, match="--traces"):
        batch.run_batch(exp, tmp_path / "out", traces=False, progress=False)
