"""Benchmark: the Mesa engine and the ensemble engine on the same work, the 80,000-run comparison, start-up, the
compiler's first call, and peak memory for 1,000,000 runs.

Same work: syria-2016, every US strategy, 52 turns, the same replicate seeds, summaries only (the Mesa model with
`record=False`); the Mesa engine with its recording on (event log, DataCollector) is timed separately. Every run
of the Mesa sample is checked field by field against the ensemble's row for it, and the recorded runs against the
unrecorded ones. Timings are repeated, the engines interleaved within each repeat (so a change in the machine's
load hits all of them), and reported as min and median of the repeats.

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


def mesa_engine(spec, runs_per_strategy: int, record: bool) -> tuple[float, list[dict[str, np.ndarray]]]:
    """Seconds for `runs_per_strategy` Mesa runs of every US strategy, and each run's summary columns."""
    summaries = []
    start = time.perf_counter()
    for us in US_STRATEGIES:
        for r in range(runs_per_strategy):
            model = CeasefireModel(spec, us_strategy=us, turns=TURNS, rng=replicate_seed(SEED, r), record=record)
            model.run()
            summaries.append(summarize(model.world))
    return time.perf_counter() - start, summaries


def ensemble_engine(spec, runs_per_strategy: int) -> tuple[float, dict]:
    """Seconds for `runs_per_strategy` ensemble runs of every US strategy, and the summary table per strategy."""
    frames = {}
    start = time.perf_counter()
    for us in US_STRATEGIES:
        frames[us] = run_replicates(spec, runs_per_strategy, seed=SEED, us_strategy=us, params={"params.turns": TURNS})
    return time.perf_counter() - start, frames


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


def compare_80k(spec) -> float:
    from runs.compare import run_strategies

    start = time.perf_counter()
    frame = run_strategies(spec, US_STRATEGIES, runs=10_000, seed=SEED, params={"params.turns": TURNS})
    elapsed = time.perf_counter() - start
    assert len(frame) == 80_000
    return elapsed


def run_cli() -> float:
    """One `ceasefire run` as a new process, wall-clock seconds."""
    script = Path(sys.executable).with_name("ceasefire")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "runs"]
    start = time.perf_counter()
    subprocess.run([*command, "run", "--scenario", SCENARIO, "--seed", "1"], check=True, capture_output=True,
                   cwd=ROOT)
    return time.perf_counter() - start


def first_call_child() -> None:
    """(Child) seconds to build a world and play its first turn and summary, which compiles or loads the rules."""
    start = time.perf_counter()
    model = CeasefireModel(scenario_module.load(SCENARIO), turns=1, rng=1)
    model.run()
    summarize(model.world)
    print(json.dumps({"first_call_s": time.perf_counter() - start}))


def first_call(cache_dir: str) -> float:
    env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir)
    child = subprocess.run([sys.executable, __file__, "--first-call-child"], capture_output=True, text=True,
                           check=True, env=env, cwd=ROOT)
    return json.loads(child.stdout.strip().splitlines()[-1])["first_call_s"]


def memory_child(runs: int) -> None:
    """(Child) run `runs` replicates (summaries only, 2 turns) and print this process's peak RSS in MiB."""
    spec = scenario_module.load(SCENARIO)
    frame = run_replicates(spec, runs, seed=SEED, us_strategy="or_else", params={"params.turns": 2})
    assert len(frame) == runs
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"runs": runs, "peak_rss_mib": peak_kib / 1024}))


def spread(times: list[float]) -> str:
    return f"min {min(times):.2f} s, median {statistics.median(times):.2f} s over {len(times)}"


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

    times: dict[str, list[float]] = {"mesa": [], "mesa_recording": [], "ensemble": [], "compare_80k": [], "run_cli": []}
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

    def rate(key: str, runs: int) -> float:
        return n_us * runs / min(times[key])

    mesa_per_s, recording_per_s = rate("mesa", mesa_runs), rate("mesa_recording", recorded_runs)
    ensemble_per_s = rate("ensemble", ensemble_runs)
    print(f"mesa engine:            {mesa_per_s:10.1f} runs/s  ({mesa_runs} runs per strategy, summaries only; "
          f"{spread(times['mesa'])})")
    print(f"mesa engine, recording: {recording_per_s:10.1f} runs/s  ({recorded_runs} runs per strategy; "
          f"{spread(times['mesa_recording'])})")
    print(f"ensemble engine:        {ensemble_per_s:10.1f} runs/s  ({ensemble_runs} runs per strategy; "
          f"{spread(times['ensemble'])}), {1e6 / (ensemble_per_s * TURNS):.1f} us per run-turn")
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
        print(f"first call:             {compile_s:.1f} s compiling the rules (empty cache), {cached_s:.2f} s "
              f"loading them from the cache")

    start = time.perf_counter()
    child = subprocess.run([sys.executable, __file__, "--memory-child", str(memory_runs)], capture_output=True,
                           text=True, check=True)
    memory = json.loads(child.stdout.strip().splitlines()[-1])
    print(f"memory:                 {memory['peak_rss_mib']:10.1f} MiB peak RSS for {memory_runs:,} runs "
          f"({time.perf_counter() - start:.0f} s)")

    def best(key: str) -> float | None:
        return round(min(times[key]), 2) if times[key] else None

    def median(key: str) -> float | None:
        return round(statistics.median(times[key]), 2) if times[key] else None

    print(json.dumps({
        "mesa_runs_per_s": round(mesa_per_s, 1),
        "mesa_recording_runs_per_s": round(recording_per_s, 1),
        "ensemble_runs_per_s": round(ensemble_per_s, 1),
        "ratio": round(ensemble_per_s / mesa_per_s, 1),
        "us_per_run_turn": round(1e6 / (ensemble_per_s * TURNS), 2),
        "compare_80k_s": best("compare_80k"),
        "compare_80k_median_s": median("compare_80k"),
        "run_cli_s": best("run_cli"),
        "run_cli_median_s": median("run_cli"),
        "first_call_compile_s": None if compile_s is None else round(compile_s, 1),
        "first_call_cached_s": None if cached_s is None else round(cached_s, 2),
        "peak_rss_mib_1m": None if quick else round(memory["peak_rss_mib"], 1),
        "peak_rss_mib": round(memory["peak_rss_mib"], 1),
        "memory_runs": memory_runs,
        "mesa_runs_per_strategy": mesa_runs,
        "ensemble_runs_per_strategy": ensemble_runs,
        "repeats": args.repeats,
        "fields_checked": fields,
        "turns": TURNS,
        "load_avg_1min": round(os.getloadavg()[0], 2),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}",
    }))


if __name__ == "__main__":
    main()
