"""Calibration, once: the mechanism constants fitted jointly to the four historical cases (DESIGN section 7).

A recorded search (optuna's TPE sampler, Bergstra et al. 2011; deterministic under a seed with one worker) over the
plausible range of each calibrated constant (`model.constants.MECHANISM_RANGES`), with the ensemble engine. A trial
sets every constant (the calibrated ones to the trial's values, the others to their hand-set values, so a new
calibration never starts from an old one), runs every case and each of its counterfactual variants on common random
numbers, and scores the result jointly:

    score = (number of criteria failed) + (sum of their shortfalls)

the shortfall of a criterion being how far its estimate falls short of its bound (in shares; a median in weeks over
max(bound, 4)). The first trial is the hand-set constants, so the fit is never worse than where it started. The
trials with a score within `accept_margin` of the best (by default 1: at most one criterion more than the best fails,
or the same ones by a little more) are the **accepted set**: the worlds the cases cannot tell apart at this budget,
over which conclusions are reported (`runs.robust`). The result (fitted values,
the accepted set, the score of each case, the settings and seed, and `passes_validation`: true only when every case
passes at the best trial on the fit's own settings) is written to `model/calibration.json`; the model loads it by
default only when `passes_validation` is true (`model.constants.default_mechanism`). Nothing in it is edited by hand
(docs/calibration.md).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any

import numpy as np

from model.constants import CALIBRATION_FILE, HAND_SET, INTEGER_MECHANISM_NAMES, MECHANISM_RANGES, Mechanism
from model.errors import CeasefireError

CALIBRATED: tuple[str, ...] = (
    "horizon", "gamma", "prior_weeks", "battles_per_week", "attrition", "war_intensity", "limited_escalation",
    "ceasefire_floor", "fight_noise", "escalation_cost", "loss_weight", "resolve_wear", "regroup_rate",
    "recruitment_noise", "concession_step", "betrayal_cost", "suspension_weeks", "incident_loss", "sanction_cost",
)
"""The constants the four cases can inform: each enters a decision, a fight or a cost in at least one case."""

FIXED: dict[str, str] = {
    "margin_uncertainty": "set by rational expectations, not by the cases: the spread of the margins the model itself "
                          "produces, pinned by the calibration test of anticipation (docs/decisions.md S4)",
    "durable_weeks": "a definition of the outcome 'durable', not a mechanism: fitting it would move the goalposts",
    "discount": "enters only the utility over the run that `compare` reports, no decision and no validation statistic",
    "escalation_intensity": "used only by strategies that escalate all-out, which no case's historical strategies do",
    "token_step": "used only by `stall`, which no case's historical strategies use",
    "threat_period": "no party in the four cases issues an ultimatum (the US threatened nothing in 2016)",
    "punish_fraction": "no party in the four cases threatens or strikes",
    "credibility_learning": "no party in the four cases threatens, so no credibility is won or lost",
    "supply_rate": "no party in the four cases supplies a client (Russia counter-supplies only when the US does)",
    "supply_cost": "as supply_rate",
}
"""The constants calibration leaves at their hand-set values, each with the reason. Those the cases carry no
information on stay uncertain over their plausible range: `runs.robust` samples them."""

assert set(CALIBRATED) | set(FIXED) == {f.name for f in fields(Mechanism)}, "every constant is calibrated or fixed"
assert not set(CALIBRATED) & set(FIXED)

SIMULATION_SEED_OFFSET = 1000
"""The cases run on master seed `seed + 1000` during the search, so `ceasefire validate` (seed 0) checks the fit on
runs it was not fitted to."""


def hand_set() -> dict[str, float]:
    return {f.name: float(getattr(HAND_SET, f.name)) for f in fields(Mechanism)}


def score(results: list[Any]) -> tuple[float, int, float]:
    """(score, criteria failed, total shortfall) of a list of `runs.validate.CaseResult`."""
    checks = [c for r in results for c in r.checks]
    failed = sum(not c.passed for c in checks)
    shortfall = float(sum(c.shortfall for c in checks))
    return failed + shortfall, failed, shortfall


def run_trial(constants: dict[str, float], specs: list[Any], runs: int, seed: int,
              intervals: bool = False) -> list[Any]:
    """Every case under one set of constants (all of them given)."""
    from runs.validate import validate_case

    params = {f"params.{k}": v for k, v in constants.items()}
    return [validate_case(spec, runs, seed, params=params, intervals=intervals) for spec in specs]


def _suggest(trial: Any, name: str) -> float:
    lo, hi = MECHANISM_RANGES[name]
    if name in INTEGER_MECHANISM_NAMES:
        return float(trial.suggest_int(name, int(lo), int(hi)))
    return trial.suggest_float(name, float(lo), float(hi))


def _round(x: float) -> float:
    return float(f"{x:.4g}")


def calibrate(trials: int = 200, runs: int = 100, seed: int = 0, cases: list[str] | None = None,
              accept_margin: float = 1.0, progress: Callable[[int, float, float], None] | None = None) -> dict[str, Any]:
    """Search the calibrated constants' ranges; the calibration record (see the module docstring).

    Args:
        trials: optuna trials (the first is the hand-set constants).
        runs: seeded runs per case and per counterfactual variant in each trial.
        seed: the sampler's seed; the cases run on `seed + SIMULATION_SEED_OFFSET`.
        accept_margin: trials with a score within this of the best are accepted.
        progress: called after each trial with (trial number, its score, the best so far).
    """
    import optuna

    from runs.validate import load_cases

    if trials < 1:
        raise CeasefireError(f"--trials {trials}: must be at least 1")
    if runs < 1:
        raise CeasefireError(f"--runs {runs}: must be at least 1")
    if accept_margin < 0:
        raise CeasefireError(f"--accept-margin {accept_margin}: must be >= 0")
    specs = load_cases(cases)
    sim_seed = seed + SIMULATION_SEED_OFFSET
    base = hand_set()
    records: list[dict[str, Any]] = []
    started = time.perf_counter()

    def objective(trial: Any) -> float:
        values = {name: _suggest(trial, name) for name in CALIBRATED}
        results = run_trial(base | values, specs, runs, sim_seed)
        total, failed, shortfall = score(results)
        records.append({"trial": trial.number, "score": round(total, 6), "failed": failed,
                        "constants": {k: _round(v) for k, v in values.items()},
                        "cases": {r.case: sorted(c.key for c in r.checks if not c.passed) for r in results}})
        if progress is not None:
            progress(trial.number, total, min(r["score"] for r in records))
        return total

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.TPESampler(seed=seed, multivariate=True, n_startup_trials=min(20, max(trials // 5, 1)))
    study = optuna.create_study(direction="minimize", sampler=sampler)
    study.enqueue_trial({name: (int(base[name]) if name in INTEGER_MECHANISM_NAMES else base[name])
                         for name in CALIBRATED})
    study.optimize(objective, n_trials=trials, n_jobs=1)

    best = min(records, key=lambda r: (r["score"], r["trial"]))
    accepted = [r for r in records if r["score"] <= best["score"] + accept_margin]
    best_results = run_trial(base | best["constants"], specs, runs, sim_seed)
    hand_results = run_trial(base, specs, runs, sim_seed)
    calibrated: dict[str, Any] = {}
    for name in CALIBRATED:
        values = np.array([r["constants"][name] for r in accepted])
        lo, hi = MECHANISM_RANGES[name]
        calibrated[name] = {"value": best["constants"][name], "range": [lo, hi], "hand_set": base[name],
                            "accepted_interval": [float(values.min()), float(values.max())]}
    import optuna as _optuna

    return {
        "about": "Written by `ceasefire calibrate` (runs/calibrate.py); never edited by hand. docs/calibration.md "
                 "says how it was made and how to redo it.",
        "method": "optuna TPESampler (multivariate), one worker; score = criteria failed + their total shortfall",
        "optuna_version": _optuna.__version__,
        "seed": seed,
        "simulation_seed": sim_seed,
        "trials": trials,
        "runs_per_case": runs,
        "accept_margin": accept_margin,
        "cases": [s.name for s in specs],
        "seconds": round(time.perf_counter() - started, 1),
        "passes_validation": all(r.passed for r in best_results),
        "passes_validation_means": "every case passed every criterion at the best trial, on these settings (runs per "
                                   "case, simulation seed); only then does the model load these constants by default",
        "calibrated": calibrated,
        "fixed": {name: {"value": base[name], "range": list(MECHANISM_RANGES[name]), "reason": reason}
                  for name, reason in FIXED.items()},
        "best": {"trial": best["trial"], "score": best["score"], "failed": best["failed"],
                 "criteria": sum(len(r.checks) for r in best_results), "cases": _case_scores(best_results)},
        "hand_set": {"score": round(score(hand_results)[0], 6), "failed": score(hand_results)[1],
                     "cases": _case_scores(hand_results)},
        "accepted": [{"trial": r["trial"], "score": r["score"], "failed": r["failed"], "constants": r["constants"]}
                     for r in sorted(accepted, key=lambda r: (r["score"], r["trial"]))],
        "history": [{"trial": r["trial"], "score": r["score"], "failed": r["failed"], "constants": r["constants"]}
                    for r in records],
    }


def _case_scores(results: list[Any]) -> dict[str, Any]:
    return {r.case: {"passed": r.passed, "shortfall": round(r.shortfall, 6),
                     "criteria": {c.expected: {"value": None if math.isnan(c.value) else round(c.value, 4),
                                               "passed": c.passed} for c in r.checks}}
            for r in results}


def write(record: dict[str, Any], path: Path = CALIBRATION_FILE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return path


def format_record(record: dict[str, Any]) -> str:
    """The calibration result as text: each constant's range, hand-set and fitted value and accepted interval; the
    score of each case."""
    lines = [f"calibration: {record['trials']} trials x {len(record['cases'])} cases x {record['runs_per_case']} runs "
             f"(seed {record['seed']}, cases on seed {record['simulation_seed']}), {record['seconds']} s",
             f"best trial {record['best']['trial']}: score {record['best']['score']:.3f}, "
             f"{record['best']['failed']} of {record['best']['criteria']} criteria fail "
             f"(hand-set: score {record['hand_set']['score']:.3f}, {record['hand_set']['failed']} fail); "
             f"{len(record['accepted'])} accepted sets",
             "passes validation: " + ("yes (the model loads these constants by default)" if record.get("passes_validation")
                                      is True else "no (the model keeps the hand-set constants by default)"), "",
             f"  {'constant':22s} {'range':>16s} {'hand-set':>9s} {'fitted':>9s} {'accepted interval':>22s}"]
    for name, c in record["calibrated"].items():
        lo, hi = c["range"]
        a, b = c["accepted_interval"]
        lines.append(f"  {name:22s} {f'[{lo:g}, {hi:g}]':>16s} {c['hand_set']:9.4g} {c['value']:9.4g} "
                     f"{f'[{a:.4g}, {b:.4g}]':>22s}")
    lines += ["", "  fixed: " + ", ".join(record["fixed"]), ""]
    for case, s in record["best"]["cases"].items():
        failed = [k for k, v in s["criteria"].items() if not v["passed"]]
        lines.append(f"  {case:24s} {'pass' if s['passed'] else 'FAIL'}" + (f"  fails: {'; '.join(failed)}" if failed else ""))
    return "\n".join(lines)
