"""Run an experiment: every lever combination x every sample x every replicate, written as a Parquet dataset.

Output folder layout (`docs/batch.md`):

    metadata.json        the experiment file's text and sha256, its fingerprint, package version, times
    manifest.json        the plan (chunk size, runs) and every chunk finished so far, with each file's sha256
    samples.parquet      the sampled uncertainties, one row per sample (written again on every resume)
    runs/*.parquet       one file per chunk: one tidy row per run
    traces/model/*.parquet, traces/actor/*.parquet    per-turn tables (with --traces)
    .lock                held (flock) by the one batch writing to the folder

Safety: a chunk is written to a temporary file, flushed, and renamed into place (atomic on POSIX); only then is it
added to the manifest with its sha256, the manifest itself replaced atomically. A run killed at any moment leaves
only whole files, and the next run of the same command redoes exactly the chunks missing from the manifest, or
whose file is missing or no longer matches its sha256 (a damaged disk or a stray edit). Each chunk's rows depend
only on the experiment and the chunk's replicate indices (never on the worker or the order), so the final dataset
is the same as an uninterrupted run's, on any backend and worker count. Reading the results checks every sha256.

Memory: the chunks are planned lazily and only a few are in flight at once (`IN_FLIGHT_PER_WORKER`), each task
carrying only its own samples, so memory is bounded by the chunk size; the size of an experiment is bounded up
front (`runs.experiment.MAX_RUNS`, `MAX_CHUNKS` here) so that the manifest stays small.
"""

from __future__ import annotations

import contextlib
import hashlib
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
FORMAT = 2
"""2: every chunk in the manifest has the sha256 of each of its files (a chunk without one is redone)."""
MAX_CHUNKS = 100_000
"""Chunks per batch at most: the manifest (rewritten after each chunk) stays within a few MB."""
IN_FLIGHT_PER_WORKER = 2
"""Chunks submitted ahead per worker: enough to keep every worker busy, few enough to bound memory."""
LOCK_FILE = ".lock"
TEST_PAUSE_ENV = "CEASEFIRE_BATCH_TEST_PAUSE_AFTER"
"""For the tests only: after this many chunks saved, the batch waits until a signal stops it (so a test can
interrupt a batch part-way without racing it)."""


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
    """The sampled values of the chunk's own samples only, from sample `first_sample` on."""
    first_sample: int = 0
    traces: bool = False


@dataclass
class ChunkResult:
    chunk: Chunk
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def chunk_count(exp: Experiment, chunk_size: int) -> int:
    step = max(1, int(chunk_size))
    return (len(exp.combos) or 1) * -(-exp.runs_per_combo // step)


def plan(exp: Experiment, chunk_size: int) -> Iterator[Chunk]:
    """Every chunk of the experiment, in a fixed order, one at a time (never the whole plan in memory)."""
    per_combo = exp.runs_per_combo
    step = max(1, int(chunk_size))
    for c in range(len(exp.combos) or 1):
        for start in range(0, per_combo, step):
            yield Chunk(c, start, min(per_combo, start + step))


def check_size(exp: Experiment, chunk_size: int) -> None:
    """Refuse a plan with more chunks than `MAX_CHUNKS` (the experiment's own size is checked when it loads)."""
    n = chunk_count(exp, chunk_size)
    if n > MAX_CHUNKS:
        raise CeasefireError(f"--chunk-size {chunk_size}: {exp.total_runs:,} runs would be {n:,} chunks, more than the "
                             f"limit of {MAX_CHUNKS:,}; use a chunk size of at least {-(-exp.total_runs // MAX_CHUNKS):,}")


def make_task(exp: Experiment, chunk: Chunk, traces: bool) -> ChunkTask:
    table = exp.sample_table
    first, last = chunk.start // exp.replicates, (chunk.stop - 1) // exp.replicates
    return ChunkTask(
        chunk=chunk, experiment=exp.name, scenario=exp.scenario,
        strategies=dict(exp.combos[chunk.combo]) if exp.combos else {},
        seed=exp.seed, replicates=exp.replicates, params=exp.run_params(chunk.combo) if exp.combos else exp.params(),
        samples={k: table[k].to_numpy()[first:last + 1].copy() for k in table.columns if k != "sample"},
        first_sample=first, traces=traces,
    )


def run_chunk(task: ChunkTask) -> ChunkResult:
    """Run one chunk (in any process): its tidy per-run rows, and its per-turn tables with traces."""
    from model.ensemble import run_replicates

    chunk = task.chunk
    replicate = np.arange(chunk.start, chunk.stop)
    sample = replicate // task.replicates
    per_run = {k: v[sample - task.first_sample] for k, v in task.samples.items()}
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
            frame.insert(0, "us_strategy", str(summary["us_strategy"].iloc[0]))
            for actor_id in task.strategies:
                if actor_id != "USA":
                    frame.insert(1, f"strategy_{actor_id}", str(summary[f"strategy_{actor_id}"].iloc[0]))
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


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _atomic_write(path: Path, write: Callable[[Path], None]) -> str:
    """Write through a temporary file in the same folder, flushed, then renamed into place; the sha256 of the file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        digest = sha256_of(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    _fsync_dir(path.parent)
    return digest


def _write_json(path: Path, data: dict[str, Any]) -> None:
    _atomic_write(path, lambda p: p.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n", encoding="utf-8"))


def _write_parquet(path: Path, frame: pd.DataFrame) -> str:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    return _atomic_write(path, lambda p: pq.write_table(table, p, compression="zstd"))


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
    """An output folder: its manifest, and the lock this process holds on it while it writes."""

    path: Path
    manifest: dict[str, Any]
    lock: Any = None
    tables: tuple[str, ...] = ("runs",)

    @property
    def done(self) -> dict[str, Any]:
        return self.manifest["chunks"]

    def chunk_file(self, table: str, chunk: Chunk) -> Path:
        return self.path / table / f"{chunk.key}.parquet"

    def save(self, result: ChunkResult) -> None:
        sums = {table: _write_parquet(self.chunk_file(table, result.chunk), frame)
                for table, frame in result.tables.items()}
        self.done[result.chunk.key] = {"combo": result.chunk.combo, "start": result.chunk.start,
                                       "runs": result.chunk.runs, "sha256": sums}
        self.manifest["runs_done"] = sum(c["runs"] for c in self.done.values())
        _write_json(self.path / "manifest.json", self.manifest)

    def drop_damaged(self) -> list[str]:
        """Forget (and delete the files of) every chunk whose files are not all present and matching their sha256;
        the keys dropped. The batch then redoes them."""
        dropped = []
        for key, info in list(self.done.items()):
            chunk = Chunk(info["combo"], info["start"], info["start"] + info["runs"])
            sums = info.get("sha256") or {}
            files = {t: self.chunk_file(t, chunk) for t in self.tables}
            if all(t in sums and f.is_file() and sha256_of(f) == sums[t] for t, f in files.items()):
                continue
            del self.done[key]
            dropped.append(key)
            for f in files.values():
                f.unlink(missing_ok=True)
        if dropped:
            self.manifest["runs_done"] = sum(c["runs"] for c in self.done.values())
            _write_json(self.path / "manifest.json", self.manifest)
        return dropped

    def close(self) -> None:
        if self.lock is not None:
            self.lock.close()  # releases the flock
            self.lock = None


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CeasefireError(f"{path}: cannot read ({exc}); the folder is not a usable batch output") from None
    if not isinstance(data, dict):
        raise CeasefireError(f"{path}: not a JSON object; the folder is not a usable batch output")
    return data


def _lock(out: Path) -> Any:
    """Hold an exclusive lock on the folder (released when the file closes, or when this process ends however it
    ends); CeasefireError if another process holds it."""
    import fcntl

    fh = open(out / LOCK_FILE, "a+", encoding="utf-8")  # noqa: SIM115 - held open while the batch writes
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fh.seek(0)
        holder = fh.read().strip()
        fh.close()
        raise CeasefireError(f"--out {out}: another batch is writing to this folder{f' (pid {holder})' if holder else ''}; "
                             "wait for it to end, or choose another --out") from None
    fh.seek(0)
    fh.truncate()
    fh.write(f"{os.getpid()}\n")
    fh.flush()
    return fh


def _leftovers(out: Path) -> list[Path]:
    """What a batch killed before it wrote metadata.json can leave: temporary files, the lock, the samples, and the
    (then empty) table folders. A folder holding only these is a fresh start."""
    keep = {LOCK_FILE, "samples.parquet", "runs", "traces"}
    found = []
    for p in out.iterdir():
        if p.name in keep or (p.name.startswith(".") and p.name.endswith(".tmp")):
            if p.is_dir() and any(f.is_file() and not f.name.endswith(".tmp") for f in p.rglob("*")):
                return []  # a table folder with results in it: not leftovers
            found.append(p)
        else:
            return []
    return found


def _check_same_batch(out: Path, exp: Experiment, traces: bool) -> None:
    meta = _read_json(out / "metadata.json")
    if meta.get("fingerprint") != exp.fingerprint:
        raise CeasefireError(
            f"--out {out}: holds results of a different experiment ({meta.get('experiment_name')!r} from "
            f"{meta.get('experiment_path')}); refusing to mix results: choose another --out or delete the folder")
    if bool(meta.get("traces")) != traces:
        was = "with" if meta.get("traces") else "without"
        raise CeasefireError(f"--out {out}: this batch was started {was} --traces; run it the same way")


def open_output(out: Path, exp: Experiment, traces: bool, chunk_size: int | None) -> Output:
    """Create the output folder, or reopen one left by the same experiment (CeasefireError for another, or for a
    folder another batch is writing to). The caller closes the returned Output (its lock)."""
    import shutil

    meta_path, manifest_path = out / "metadata.json", out / "manifest.json"
    if out.exists() and not out.is_dir():
        raise CeasefireError(f"--out {out}: exists and is not a folder")
    if meta_path.exists():
        _check_same_batch(out, exp, traces)  # before taking the lock: a refused folder is left untouched
    if out.is_dir() and not meta_path.exists() and any(out.iterdir()) and not _leftovers(out):
        raise CeasefireError(f"--out {out}: not empty and not a batch output folder (no metadata.json); choose another --out")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CeasefireError(f"--out {out}: cannot create the folder ({exc.strerror})") from None
    if not os.access(out, os.W_OK):
        raise CeasefireError(f"--out {out}: cannot write to this folder")
    lock = _lock(out)
    try:
        tables = ("runs", "traces/model", "traces/actor") if traces else ("runs",)
        if meta_path.exists():
            _check_same_batch(out, exp, traces)
            manifest = _read_json(manifest_path) if manifest_path.exists() else None
            if manifest is None or manifest.get("fingerprint") != exp.fingerprint:
                manifest = _new_manifest(exp, traces, chunk_size)
            manifest["format"] = FORMAT
            manifest.setdefault("levers", exp.labels())  # (a folder from before the manifest named its levers)
            for tmp in out.rglob(".*.tmp"):
                tmp.unlink(missing_ok=True)
            # The sample table follows from the experiment (the same fingerprint), so it is written again on every
            # resume: a missing or damaged copy is mended rather than checked.
            _write_parquet(out / "samples.parquet", exp.sample_table)
            output = Output(out, manifest, lock, tables)
            check_size(exp, manifest["chunk_size"])
            output.drop_damaged()  # a chunk counts only if every one of its files is there, intact
            return output
        for p in _leftovers(out):  # a start killed before it wrote metadata.json: start afresh
            if p.name != LOCK_FILE:
                shutil.rmtree(p) if p.is_dir() else p.unlink(missing_ok=True)
        manifest = _new_manifest(exp, traces, chunk_size)
        check_size(exp, manifest["chunk_size"])
        _write_json(meta_path, {
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
            "levers": exp.labels(),
        })
        _write_parquet(out / "samples.parquet", exp.sample_table)
        _write_json(manifest_path, manifest)
        return Output(out, manifest, lock, tables)
    except BaseException:
        lock.close()
        raise


def _new_manifest(exp: Experiment, traces: bool, chunk_size: int | None) -> dict[str, Any]:
    size = chunk_size or (DEFAULT_TRACE_CHUNK if traces else DEFAULT_CHUNK)
    return {"format": FORMAT, "fingerprint": exp.fingerprint, "chunk_size": int(size), "traces": traces,
            "total_runs": exp.total_runs, "levers": exp.labels(), "runs_done": 0, "chunks": {}}


# ---------------------------------------------------------------- backends


class Interrupted(Exception):
    """The batch was stopped by a signal (Ctrl-C, SIGTERM, SIGHUP); finished chunks are saved."""

    def __init__(self, done: int, total: int, signum: int = signal.SIGINT) -> None:
        from runs.processes import signal_name

        saved = f"all {done:,} runs saved" if done == total else f"{done:,} of {total:,} runs saved"
        super().__init__(f"interrupted by {signal_name(signum)}: {saved}")
        self.done, self.total, self.signum = done, total, signum

    @property
    def exit_code(self) -> int:
        """128 + the signal's number, as a shell reports a command ended by it (130 for Ctrl-C, 143 for SIGTERM)."""
        return 128 + int(self.signum)


class WorkerDied(RuntimeError):
    """A worker process ended abruptly (not by a stop signal): killed by the system (out of memory?) or crashed.
    Not bad input: the command reports it in one line with exit status 1; saved chunks stay."""


POLL_SECONDS = 0.25
"""How often the command's main thread looks up from waiting for chunks (a signal handled in another thread is
acted on by then)."""


class _Backend:
    """Runs chunk tasks and yields results as they finish; `close` stops whatever is still running."""

    def __init__(self, workers: int = 1, scheduler: str | None = None, dask_local: int | None = None) -> None:
        self.workers, self.scheduler, self.dask_local = workers, scheduler, dask_local
        self.pool: Any = None
        self.client: Any = None
        self.cluster: Any = None
        self.futures: list[Any] = []
        self.procs: list[Any] = []

    @property
    def label(self) -> str:
        if self.scheduler:
            return f"dask scheduler {self.scheduler}"
        if self.dask_local:
            return f"dask LocalCluster ({self.dask_local} worker processes)"
        return "in-process" if self.workers <= 1 else f"{self.workers} local processes"

    def run(self, tasks: Iterator[ChunkTask]) -> Iterator[ChunkResult]:
        """Results as chunks finish. Tasks are drawn from the iterator only as workers need them (at most
        `IN_FLIGHT_PER_WORKER` per worker waiting), so memory does not grow with the experiment."""
        if self.scheduler or self.dask_local:
            return self._dask(tasks)
        if self.workers <= 1:
            return (run_chunk(task) for task in tasks)
        return self._processes(tasks)

    def _window(self, tasks: Iterator[ChunkTask], submit: Callable[[ChunkTask], Any], width: int,
                wait_some: Callable[[list[Any]], list[Any]]) -> Iterator[ChunkResult]:
        """Keep up to `width` tasks submitted; yield results in the order they finish."""
        pending: list[Any] = []
        for task in tasks:
            pending.append(submit(task))
            while len(pending) >= width:
                finished = wait_some(pending)
                pending = [f for f in pending if f not in finished]
                for fut in finished:
                    yield fut.result()
        while pending:
            finished = wait_some(pending)
            pending = [f for f in pending if f not in finished]
            for fut in finished:
                yield fut.result()

    def _processes(self, tasks: Iterator[ChunkTask]) -> Iterator[ChunkResult]:
        from concurrent.futures import FIRST_COMPLETED, wait

        from runs.processes import WorkerPool

        def submit(task: ChunkTask) -> Any:
            if self.pool is None:
                self.pool = WorkerPool(self.workers)
            fut = self.pool.submit(run_chunk, task)
            self.procs = self.pool.processes()
            return fut

        def wait_some(pending: list[Any]) -> list[Any]:
            # a bounded wait, so a signal that another thread received is acted on within POLL_SECONDS
            finished, _ = wait(pending, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
            return [f for f in pending if f in finished]

        return self._window(tasks, submit, IN_FLIGHT_PER_WORKER * self.workers, wait_some)

    def _dask(self, tasks: Iterator[ChunkTask]) -> Iterator[ChunkResult]:
        import logging

        import dask
        from distributed import Client, LocalCluster, wait

        def connect() -> None:
            try:
                if self.scheduler:
                    self.client = Client(self.scheduler, timeout="20s")
                else:
                    # Spawned worker processes (forking a process that runs threads, as this one does, is unsafe),
                    # which ignore Ctrl-C from the start (an ignored signal stays ignored in a child; asyncio then
                    # leaves it alone): this process stops them. While they start, a Ctrl-C here is ignored too.
                    from runs.processes import sigint_ignored

                    with dask.config.set({"distributed.worker.multiprocessing-method": "spawn"}), sigint_ignored():
                        self.cluster = LocalCluster(n_workers=self.dask_local, threads_per_worker=1, processes=True,
                                                    dashboard_address=None, silence_logs=logging.CRITICAL)
                    self.client = Client(self.cluster)
            except (OSError, TimeoutError, ValueError) as exc:
                raise CeasefireError(f"--scheduler {self.scheduler}: cannot connect ({exc})") from None

        def submit(task: ChunkTask) -> Any:
            if self.client is None:
                connect()
            fut = self.client.submit(run_chunk, task, pure=False)
            self.futures.append(fut)
            return fut

        def wait_some(pending: list[Any]) -> list[Any]:
            try:  # a bounded wait, as for local processes
                finished, _ = wait(pending, timeout=POLL_SECONDS, return_when="FIRST_COMPLETED")
            except TimeoutError:
                return []
            self.futures = [f for f in self.futures if f not in finished]
            return [f for f in pending if f in finished]

        workers = self.dask_local or 0
        if self.scheduler:
            connect()
            workers = max(1, sum(w.get("nthreads", 1) for w in self.client.scheduler_info()["workers"].values()))
        return self._window(tasks, submit, IN_FLIGHT_PER_WORKER * max(1, workers), wait_some)

    def stop_signal(self) -> int | None:
        """The stop signal that ended a local worker, if any (SIGTERM or SIGHUP sent to the whole group)."""
        from runs.processes import worker_stop_signal

        return worker_stop_signal(self.procs)

    def close(self, cancel: bool = False) -> None:
        if self.pool is not None:
            if cancel:
                self.pool.stop()  # chunks in flight are dropped: they are redone on resume
            else:
                self.pool.shutdown(wait=True)
            self.pool = None
        if self.client is not None:
            if cancel:  # workers lost to a signal and results no one will gather are expected now: no log noise
                import logging

                logging.getLogger("distributed").setLevel(logging.CRITICAL)
                if self.futures:
                    with contextlib.suppress(Exception):
                        self.client.cancel(self.futures)
            if cancel and self.cluster is not None:
                # Stopping: the LocalCluster's worker processes (this process's children) end now, rather than
                # finishing their chunks or closing gracefully for many seconds.
                import multiprocessing

                for proc in multiprocessing.active_children():
                    proc.kill()
                    proc.join(5)
            with contextlib.suppress(Exception):
                self.client.close(timeout=2 if cancel else None)
            self.client = None
        if self.cluster is not None:
            with contextlib.suppress(Exception):
                self.cluster.close(timeout=2 if cancel else None)
            self.cluster.shutdown_on_close = False  # closed, or given up on: not again for 10 s at exit
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
    return _Bar(progress, task)


@dataclass
class _Bar:
    """The progress bar as a context manager that gives (bar, task)."""

    progress: Any
    task: Any

    def __enter__(self) -> tuple[Any, Any]:
        self.progress.__enter__()
        return self.progress, self.task

    def __exit__(self, *exc: Any) -> None:
        self.progress.__exit__(*exc)


def _test_pause(saved: int) -> None:
    """The tests' hook (`TEST_PAUSE_ENV`): once this session has saved that many chunks, wait to be stopped."""
    after = os.environ.get(TEST_PAUSE_ENV)
    if after and saved >= int(after):
        while True:
            time.sleep(POLL_SECONDS)


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
    """Run (or continue) the experiment into `out`. Raises `Interrupted` on Ctrl-C, SIGTERM or SIGHUP (in the main
    thread; saved chunks stay) and `WorkerDied` if a worker process ends abruptly. `announce` receives one line
    describing the plan once the output folder is accepted."""
    from runs.processes import StopSignals, Stopped

    if sum(x is not None and x is not False for x in (scheduler, dask_local)) > 1:
        raise CeasefireError("--scheduler and --dask-local: give one of them")
    if workers < 1 or (dask_local is not None and dask_local < 1):
        raise CeasefireError("--workers/--dask-local: need at least 1")
    backend = _Backend(workers, scheduler, dask_local)
    started = time.monotonic()
    total = exp.total_runs
    output: Output | None = None
    before = done = saved = 0
    failure: BaseException | None = None
    dead: list[int] = []
    with StopSignals() as stop, contextlib.ExitStack() as stack:
        # A signal stops the batch at once while it prepares, waits or computes, never while it saves a chunk
        # (every file is written atomically, so stopping anywhere else loses at most the chunks in flight).
        try:
            stop.arm()
            output = open_output(Path(out), exp, traces, chunk_size)
            stack.callback(output.close)
            size = output.manifest["chunk_size"]
            before = done = sum(info["runs"] for info in output.done.values())
            if announce is not None:
                resuming = f", {before:,} already done" if before else ""
                announce(f"{exp.name}: {len(exp.combos)} lever combination(s) x {exp.n_samples} sample(s) x "
                         f"{exp.replicates} replicate(s) = {total:,} runs in {chunk_count(exp, size):,} chunks -> "
                         f"{output.path}{resuming}")
            bar, task = stack.enter_context(_progress(total, before, progress))
            todo = (make_task(exp, c, traces) for c in plan(exp, size) if c.key not in output.done)
            for result in backend.run(todo):
                stop.disarm()
                output.save(result)
                done += result.chunk.runs
                saved += 1
                bar.update(task, advance=result.chunk.runs)
                stop.arm()
                _test_pause(saved)
        except Stopped:
            pass
        except KeyboardInterrupt:  # Ctrl-C where our handler is not installed (a thread other than the main one)
            stop.received = stop.received or signal.SIGINT
        except Exception as exc:  # noqa: BLE001 - a broken pool after a signal to the group is a stop, not an error
            stop.disarm()
            if stop.received is None and backend.stop_signal() is None:
                failure = exc
                dead = [p.exitcode for p in backend.procs if p.exitcode]  # before the others are stopped
            else:
                stop.received = stop.received or backend.stop_signal()
        finally:
            stop.disarm()
            backend.close(cancel=stop.received is not None or failure is not None)
        if failure is not None:
            from concurrent.futures.process import BrokenProcessPool

            if isinstance(failure, BrokenProcessPool):
                # (if they were not known yet: now, leaving out the others' SIGTERM from the pool)
                dead = dead or [p.exitcode for p in backend.procs if p.exitcode and p.exitcode != -signal.SIGTERM]
                codes = ", ".join(str(c) for c in dead) or "unknown"
                raise WorkerDied(f"a worker process ended abruptly (exit status {codes}; killed for lack of memory?); "
                                 f"{done:,} of {total:,} runs saved in {output.path}; run the same command again to "
                                 "continue") from None
            raise failure
        if stop.received is not None and (output is None or done < total):
            raise Interrupted(done, total, stop.received)
        assert output is not None
        meta_path = output.path / "metadata.json"
        meta = _read_json(meta_path)
        meta["completed"] = meta.get("completed") or _now()
        meta.setdefault("sessions", []).append({"time": _now(), "backend": backend.label, "runs": done - before})
        _write_json(meta_path, meta)
        if stop.received is not None:  # it came as the last chunk was saved: the batch is complete
            raise Interrupted(done, total, stop.received)
    return BatchReport(output.path, total, before, done, time.monotonic() - started, backend.label)


def load_results(out: str | Path, table: str = "runs") -> pd.DataFrame:
    """The finished chunks of a batch output folder as one DataFrame, in plan order (table: runs,
    traces/model or traces/actor). Every file is checked against its sha256 in the manifest first: a missing or
    damaged one is a CeasefireError naming it."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(out)
    manifest_path = out / "manifest.json"
    if not manifest_path.is_file():
        raise CeasefireError(f"{out}: not a batch output folder (no manifest.json)")
    manifest = _read_json(manifest_path)
    chunks = manifest.get("chunks")
    if not isinstance(chunks, dict):
        raise CeasefireError(f"{manifest_path}: no list of chunks; the folder is not a usable batch output")
    if not chunks:
        raise CeasefireError(f"{out}: no finished chunks yet; run the batch first")
    frames = []
    for key in sorted(chunks):
        path = out / table / f"{key}.parquet"
        if not path.is_file():
            raise CeasefireError(f"{path}: listed in the manifest but missing; rerun the batch to redo it")
        data = path.read_bytes()
        expected = (chunks[key].get("sha256") or {}).get(table) if isinstance(chunks[key], dict) else None
        if expected is None:
            raise CeasefireError(f"{path}: no checksum in the manifest (an older batch format); rerun the batch to "
                                 "redo it")
        if hashlib.sha256(data).hexdigest() != expected:
            raise CeasefireError(f"{path}: damaged (its sha256 does not match the manifest); rerun the batch to redo it")
        try:
            frames.append(pq.read_table(pa.BufferReader(data)).to_pandas())
        except (pa.ArrowException, OSError) as exc:  # pragma: no cover - the checksum matched
            raise CeasefireError(f"{path}: cannot read ({exc}); rerun the batch to redo it") from None
    from model.ensemble import strategy_categories

    return strategy_categories(pd.concat(frames, ignore_index=True))


def load_metadata(out: str | Path) -> dict[str, Any]:
    out = Path(out)
    if not (out / "metadata.json").is_file():
        raise CeasefireError(f"{out}: not a batch output folder (no metadata.json)")
    meta = _read_json(out / "metadata.json")
    manifest = _read_json(out / "manifest.json") if (out / "manifest.json").is_file() else {}
    meta["runs_done"] = manifest.get("runs_done", 0)
    return meta
