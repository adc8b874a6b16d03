"""Benchmark: the Mesa engine and the ensemble engine on the same work, the 80,000-run comparison, start-up, the
compiler's first call, and peak memory for 1,000,000 runs.

Same work: syria-2016, every US strategy, 52 turns, the same replicate seeds, summaries only (the Mesa model with
`record=False`); the Mesa engine with its recording on (event log, DataCollector) is timed separately. Every run
of the Mesa sample is checked field by field against the ensemble's row for it, and the recorded runs against the
unrecorded ones. Timings are repeated, the engines interleaved within each repeat (so a change in the machine's
load hits all of them), and reported as min and median of the repeats, in wall-clock seconds (the targets' unit)
and in CPU seconds (what the code costs, much less sensitive to other work on a shared machine).

- `compare_80k_s`: `runs.compare.run_strategies` for 8 strategies x 10,000 runs x 52 turns, end to end in this
  process (the work of `ceasefire compare --runs 10000` without its report).
- `run_cli_s`: one `ceasefire run --scenario syria-2016 --seed 1` as a new process (start-up included).
- `first_call_compile_s`: a new process with an empty numba cache: building a world and playing its first turn,
  which compiles the rules; `first_call_cached_s` the same with the cache filled (loading the compiled code).
- `peak_rss_mib_1m`: a child process runs 1,000,000 runs (summaries only, in chunks) and reports its peak resident
  set. It plays 2 turns per run: the state is updated in place, so memory does not depend on the number of turns.

Usage:
    python bench/engines.py            # full: a few minutes on the 2-core machine
    python bench/engines.py --quick    # short: smaller samples, no 80,000-run comparison, no compilation

The last line printed is one JSON object (null for what --quick skips).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from agents.strategies import US_STRATEGIES  # noqa: E402
from model import scenario as scenario_module  # noqa: E402
from model.ensemble import run_replicates  # noqa: E402
from model.mesa_model import CeasefireModel  # noqa: E402
from model.outcomes import summarize  # noqa: E402
from model.rng import replicate_seed  # noqa: E402

SEED = 2016
TURNS = 52
SCENARIO = "syria-2016"


class Clock:
    """Wall-clock and CPU seconds of this process and its finished children since `start`. On a shared machine
    the wall clock measures the load as much as the code; the CPU time much less so, and both are reported."""

    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = self._cpu()

    @staticmethod
    def _cpu() -> float:
        own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

    def read(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, self._cpu() - self.cpu


def mesa_engine(spec, runs_per_strategy: int, record: bool) -> tuple[tuple[float, float], list[dict[str, np.ndarray]]]:
    """(wall, CPU) seconds for `runs_per_strategy` Mesa runs of every US strategy, and each run's summary columns."""
    summaries = []
    clock = Clock()
    for us in US_STRATEGIES:
        for r in range(runs_per_strategy):
            model = CeasefireModel(spec, us_strategy=us, turns=TURNS, rng=replicate_seed(SEED, r), record=record)
            model.run()
            summaries.append(summarize(model.world))
    return clock.read(), summaries


def ensemble_engine(spec, runs_per_strategy: int) -> tuple[tuple[float, float], dict]:
    """(wall, CPU) seconds for `runs_per_strategy` ensemble runs of every US strategy, and the summary table per
    strategy."""
    frames = {}
    clock = Clock()
    for us in US_STRATEGIES:
        frames[us] = run_replicates(spec, runs_per_strategy, seed=SEED, us_strategy=us, params={"params.turns": TURNS})
    return clock.read(), frames


def same(a, b) -> bool:
    if isinstance(a, float | np.floating) or isinstance(b, float | np.floating):
        return bool(np.array_equal(np.float64(a), np.float64(b), equal_nan=True))
    return bool(a == b)


def check_engines(mesa: list[dict], frames: dict, runs_per_strategy: int) -> int:
    """Every field of every Mesa run against the ensemble's row for the same strategy and replicate; fields checked."""
    checked = 0
    for i, us in enumerate(US_STRATEGIES):
        for r in range(runs_per_strategy):
            row = frames[us].iloc[r]
            for name, values in mesa[i * runs_per_strategy + r].items():
                if not same(values[0], row[name]):
                    raise SystemExit(f"engines disagree on {us} replicate {r}: {name} {values[0]!r} != {row[name]!r}")
                checked += 1
    return checked


def check_recording(recorded: list[dict], plain: list[dict], recorded_runs: int, plain_runs: int) -> None:
    """A recorded Mesa run has the same summary as the unrecorded one."""
    for i in range(len(US_STRATEGIES)):
        for r in range(recorded_runs):
            a, b = recorded[i * recorded_runs + r], plain[i * plain_runs + r]
            for name in a:
                if not same(a[name][0], b[name][0]):
                    raise SystemExit(f"recording changes run {r} of strategy {US_STRATEGIES[i]}: {name}")


def compare_80k(spec) -> tuple[float, float]:
    from runs.compare import run_strategies

    clock = Clock()
    frame = run_strategies(spec, US_STRATEGIES, runs=10_000, seed=SEED, params={"params.turns": TURNS})
    elapsed = clock.read()
    assert len(frame) == 80_000
    return elapsed


def run_cli() -> tuple[float, float]:
    """One `ceasefire run` as a new process: (wall, CPU) seconds."""
    script = Path(sys.executable).with_name("ceasefire")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "runs"]
    clock = Clock()
    subprocess.run([*command, "run", "--scenario", SCENARIO, "--seed", "1"], check=True, capture_output=True,
                   cwd=ROOT)
    return clock.read()


def first_call_child() -> None:
    """(Child) seconds to build a world and play its first turn and summary, which compiles or loads the rules."""
    clock = Clock()
    model = CeasefireModel(scenario_module.load(SCENARIO), turns=1, rng=1)
    model.run()
    summarize(model.world)
    print(json.dumps(dict(zip(("wall", "cpu"), clock.read(), strict=True))))


def first_call(cache_dir: str) -> tuple[float, float]:
    """(wall, CPU) seconds of a new process's first turn with the numba cache in `cache_dir`."""
    env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir)
    child = subprocess.run([sys.executable, __file__, "--first-call-child"], capture_output=True, text=True,
                           check=True, env=env, cwd=ROOT)
    result = json.loads(child.stdout.strip().splitlines()[-1])
    return result["wall"], result["cpu"]


def memory_child(runs: int) -> None:
    """(Child) run `runs` replicates (summaries only, 2 turns) and print this process's peak RSS in MiB."""
    spec = scenario_module.load(SCENARIO)
    frame = run_replicates(spec, runs, seed=SEED, us_strategy="or_else", params={"params.turns": 2})
    assert len(frame) == runs
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"runs": runs, "peak_rss_mib": peak_kib / 1024}))


def spread(times: list[tuple[float, float]]) -> str:
    wall, cpu = [t[0] for t in times], [t[1] for t in times]
    return (f"wall min {min(wall):.2f} s, median {statistics.median(wall):.2f} s; CPU min {min(cpu):.2f} s; "
            f"{len(times)} repeats")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short version (about a minute)")
    parser.add_argument("--repeats", type=int, default=3, help="repeats of every timing (min and median reported)")
    parser.add_argument("--memory-child", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--first-call-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child)
        return
    if args.first_call_child:
        first_call_child()
        return

    quick = args.quick
    mesa_runs, recorded_runs, ensemble_runs, memory_runs = (2, 1, 500, 100_000) if quick else (20, 5, 2_000, 1_000_000)
    spec = scenario_module.load(SCENARIO)
    n_us = len(US_STRATEGIES)
    print(f"work: {SCENARIO}, {n_us} US strategies, {TURNS} turns, seed {SEED}; {args.repeats} repeats, interleaved")

    # Warm up: compiled code loaded (or compiled) before anything is timed.
    CeasefireModel(spec, turns=2, rng=1).run()
    run_replicates(spec, 10, seed=SEED, params={"params.turns": 2})

    times: dict[str, list[tuple[float, float]]] = {key: [] for key in
                                                   ("mesa", "mesa_recording", "ensemble", "compare_80k", "run_cli")}
    for _ in range(args.repeats):
        elapsed, plain = mesa_engine(spec, mesa_runs, record=False)
        times["mesa"].append(elapsed)
        elapsed, frames = ensemble_engine(spec, ensemble_runs)
        times["ensemble"].append(elapsed)
        elapsed, recorded = mesa_engine(spec, recorded_runs, record=True)
        times["mesa_recording"].append(elapsed)
        times["run_cli"].append(run_cli())
        if not quick:
            times["compare_80k"].append(compare_80k(spec))
    fields = check_engines(plain, frames, mesa_runs)
    check_recording(recorded, plain, recorded_runs, mesa_runs)

    def rate(key: str, runs: int, clock: int = 0) -> float:
        return n_us * runs / min(t[clock] for t in times[key])

    mesa_per_s, recording_per_s = rate("mesa", mesa_runs), rate("mesa_recording", recorded_runs)
    ensemble_per_s = rate("ensemble", ensemble_runs)
    mesa_cpu, ensemble_cpu = rate("mesa", mesa_runs, 1), rate("ensemble", ensemble_runs, 1)
    print(f"mesa engine:            {mesa_per_s:10.1f} runs/s  ({mesa_cpu:.1f} per CPU second; {mesa_runs} runs per "
          f"strategy, summaries only; {spread(times['mesa'])})")
    print(f"mesa engine, recording: {recording_per_s:10.1f} runs/s  ({recorded_runs} runs per strategy; "
          f"{spread(times['mesa_recording'])})")
    print(f"ensemble engine:        {ensemble_per_s:10.1f} runs/s  ({ensemble_cpu:.1f} per CPU second; {ensemble_runs} "
          f"runs per strategy; {spread(times['ensemble'])}), {1e6 / (ensemble_cpu * TURNS):.1f} CPU us per run-turn")
    print(f"ratio:                  {ensemble_per_s / mesa_per_s:10.1f}x")
    print(f"engines agree:          {fields} fields of {n_us * mesa_runs} runs identical; recording changes nothing")
    print(f"ceasefire run:          {spread(times['run_cli'])} (new process)")
    if not quick:
        print(f"compare 8 x 10,000:     {spread(times['compare_80k'])} (one process)")

    compile_s = cached_s = None
    if not quick:
        with tempfile.TemporaryDirectory() as cache:
            compile_s = first_call(cache)
            cached_s = first_call(cache)
        print(f"first call:             {compile_s[0]:.1f} s ({compile_s[1]:.1f} s CPU) compiling the rules (empty "
              f"cache), {cached_s[0]:.2f} s loading them from the cache")

    start = time.perf_counter()
    child = subprocess.run([sys.executable, __file__, "--memory-child", str(memory_runs)], capture_output=True,
                           text=True, check=True)
    memory = json.loads(child.stdout.strip().splitlines()[-1])
    print(f"memory:                 {memory['peak_rss_mib']:10.1f} MiB peak RSS for {memory_runs:,} runs "
          f"({time.perf_counter() - start:.0f} s)")

    def best(key: str, clock: int = 0) -> float | None:
        return round(min(t[clock] for t in times[key]), 2) if times[key] else None

    def median(key: str) -> float | None:
        return round(statistics.median(t[0] for t in times[key]), 2) if times[key] else None

    print(json.dumps({
        "mesa_runs_per_s": round(mesa_per_s, 1),
        "mesa_recording_runs_per_s": round(recording_per_s, 1),
        "ensemble_runs_per_s": round(ensemble_per_s, 1),
        "ratio": round(ensemble_per_s / mesa_per_s, 1),
        "mesa_runs_per_cpu_s": round(mesa_cpu, 1),
        "ensemble_runs_per_cpu_s": round(ensemble_cpu, 1),
        "cpu_us_per_run_turn": round(1e6 / (ensemble_cpu * TURNS), 2),
        "compare_80k_s": best("compare_80k"),
        "compare_80k_median_s": median("compare_80k"),
        "compare_80k_cpu_s": best("compare_80k", 1),
        "run_cli_s": best("run_cli"),
        "run_cli_median_s": median("run_cli"),
        "run_cli_cpu_s": best("run_cli", 1),
        "first_call_compile_s": None if compile_s is None else round(compile_s[0], 1),
        "first_call_compile_cpu_s": None if compile_s is None else round(compile_s[1], 1),
        "first_call_cached_s": None if cached_s is None else round(cached_s[0], 2),
        "peak_rss_mib_1m": None if quick else round(memory["peak_rss_mib"], 1),
        "peak_rss_mib": round(memory["peak_rss_mib"], 1),
        "memory_runs": memory_runs,
        "mesa_runs_per_strategy": mesa_runs,
        "ensemble_runs_per_strategy": ensemble_runs,
        "repeats": args.repeats,
        "fields_checked": fields,
        "turns": TURNS,
        "load_avg_1min": round(os.getloadavg()[0], 2),  # of the whole machine, at the end
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}",
    }))


if __name__ == "__main__":
    main()
