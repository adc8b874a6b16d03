"""Batch runs: the dataset's content, resuming after SIGTERM and SIGKILL, refusing a different experiment, and the
same results on every backend (in-process, local processes, a real Dask LocalCluster with worker processes)."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from model.ensemble import run_replicates
from model.errors import CeasefireError
from runs import batch, experiment
from runs.cli import app
from tests.conftest import assert_frames_equal, batch_reference, module_file
from tests.lifeline import bound


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
    return module_file(tmp_path_factory, EXPERIMENT, "small.toml")


@pytest.fixture(scope="module")
def reference(exp_file, tmp_path_factory):
    """An uninterrupted in-process run."""
    return batch.load_results(batch_reference(tmp_path_factory, exp_file, 4 * 4 * 15, workers=1, chunk_size=CHUNK))


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


ROOT = Path(__file__).resolve().parents[1]


def _start(args: list[str], err: Path, pause_after: int | None = None) -> subprocess.Popen:
    """The `ceasefire` command in a new process and a new session (its own process group, as a shell job has),
    bound to die with the test run. With `pause_after`, the batch waits to be stopped once it has saved that many
    chunks, so a test can interrupt it part-way without racing it."""
    env = {k: v for k, v in os.environ.items() if k != batch.TEST_PAUSE_ENV}
    if pause_after is not None:
        env[batch.TEST_PAUSE_ENV] = str(pause_after)
    with open(err, "wb") as fh:
        return subprocess.Popen(bound([sys.executable, "-m", "runs", *args]), cwd=ROOT, env=env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=fh, start_new_session=True)


def _chunks_done(out: Path) -> int:
    try:
        return len(json.loads((out / "manifest.json").read_text())["chunks"])
    except (OSError, ValueError, KeyError):
        return 0


def _wait_for_chunks(proc: subprocess.Popen, out: Path, n: int, err: Path, timeout: float = 180.0) -> None:
    """Poll the manifest until it lists n chunks (the condition), failing if the batch ends first."""
    deadline = time.monotonic() + timeout
    while _chunks_done(out) < n:
        assert proc.poll() is None, f"batch ended early with {proc.returncode}: {err.read_text()}"
        assert time.monotonic() < deadline, "no chunk written in time"
        time.sleep(0.02)


def _group_gone(pgid: int, timeout: float = 60.0) -> bool:
    """Whether every process of the group has ended (zombies are reaped by init once their parent is gone)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_resume_after_sigterm_and_sigkill_gives_the_uninterrupted_dataset(reference, exp_file, tmp_path):
    out = tmp_path / "out"
    args = ["batch", str(exp_file), "--out", str(out), "--chunk-size", str(CHUNK), "--quiet"]

    proc = _start(args, tmp_path / "err1", pause_after=1)
    _wait_for_chunks(proc, out, 1, tmp_path / "err1")
    proc.send_signal(signal.SIGTERM)  # to the command only (`kill PID`)
    assert proc.wait(60) == 143
    err = (tmp_path / "err1").read_text()
    assert err.strip().splitlines()[-1] == (f"interrupted by SIGTERM: {CHUNK} of 240 runs saved in {out}; "
                                            "run the same command again to continue"), err
    assert "Traceback" not in err and _chunks_done(out) == 1

    proc = _start(args, tmp_path / "err2", pause_after=1)
    _wait_for_chunks(proc, out, 2, tmp_path / "err2")
    proc.kill()  # no chance to clean up
    assert proc.wait(60) == -signal.SIGKILL
    assert _chunks_done(out) == 2

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


@pytest.mark.parametrize("signum, status", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_signal_to_the_process_group_of_a_batch_with_workers_ends_it_cleanly(reference, exp_file, tmp_path,
                                                                             signum, status):
    """What `timeout`, a job scheduler (SIGTERM) or Ctrl-C in a terminal (SIGINT) do: signal every process of the
    job. The workers must not run the command's handler (no traceback), the command must end within seconds with
    one line on what was saved, nothing of the group may be left, and resuming gives the uninterrupted dataset."""
    out, err = tmp_path / "out", tmp_path / "err"
    args = ["batch", str(exp_file), "--out", str(out), "--chunk-size", str(CHUNK), "--workers", "2", "--quiet"]
    proc = _start(args, err, pause_after=2)
    _wait_for_chunks(proc, out, 2, err)
    os.killpg(proc.pid, signum)
    assert proc.wait(60) == status, err.read_text()
    text = err.read_text()
    assert "Traceback" not in text and "Error" not in text, text
    lines = text.strip().splitlines()
    assert len(lines) == 2 and lines[1].startswith(f"interrupted by {signal.Signals(signum).name}: "), text
    assert lines[1].endswith(f"runs saved in {out}; run the same command again to continue"), text
    assert _group_gone(proc.pid), "a process of the batch outlived it"
    assert not list(out.rglob("*.tmp"))
    batch.run_batch(experiment.load(exp_file), out, progress=False)  # resumed in this process: the same data
    assert_frames_equal(batch.load_results(out), reference)


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
    # A real LocalCluster with 2 worker processes, spawned (as `--dask-local` does): forking this test process,
    # which runs threads, is what made this test fail now and then ("os.fork is unsafe ...").
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


# ---------------------------------------------------------------- integrity


@pytest.fixture
def finished(exp_file, tmp_path) -> Path:
    """A finished batch folder of the small experiment."""
    out = tmp_path / "done"
    batch.run_batch(experiment.load(exp_file), out, chunk_size=CHUNK, progress=False)
    return out


def _damage(path: Path, how: str) -> None:
    data = bytearray(path.read_bytes())
    if how == "truncated":
        path.write_bytes(bytes(data[: len(data) // 2]))
    else:  # one bit flipped in the middle of the file
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))


def test_every_chunk_has_its_checksum_in_the_manifest(finished):
    manifest = json.loads((finished / "manifest.json").read_text())
    assert len(manifest["chunks"]) == 12
    for key, info in manifest["chunks"].items():
        assert info["sha256"]["runs"] == hashlib.sha256((finished / "runs" / f"{key}.parquet").read_bytes()).hexdigest()


@pytest.mark.parametrize("how", ["truncated", "bit flipped"])
def test_a_damaged_chunk_is_named_when_loading_and_redone_on_resume(reference, exp_file, finished, how):
    victim = finished / "runs" / "c0001-r0000000000.parquet"  # 25 runs
    _damage(victim, how)
    with pytest.raises(CeasefireError, match="damaged"):
        batch.load_results(finished)
    result = subprocess.run([sys.executable, "-m", "runs", "compare", "--from", str(finished)], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == (f"error: {victim}: damaged (its sha256 does not match the manifest); rerun the "
                                      "batch to redo it")
    report = batch.run_batch(experiment.load(exp_file), finished, chunk_size=CHUNK, progress=False)
    assert report.runs_done_before == report.total_runs - CHUNK  # only the damaged chunk was redone
    assert_frames_equal(batch.load_results(finished), reference)


@pytest.mark.parametrize("how", ["truncated", "edited"])
def test_a_damaged_sample_table_is_written_again_on_resume(exp_file, finished, how):
    samples = finished / "samples.parquet"
    exp = experiment.load(exp_file)
    if how == "truncated":
        _damage(samples, how)
    else:  # a readable file with other values (a stray edit)
        (exp.sample_table * 2).to_parquet(samples, index=False)
    batch.run_batch(exp, finished, chunk_size=CHUNK, progress=False)
    pd.testing.assert_frame_equal(pd.read_parquet(samples), exp.sample_table.reset_index(drop=True))


def test_a_second_batch_on_a_busy_folder_is_refused(reference, exp_file, tmp_path):
    out, err = tmp_path / "out", tmp_path / "err"
    args = ["batch", str(exp_file), "--out", str(out), "--chunk-size", str(CHUNK), "--quiet"]
    first = _start(args, err, pause_after=1)
    try:
        _wait_for_chunks(first, out, 1, err)
        before = _snapshot(out)
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 2
        assert result.stderr.strip() == (f"error: --out {out}: another batch is writing to this folder (pid "
                                         f"{first.pid}); wait for it to end, or choose another --out")
        assert _snapshot(out) == before  # nothing touched
    finally:
        first.kill()  # the lock goes with the process, however it ends
        first.wait(60)
    batch.run_batch(experiment.load(exp_file), out, chunk_size=CHUNK, progress=False)
    assert_frames_equal(batch.load_results(out), reference)


def test_a_folder_left_with_only_temporary_files_is_a_fresh_start(reference, exp_file, tmp_path):
    out = tmp_path / "out"
    (out / "runs").mkdir(parents=True)
    (out / ".metadata.json.4242.tmp").write_text("{")  # killed while writing its first file
    (out / ".lock").write_text("4242\n")
    (out / "samples.parquet").write_bytes(b"PAR1")
    batch.run_batch(experiment.load(exp_file), out, chunk_size=CHUNK, progress=False)
    assert_frames_equal(batch.load_results(out), reference)
    assert not list(out.rglob("*.tmp"))
