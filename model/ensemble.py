"""The ensemble engine: many independent runs of one scenario advanced together as arrays (DESIGN section 6).

It calls exactly the turn the Mesa model calls (`model.turn.advance`), on a batch of B runs instead of one, so
there is no second copy of any rule. Each run's randomness is keyed by its own seed (`model.rng`), so a run's
result depends only on (scenario, strategies, parameters, seed): not on the batch size, the chunking, the order or
the number of workers. Replicate r of master seed s has the seed `SeedSequence(s).spawn(...)[r]`, whatever the
strategy, so strategies compared on the same master seed see common random numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from agents import strategies as registry
from model import assignment, eventlog, recording
from model.outcomes import OUTCOMES, summarize
from model.rng import replicate_keys
from model.scenario import Scenario
from model.turn import advance, start
from model.world import build_world

DEFAULT_CHUNK = 10_000
"""Runs advanced together: large enough that numpy's per-call overhead is amortised (~0.4 MB per array of
runs x actors x issues at 8 actors and 5 issues), small enough that memory stays flat for any number of runs."""


@dataclass
class BatchResult:
    """The result of one batch: per-run summary columns, optional per-turn traces and the event log of run 0."""

    summary: dict[str, np.ndarray]
    model_trace: list[dict[str, np.ndarray]] | None = None
    actor_trace: list[dict[str, np.ndarray]] | None = None
    log: list[str] | None = None


def simulate(
    scenario: Scenario,
    strategies: Mapping[str, str],
    keys: np.ndarray,
    overrides: Mapping[str, Any] | None = None,
    traces: bool = False,
    log: bool = False,
) -> BatchResult:
    """Run len(keys) runs of `scenario` with one strategy per actor.

    Args:
        scenario: a loaded scenario.
        strategies: strategy name per actor id (see `model.assignment.assign`).
        keys: one stream key per run (`model.rng.run_key` / `replicate_keys`).
        overrides: `params.NAME`, `ACTOR.field`, `ISSUE.status_quo`: one value, or one value per run.
        traces: keep per-turn model and actor columns.
        log: write the event log of run 0.
    """
    world = build_world(scenario, keys, overrides)
    actors = assignment.instances(scenario, strategies)
    start(world)
    model_trace: list[dict[str, np.ndarray]] | None = [] if traces else None
    actor_trace: list[dict[str, np.ndarray]] | None = [] if traces else None
    lines: list[str] | None = [] if log else None
    for _ in range(world.turns):
        report = advance(world, actors, report=lines is not None)
        if lines is not None:
            lines.extend(eventlog.describe(world, report, 0))
        if traces:
            model_trace.append(recording.model_columns(world))
            actor_trace.append(recording.actor_columns(world))
    return BatchResult(summary=summarize(world), model_trace=model_trace, actor_trace=actor_trace, log=lines)


def model_trace_frame(trace: list[dict[str, np.ndarray]], runs: np.ndarray) -> pd.DataFrame:
    """Tidy per-turn model table: one row per run and turn."""
    turns = len(trace)
    frame = {"run": np.repeat(runs, turns), "turn": np.tile(np.arange(1, turns + 1), len(runs))}
    for name in trace[0]:
        frame[name] = np.stack([t[name] for t in trace], axis=1).reshape(-1)
    return pd.DataFrame(frame)


def actor_trace_frame(trace: list[dict[str, np.ndarray]], runs: np.ndarray, actor_ids: tuple[str, ...]) -> pd.DataFrame:
    """Tidy per-turn actor table: one row per run, turn and actor."""
    turns, n_a = len(trace), len(actor_ids)
    frame = {
        "run": np.repeat(runs, turns * n_a),
        "turn": np.tile(np.repeat(np.arange(1, turns + 1), n_a), len(runs)),
        "actor": np.tile(np.array(actor_ids), turns * len(runs)),
    }
    for name in trace[0]:
        frame[name] = np.stack([t[name] for t in trace], axis=1).reshape(-1)
    return pd.DataFrame(frame)


def _simulate_chunk(scenario: Scenario, chosen: Mapping[str, str], seed: int, first: int, stop: int,
                    overrides: Mapping[str, Any], traces: bool) -> BatchResult:
    """Replicates first..stop-1 of `seed` (a module-level function, so that a process pool can run it)."""
    return simulate(scenario, chosen, replicate_keys(seed, first, stop), overrides, traces)


def _in_order(futures: list[Future]) -> Iterator[BatchResult]:
    for future in futures:
        yield future.result()


def run_replicates(
    scenario: Scenario,
    runs: int,
    seed: int = 0,
    us_strategy: str | None = None,
    strategies: Mapping[str, str] | None = None,
    params: Mapping[str, Any] | None = None,
    per_run: Mapping[str, np.ndarray] | None = None,
    first_replicate: int = 0,
    chunk_size: int = DEFAULT_CHUNK,
    traces: bool = False,
    progress: Callable[[int], None] | None = None,
    executor: Executor | None = None,
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Run replicates first_replicate .. first_replicate+runs-1 of `seed`; the tidy per-run summary table.

    Args:
        scenario: a loaded scenario.
        runs: number of replicates.
        seed: the master seed; replicate r runs with child r of `SeedSequence(seed)`.
        us_strategy, strategies: as `model.assignment.assign`.
        params: overrides applied to every run.
        per_run: overrides with one value per replicate (arrays of length `runs`): sampled uncertainties.
        chunk_size: runs advanced together; never changes a result.
        traces: also return the per-turn model and actor tables.
        progress: called with the number of runs finished after each chunk.
        executor: run the chunks on this executor (e.g. a `ProcessPoolExecutor`) instead of in this process;
            results are the same, since a run depends only on its own seed.

    Returns:
        The summary DataFrame (one row per run, with the replicate, seed, strategies and every varied
        parameter as columns), or (summary, model_trace, actor_trace) when `traces`. A strategy with parameters
        is written as its label (`agents.strategies.Choice.label`, e.g. `or_else(deadline=6)`).
    """
    chosen = assignment.assign(scenario, us_strategy, strategies)
    # A strategy played with parameters is written as its label, `or_else(deadline=6)`, so that runs of one strategy
    # with different parameters are told apart in every table; a plain strategy as its name.
    labels = {actor_id: registry.label(name) for actor_id, name in chosen.items()}
    strategy_names = registry.names() + sorted(set(labels.values()) - set(registry.names()))
    per_run = {k: np.asarray(v) for k, v in (per_run or {}).items()}
    for name, values in per_run.items():
        if values.shape != (runs,):
            raise ValueError(f"per_run[{name!r}] has shape {values.shape}, expected ({runs},)")
    frames, model_frames, actor_frames = [], [], []
    bounds = [(start, min(runs, start + max(1, chunk_size))) for start in range(0, runs, max(1, chunk_size))]
    jobs = [(scenario, chosen, seed, first_replicate + start, first_replicate + stop,
             dict(params or {}) | {k: v[start:stop] for k, v in per_run.items()}, traces) for start, stop in bounds]
    if executor is None:
        results: Any = (_simulate_chunk(*job) for job in jobs)
    else:
        results = _in_order([executor.submit(_simulate_chunk, *job) for job in jobs])
    for (start, stop), result in zip(bounds, results, strict=True):
        replicates = np.arange(first_replicate + start, first_replicate + stop)
        frame = pd.DataFrame(result.summary)
        # Categoricals keep a million-row table small (a label per row would be a Python string each).
        frame["outcome"] = pd.Categorical(frame["outcome"], categories=OUTCOMES)
        frame.insert(0, "replicate", replicates)
        frame.insert(1, "seed", seed)
        for actor_id, name in labels.items():
            frame[f"strategy_{actor_id}"] = pd.Categorical([name] * len(frame), categories=strategy_names)
        for name, values in per_run.items():
            frame[name] = values[start:stop]
        frames.append(frame)
        if traces:
            model_frames.append(model_trace_frame(result.model_trace, replicates))
            actor_frames.append(actor_trace_frame(result.actor_trace, replicates, tuple(scenario.actor_ids)))
        if progress is not None:
            progress(stop - start)
    summary = pd.concat(frames, ignore_index=True)
    summary.insert(2, "scenario", pd.Categorical([scenario.name] * len(summary)))
    focal_strategy = labels.get("USA", labels[scenario.actor_ids[0]])
    summary.insert(3, "us_strategy", pd.Categorical([focal_strategy] * len(summary), categories=strategy_names))
    if traces:
        return summary, pd.concat(model_frames, ignore_index=True), pd.concat(actor_frames, ignore_index=True)
    return summary


def strategy_categories(frame: pd.DataFrame) -> pd.DataFrame:
    """`us_strategy` and `strategy_<ACTOR>` of tables concatenated from several `run_replicates` as categoricals
    again (pieces whose strategies have parameters have categories of their own, and concatenate to a Python string
    per row)."""
    for column in frame.columns:
        if (column == "us_strategy" or column.startswith("strategy_")) and frame[column].dtype == object:
            frame[column] = frame[column].astype("category")
    return frame
