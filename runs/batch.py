"""Run an experiment: every lever combination x every sample x every replicate, written as a Parquet dataset.

Output folder layout (`docs/batch.md`):

    metadata.json        the experiment file's text and sha256, its fingerprint, package version, times
    manifest.json        the plan (chunk size, runs) and every chunk finished so far
    samples.parquet      the sampled uncertainties, one row per sample
    runs/*.parquet       one file per chunk: one tidy row per run
    traces/model/*.parquet, traces/actor/*.parquet    per-turn tables (with --traces)

Safety: a chunk is written to a temporary file, flushed, and renamed into place (atomic on POSIX); only then is it
added to the manifest, itself replaced atomically. A run killed at any moment leaves only whole files, and the next
run of the same command redoes exactly the chunks missing from the manifest. Each chunk's rows depend only on the
experiment and the chunk's replicate indices (never on the worker or the order), so the final dataset is the same
as an uninterrupted run's, on any backend and worker count.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.errors import CeasefireError
from model.scenario import Scenario
from runs.experiment import Experiment

DEFAULT_CHUNK = 5_000
"""Runs per chunk: a few seconds of work for one core at 52 turns, so an interrupted batch loses little."""
DEFAULT_TRACE_CHUNK = 200
"""Runs per chunk with per-turn traces (the actor table has runs x turns x actors rows)."""
FORMAT = 1
TEST_DELAY_ENV = "CEASEFIRE_BATCH_TEST_DELAY"
"""Seconds to sleep after each chunk is saved: lets the tests kill a batch part-way. Not for users."""


@dataclass(frozen=True)
class Chunk:
    """Runs start..stop-1 (replicate indices) of lever combination `combo`."""

    combo: int
    start: int
    stop: int

    @property
    def key(self) -> str:
        return f"c{self.combo:04d}-r{self.start:010d}"

    @property
    def runs(self) -> int:
        return self.stop - self.start


@dataclass
class ChunkTask:
    """Everything a worker needs for one chunk (picklable; no file access)."""

    chunk: Chunk
    experiment: str
    scenario: Scenario
    strategies: dict[str, str]
    seed: int
    replicates: int
    params: dict[str, float]
    samples: dict[str, np.ndarray]
    traces: bool = False


@dataclass
class ChunkResult:
    chunk: Chunk
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def plan(exp: Experiment, chunk_size: int) -> list[Chunk]:
    """Every chunk of the experiment, in a fixed order."""
    per_combo = exp.runs_per_combo
    step = max(1, int(chunk_size))
    return [Chunk(c, start, min(per_combo, start + step)) for c in range(len(exp.combos) or 1)
            for start in range(0, per_combo, step)]


def make_task(exp: Experiment, chunk: Chunk, traces: bool) -> ChunkTask:
    table = exp.sample_table
    return ChunkTask(
        chunk=chunk, experiment=exp.name, scenario=exp.scenario,
        strategies=dict(exp.combos[chunk.combo]) if exp.combos else {},
        seed=exp.seed, replicates=exp.replicates, params=exp.params(),
        samples={k: table[k].to_numpy() for k in table.columns if k != "sample"}, traces=traces,
    )


def run_chunk(task: ChunkTask) -> ChunkResult:
    """Run one chunk (in any process): its tidy per-run rows, and its per-turn tables with traces."""
    from model.ensemble import run_replicates

    chunk = task.chunk
    replicate = np.arange(chunk.start, chunk.stop)
    sample = replicate // task.replicates
    per_run = {k: v[sample] for k, v in task.samples.items()}
    out = run_replicates(task.scenario, runs=chunk.runs, seed=task.seed, strategies=task.strategies,
                         params=task.params, per_run=per_run, first_replicate=chunk.start,
                         chunk_size=chunk.runs, traces=task.traces)
    summary, model_trace, actor_trace = out if task.traces else (out, None, None)
    summary.insert(0, "experiment", task.experiment)
    summary.insert(2, "sample", sample)
    tables = {"runs": summary}
    if task.traces:
        for name, frame in (("model", model_trace), ("actor", actor_trace)):
            frame = frame.rename(columns={"run": "replicate"})
            frame.insert(0, "us_strategy", summary["us_strategy"].iloc[0])
            for actor_id, strat in task.strategies.items():
                if actor_id != "USA":
                    frame.insert(1, f"strategy_{actor_id}", strat)
            tables[f"traces/{name}"] = frame
    return ChunkResult(chunk=chunk, tables=tables)


# ---------------------------------------------------------------- files


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Write through a temporary file in the same folder, flushed, then renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    _fsync_dir(path.parent)


def _write_json(path: Path, data: dict[str, Any]) -> None:
    _atomic_write(path, lambda p: p.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n", encoding="utf-8"))


def _write_parquet(path: Path, frame: pd.DataFrame) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    _atomic_write(path, lambda p: pq.write_table(table, p, compression="zstd"))


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ceasefire")
    except PackageNotFoundError:  # pragma: no cover
        return "unknown"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class Output:
    """An output folder: its metadata and manifest."""

    path: Path
    manifest: dict[str, Any]

    @property
    def done(self) -> dict[str, Any]:
        return self.manifest["chunks"]

    def chunk_file(self, table: str, chunk: Chunk) -> Path:
        return self.path / table / f"{chunk.key}.parquet"

    def save(self, result: ChunkResult) -> None:
        for table, frame in result.tables.items():
            _write_parquet(self.chunk_file(table, result.chunk), frame)
        self.done[result.chunk.key] = {"combo": result.chunk.combo, "start": result.chunk.start, "runs": result.chunk.runs}
        self.manifest["runs_done"] = sum(c["runs"] for c in self.done.values())
        _write_json(self.path / "manifest.json", self.manifest)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CeasefireError(f"{path}: cannot read ({exc}); the folder is not a usable batch output") from None


def open_output(out: Path, exp: Experiment, traces: bool, chunk_size: int | None) -> Output:
    """Create the output folder, or reopen one left by the same experiment (CeasefireError for another)."""
    meta_path, manifest_path = out / "metadata.json", out / "manifest.json"
    if out.exists() and not out.is_dir():
        raise CeasefireError(f"--out {out}: exists and is not a folder")
    if meta_path.exists():
        meta = _read_json(meta_path)
        if meta.get("fingerprint") != exp.fingerprint:
            raise CeasefireError(
                f"--out {out}: holds results of a different experiment ({meta.get('experiment_name')!r} from "
                f"{meta.get('experiment_path')}); refusing to mix results: choose another --out or delete the folder")
        if bool(meta.get("traces")) != traces:
            was = "with" if meta.get("traces") else "without"
            raise CeasefireError(f"--out {out}: this batch was started {was} --traces; run it the same way")
        manifest = _read_json(manifest_path) if manifest_path.exists() else None
        if manifest is None or manifest.get("fingerprint") != exp.fingerprint:
            manifest = _new_manifest(exp, traces, chunk_size)
        output = Output(out, manifest)
        # A chunk counts only if every one of its files is present; anything else is redone.
        tables = ["runs"] + (["traces/model", "traces/actor"] if traces else [])
        for key in list(output.done):
            info = output.done[key]
            chunk = Chunk(info["combo"], info["start"], info["start"] + info["runs"])
            if not all(output.chunk_file(t, chunk).is_file() for t in tables):
                del output.done[key]
        for tmp in out.rglob(".*.tmp"):
            tmp.unlink(missing_ok=True)
        return output
    if out.exists() and any(out.iterdir()):
        raise CeasefireError(f"--out {out}: not empty and not a batch output folder (no metadata.json); choose another --out")
    out.mkdir(parents=True, exist_ok=True)
    manifest = _new_manifest(exp, traces, chunk_size)
    _write_parquet(out / "samples.parquet", exp.sample_table)
    _write_json(out / "metadata.json", {
        "format": FORMAT,
        "experiment_name": exp.name,
        "experiment_path": str(Path(exp.path).resolve()),
        "experiment_sha256": exp.text_hash,
        "experiment_text": exp.text,
        "fingerprint": exp.fingerprint,
        "scenario": exp.scenario.name,
        "package": "ceasefire",
        "package_version": _package_version(),
        "numpy_version": np.__version__,
        "created": _now(),
        "traces": traces,
        "total_runs": exp.total_runs,
    })
    output = Output(out, manifest)
    _write_json(manifest_path, manifest)
    return output


def _new_manifest(exp: Experiment, traces: bool, chunk_size: int | None) -> dict[str, Any]:
    size = chunk_size or (DEFAULT_TRACE_CHUNK if traces else DEFAULT_CHUNK)
    return {"format": FORMAT, "fingerprint": exp.fingerprint, "chunk_size": int(size), "traces": traces,
            "total_runs": exp.total_runs, "runs_done": 0, "chunks": {}}


# ---------------------------------------------------------------- backends


class Interrupted(Exception):
    """The batch was stopped by Ctrl-C or SIGTERM; finished chunks are saved."""

    def __init__(self, done: int, total: int) -> None:
        super().__init__(f"interrupted: {done} of {total} runs saved")
        self.done, self.total = done, total


def _worker_init(parent: int) -> None:
    """In each local worker process: leave Ctrl-C to the parent (which stops the workers), and exit if the parent
    dies (kill -9), instead of lingering as an orphan."""
    import threading

    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def _serial(tasks: list[ChunkTask]) -> Iterator[ChunkResult]:
    for task in tasks:
        yield run_chunk(task)


class _Backend:
    """Runs chunk tasks and yields results as they finish; `close` stops whatever is still running."""

    def __init__(self, workers: int = 1, scheduler: str | None = None, dask_local: int | None = None) -> None:
        self.workers, self.scheduler, self.dask_local = workers, scheduler, dask_local
        self.pool = self.client = self.cluster = None
        self.futures: list[Any] = []

    @property
    def label(self) -> str:
        if self.scheduler:
            return f"dask scheduler {self.scheduler}"
        if self.dask_local:
            return f"dask LocalCluster ({self.dask_local} worker processes)"
        return "in-process" if self.workers <= 1 else f"{self.workers} local processes"

    def run(self, tasks: list[ChunkTask]) -> Iterator[ChunkResult]:
        if not tasks:
            return iter(())
        if self.scheduler or self.dask_local:
            return self._dask(tasks)
        if self.workers <= 1:
            return _serial(tasks)
        return self._processes(tasks)

    def _processes(self, tasks: list[ChunkTask]) -> Iterator[ChunkResult]:
        from concurrent.futures import ProcessPoolExecutor, as_completed

        self.pool = ProcessPoolExecutor(max_workers=min(self.workers, len(tasks)), initializer=_worker_init, initargs=(os.getpid(),))
        self.futures = [self.pool.submit(run_chunk, t) for t in tasks]

        def results() -> Iterator[ChunkResult]:
            for fut in as_completed(self.futures):
                yield fut.result()

        return results()

    def _dask(self, tasks: list[ChunkTask]) -> Iterator[ChunkResult]:
        import logging

        from distributed import Client, LocalCluster, as_completed

        try:
            if self.scheduler:
                self.client = Client(self.scheduler, timeout="20s")
            else:
                self.cluster = LocalCluster(n_workers=self.dask_local, threads_per_worker=1, processes=True,
                                            dashboard_address=None, silence_logs=logging.ERROR)
                self.client = Client(self.cluster)
        except (OSError, TimeoutError, ValueError) as exc:
            raise CeasefireError(f"--scheduler {self.scheduler}: cannot connect ({exc})") from None
        self.futures = [self.client.submit(run_chunk, t, pure=False) for t in tasks]

        def results() -> Iterator[ChunkResult]:
            for fut in as_completed(self.futures):
                yield fut.result()

        return results()

    def close(self, cancel: bool = False) -> None:
        if self.pool is not None:
            if cancel:
                for fut in self.futures:
                    fut.cancel()
                for proc in list(getattr(self.pool, "_processes", {}).values()):  # stop chunks in flight now
                    proc.terminate()
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
        if self.client is not None:
            if cancel and self.futures:
                self.client.cancel(self.futures)
            self.client.close()
            self.client = None
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None


# ---------------------------------------------------------------- the batch


@dataclass
class BatchReport:
    out: Path
    total_runs: int
    runs_done_before: int
    runs_done: int
    seconds: float
    backend: str


def _progress(total: int, done: int, enabled: bool):
    from rich.console import Console
    from rich.progress import BarColumn, Progress, ProgressColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task: Any) -> Text:
            speed = task.finished_speed or task.speed
            return Text("-- runs/s" if speed is None else f"{speed:,.0f} runs/s")

    class Count(ProgressColumn):
        def render(self, task: Any) -> Text:
            return Text(f"{int(task.completed):,}/{int(task.total):,} runs")

    progress = Progress(TextColumn("[bold]batch"), BarColumn(), Count(), Rate(), TimeElapsedColumn(),
                        TextColumn("left"), TimeRemainingColumn(), console=Console(stderr=True), disable=not enabled,
                        transient=False)
    task = progress.add_task("batch", total=total, completed=done)
    return progress, task


def run_batch(
    exp: Experiment,
    out: str | Path,
    workers: int = 1,
    scheduler: str | None = None,
    dask_local: int | None = None,
    traces: bool = False,
    chunk_size: int | None = None,
    progress: bool = True,
    announce: Callable[[str], None] | None = None,
) -> BatchReport:
    """Run (or continue) the experiment into `out`. Raises `Interrupted` on Ctrl-C/SIGTERM (saved chunks stay).
    `announce` receives one line describing the plan once the output folder is accepted."""
    if sum(x is not None and x is not False for x in (scheduler, dask_local)) > 1:
        raise CeasefireError("--scheduler and --dask-local: give one of them")
    if workers < 1 or (dask_local is not None and dask_local < 1):
        raise CeasefireError("--workers/--dask-local: need at least 1")
    output = open_output(Path(out), exp, traces, chunk_size)
    chunks = plan(exp, output.manifest["chunk_size"])
    todo = [c for c in chunks if c.key not in output.done]
    total = exp.total_runs
    before = sum(c.runs for c in chunks if c.key in output.done)
    if announce is not None:
        resuming = f", {before:,} already done" if before else ""
        announce(f"{exp.name}: {len(exp.combos)} lever combination(s) x {exp.n_samples} sample(s) x {exp.replicates} "
                 f"replicate(s) = {total:,} runs in {len(chunks)} chunks -> {output.path}{resuming}")
    backend = _Backend(workers, scheduler, dask_local)
    delay = float(os.environ.get(TEST_DELAY_ENV, "0") or 0)
    started = time.monotonic()
    done = before

    def on_term(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    old_term = signal.signal(signal.SIGTERM, on_term)
    bar, task = _progress(total, before, progress)
    try:
        try:
            results = backend.run([make_task(exp, c, traces) for c in todo])
            with bar:
                for result in results:
                    output.save(result)
                    done += result.chunk.runs
                    bar.update(task, advance=result.chunk.runs)
                    if delay:
                        time.sleep(delay)
        except KeyboardInterrupt:
            backend.close(cancel=True)
            raise Interrupted(done, total) from None
        finally:
            backend.close()
    finally:
        signal.signal(signal.SIGTERM, old_term)
    meta_path = output.path / "metadata.json"
    meta = _read_json(meta_path)
    meta["completed"] = meta.get("completed") or _now()
    meta.setdefault("sessions", []).append({"time": _now(), "backend": backend.label, "runs": done - before})
    _write_json(meta_path, meta)
    return BatchReport(output.path, total, before, done, time.monotonic() - started, backend.label)


def load_results(out: str | Path, table: str = "runs") -> pd.DataFrame:
    """The finished chunks of a batch output folder as one DataFrame, in plan order (table: runs,
    traces/model or traces/actor)."""
    import pyarrow.parquet as pq

    out = Path(out)
    manifest_path = out / "manifest.json"
    if not manifest_path.is_file():
        raise CeasefireError(f"{out}: not a batch output folder (no manifest.json)")
    manifest = _read_json(manifest_path)
    keys = sorted(manifest["chunks"])
    if not keys:
        raise CeasefireError(f"{out}: no finished chunks yet; run the batch first")
    files = [out / table / f"{k}.parquet" for k in keys]
    missing = [f for f in files if not f.is_file()]
    if missing:
        raise CeasefireError(f"{out}: {missing[0]} listed in the manifest is missing; rerun the batch to redo it")
    frames = [pq.read_table(f).to_pandas() for f in files]
    return pd.concat(frames, ignore_index=True)


def load_metadata(out: str | Path) -> dict[str, Any]:
    out = Path(out)
    if not (out / "metadata.json").is_file():
        raise CeasefireError(f"{out}: not a batch output folder (no metadata.json)")
    meta = _read_json(out / "metadata.json")
    manifest = _read_json(out / "manifest.json") if (out / "manifest.json").is_file() else {}
    meta["runs_done"] = manifest.get("runs_done", 0)
    return meta
