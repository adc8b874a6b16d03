"""A walk through ceasefire for a new user: one run, a strategy comparison, a sensitivity analysis.

Run it with `.venv/bin/python docs/tutorial.py` (about half a minute; the sizes are small on purpose: raise them for
real work). Each step prints what it found. The same steps exist as commands: `ceasefire run`, `ceasefire validate`,
`ceasefire sensitivity`, `ceasefire discover`.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere in the checkout


def main(runs: int = 100, samples: int = 4, replicates: int = 4) -> dict:
    from model import scenario
    from model.ensemble import run_replicates
    from model.mesa_model import CeasefireModel
    from runs.sensitivity import format_indices, sensitivity
    from runs.stats import bootstrap_mean_interval, wilson_interval

    # 1. One run, told as a story. The Mesa model steps through the turns of syria-2016 with the US conceding,
    #    as in September 2016; the event log says what every party did each week.
    model = CeasefireModel("syria-2016", us_strategy="concede", rng=1)
    summary = model.run()
    print("1. One run of syria-2016 with the US conceding:")
    for line in model.log[:8]:
        print("   ", line)
    print(f"    ... outcome {summary['outcome']}, first agreed in week {summary['first_agreed_turn']}, "
          f"US concession {summary['us_concession']:.2f}\n")

    # 2. Strategies compared on common random numbers: the same master seed gives run i of every strategy the same
    #    random draws, so differences come from the strategy. Shares get Wilson intervals, means bootstrap ones.
    spec = scenario.load("syria-2016")
    print(f"2. US strategies over {runs} seeded runs each:")
    table = {}
    for name in ("concede", "hold_firm", "or_else", "linkage"):
        df = run_replicates(spec, runs=runs, seed=1, us_strategy=name)
        durable = int((df["outcome"] == "durable").sum())
        lo, hi = wilson_interval(durable, runs)
        ulo, uhi = bootstrap_mean_interval(df["us_utility"].to_numpy())
        table[name] = df["us_utility"].mean()
        print(f"    {name:10s} durable {durable / runs:.2f} [{lo:.2f}, {hi:.2f}]   US utility "
              f"{df['us_utility'].mean():+.3f} [{ulo:+.3f}, {uhi:+.3f}]   US concession {df['us_concession'].mean():.2f}")
    print()

    # 3. Sensitivity: which uncertain numbers drive the result of 'or_else'? Sobol' indices from SALib, with
    #    95% intervals (tiny sample here: the intervals are wide; use --samples 128 or more for real work).
    print("3. Sensitivity of or_else (Sobol', tiny sample):")
    result = sensitivity(spec, "or_else", method="sobol", samples=samples, replicates=replicates)
    print("    " + format_indices(result).replace("\n", "\n    "))
    print("\nNext: `ceasefire discover --scenario syria-2016 --strategy or_else --versus concede` finds where "
          "or_else beats concede (PRIM boxes); `ceasefire validate` checks the historical cases.")
    return {"summary": summary, "utility": table, "sensitivity": result}


if __name__ == "__main__":
    main()
