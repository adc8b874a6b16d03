"""Benchmark: the Mesa engine against the ensemble engine on the same work, and peak memory for 1,000,000 runs.

Same work: syria-2016, every US strategy, 52 turns, the same replicate seeds. Both engines run in this one process,
one after the other, so the ratio compares like with like on whatever machine runs it. The memory figure comes from
a child process that runs 1,000,000 runs (summaries only, in chunks) and reports its own peak resident set.

Usage:
    python bench/engines.py            # full: 5 Mesa runs and 10,000 ensemble runs per strategy; 1,000,000 runs for memory
    python bench/engines.py --quick    # short: 2 Mesa runs and 2,000 ensemble runs per strategy; 100,000 runs for memory

The last line printed is one JSON object: mesa_runs_per_s, ensemble_runs_per_s, ratio, peak_rss_mib_1m (null in
--quick mode, which reports peak_rss_mib and memory_runs instead), plus the settings.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agents.strategies import US_STRATEGIES  # noqa: E402
from model import scenario as scenario_module  # noqa: E402
from model.ensemble import run_replicates  # noqa: E402
from model.mesa_model import CeasefireModel  # noqa: E402
from model.rng import replicate_seed  # noqa: E402

SEED = 2016
TURNS = 52


def mesa_rate(spec, runs_per_strategy: int) -> tuple[float, list[dict]]:
    summaries = []
    start = time.perf_counter()
    for us in US_STRATEGIES:
        for r in range(runs_per_strategy):
            model = CeasefireModel(spec, us_strategy=us, turns=TURNS, rng=replicate_seed(SEED, r))
            summaries.append(model.run())
    elapsed = time.perf_counter() - start
    return len(US_STRATEGIES) * runs_per_strategy / elapsed, summaries


def ensemble_rate(spec, runs_per_strategy: int) -> tuple[float, dict]:
    frames = {}
    start = time.perf_counter()
    for us in US_STRATEGIES:
        frames[us] = run_replicates(spec, runs_per_strategy, seed=SEED, us_strategy=us, params={"params.turns": TURNS})
    elapsed = time.perf_counter() - start
    return len(US_STRATEGIES) * runs_per_strategy / elapsed, frames


def memory_child(runs: int) -> None:
    """Run `runs` replicates (summaries only) and print this process's peak RSS in MiB."""
    spec = scenario_module.load("syria-2016")
    frame = run_replicates(spec, runs, seed=SEED, us_strategy="or_else", params={"params.turns": TURNS})
    assert len(frame) == runs
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"runs": runs, "peak_rss_mib": peak_kib / 1024}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short version (about a minute)")
    parser.add_argument("--memory-child", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child)
        return

    mesa_runs, ensemble_runs, memory_runs = (2, 2_000, 100_000) if args.quick else (5, 10_000, 1_000_000)
    spec = scenario_module.load("syria-2016")
    print(f"work: syria-2016, {len(US_STRATEGIES)} US strategies, {TURNS} turns, seed {SEED}")

    mesa_per_s, mesa_summaries = mesa_rate(spec, mesa_runs)
    print(f"mesa engine:     {mesa_per_s:10.1f} runs/s  ({mesa_runs} runs per strategy)")
    ensemble_per_s, frames = ensemble_rate(spec, ensemble_runs)
    print(f"ensemble engine: {ensemble_per_s:10.1f} runs/s  ({ensemble_runs} runs per strategy)")
    # The two engines did the same work: the first replicates must agree exactly.
    for i, us in enumerate(US_STRATEGIES):
        for r in range(mesa_runs):
            mesa, row = mesa_summaries[i * mesa_runs + r], frames[us].iloc[r]
            if mesa["outcome"] != row["outcome"] or mesa["weeks_under_ceasefire"] != row["weeks_under_ceasefire"]:
                raise SystemExit(f"engines disagree on {us} replicate {r}")
    ratio = ensemble_per_s / mesa_per_s
    print(f"ratio:           {ratio:10.1f}x")

    start = time.perf_counter()
    child = subprocess.run([sys.executable, __file__, "--memory-child", str(memory_runs)], capture_output=True,
                           text=True, check=True)
    memory = json.loads(child.stdout.strip().splitlines()[-1])
    print(f"memory:          {memory['peak_rss_mib']:10.1f} MiB peak RSS for {memory_runs:,} runs "
          f"({time.perf_counter() - start:.0f} s)")
    print(json.dumps({
        "mesa_runs_per_s": round(mesa_per_s, 2),
        "ensemble_runs_per_s": round(ensemble_per_s, 1),
        "ratio": round(ratio, 1),
        "peak_rss_mib_1m": None if args.quick else round(memory["peak_rss_mib"], 1),
        "peak_rss_mib": round(memory["peak_rss_mib"], 1),
        "memory_runs": memory_runs,
        "mesa_runs_per_strategy": mesa_runs,
        "ensemble_runs_per_strategy": ensemble_runs,
        "turns": TURNS,
        "machine": f"{platform.machine()}, {platform.python_version()}",
    }))


if __name__ == "__main__":
    main()
