"""Mechanism constants: one set for every scenario, each with the reason for its value and a plausible range.

A scenario describes a situation (who, wants what, with what force); these constants describe how the world
works, and they are the same for every case. `validate` runs all historical cases with this one set, so a value
here must never be changed to make one case pass. The plausible range beside each is what calibration and the
sensitivity analysis search over (DESIGN section 7). The values below are the hand-set ones (`HAND_SET`). The model
runs with the calibrated values from `calibration.json` (written by `ceasefire calibrate`, never edited by hand) only
when that calibration passes validation (its `passes_validation`: every case passed at the fit's settings);
otherwise with the hand-set ones (`MECHANISM`, `CONSTANTS_SOURCE`; docs/calibration.md, docs/decisions.md S13). A
user may still override any of them per run (`--set NAME=VALUE`, or an experiment's `params.NAME` uncertainty) to
study its effect.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any


def _c(value: float, lo: float, hi: float) -> float:
    """A constant with its plausible range (kept in the dataclass field's metadata)."""
    return field(default=value, metadata={"range": (lo, hi)})


@dataclass(frozen=True)
class Mechanism:
    """How negotiation, fighting and coercion work, independent of any one case."""

    horizon: float = _c(12.0, 6.0, 26.0)
    """Weeks over which a party weighs the no-deal path and a deal's risk of failure: about a quarter, the span
    over which governments plan campaigns and budgets. It turns the weekly costs of war into the costs that open a
    bargaining range (Fearon 1995)."""

    gamma: float = _c(2.0, 1.0, 3.0)
    """Decisiveness of force in the contest success function P_c = S_c^gamma / sum S^gamma (Tullock 1980,
    Hirshleifer 1989). 1 is proportional; 2 means a 2:1 edge wins four times in five."""

    prior_weeks: float = _c(8.0, 2.0, 26.0)
    """Weeks of battle evidence a party's prior belief about the war is worth. Small: beliefs converge within
    weeks of fighting; large: optimism survives months of contrary results (Smith & Stam 2004; Slantchev 2003)."""

    battles_per_week: float = _c(10.0, 4.0, 20.0)
    """Observable engagements a week of ordinary fighting produces (scaled by the intensity used), each won by a
    camp with its true chance: the evidence every party updates its belief on. Judgement: a front of a dozen
    sectors, each reporting a week's gains or losses."""

    attrition: float = _c(0.02, 0.01, 0.04)
    """Force destroyed per week per unit of enemy fire (Lanchester's square law, weekly). Judgement: a side facing
    an equal enemy at war intensity loses about 1% of its combat power a week, the order of the Syrian war's
    losses in 2016 (tens of thousands killed a year in armies of ~100k-200k)."""

    war_intensity: float = _c(0.5, 0.3, 0.7)
    """Intensity of ordinary fighting (0 none, 1 all-out)."""

    limited_escalation: float = _c(0.75, 0.6, 0.9)
    """Intensity of 'limited force' (Russia's 2016 approach): more than ordinary fighting, short of all-out."""

    escalation_intensity: float = _c(1.0, 0.9, 1.0)
    """Intensity of all-out escalation."""

    ceasefire_floor: float = _c(0.05, 0.0, 0.1)
    """Residual intensity while a ceasefire holds: violations never stop entirely (2016 truces saw daily ones)."""

    fight_noise: float = _c(0.3, 0.1, 0.5)
    """Log-normal spread of weekly losses: fortune of war."""

    escalation_cost: float = _c(0.01, 0.005, 0.02)
    """Share of its own force an escalator exposes per unit of intensity above ordinary fighting: escalation and
    strikes cost whoever makes them (DESIGN 3.8)."""

    loss_weight: float = _c(1.0, 0.5, 2.0)
    """Utility lost per unit share of one's force destroyed: losing a tenth of one's force is worth 0.1 of the
    [0, 1] utility scale. Judgement; it makes casualties and policy outcomes commensurable."""

    resolve_wear: float = _c(2.0, 0.5, 5.0)
    """Resolve falls by this times the utility a party lost in a week (losses, sanctions, strikes, costs of no
    deal): war weariness (Mueller 1973) and the attrition of a sanctions war. It is what makes costs accumulate
    and turns a standoff with no fighting into a war of attrition that ends (DESIGN 3.7)."""

    regroup_rate: float = _c(0.03, 0.01, 0.08)
    """Share of the gap to its initial force an armed party closes each week (recruitment and resupply after
    losses; supplies above it wear out). Under a truce, with little fighting, it lets a side's power recover:
    the commitment problem (Powell 2006) and the way the 2016 truces let the regime regroup."""

    recruitment_noise: float = _c(0.03, 0.01, 0.06)
    """Log-normal spread of the weekly change in an armed party's force from recruitment and resupply luck. With
    `regroup_rate` it makes force a mean-reverting process with a stationary spread of about 12% (Syrian
    factions' strength swung by tens of percent within months through conscription, desertion and foreign surges:
    ISW 2016). Judgement."""

    concession_step: float = _c(1.0, 0.1, 1.0)
    """The most a conceding strategy asks to move its demand in a week (1: the whole gap). Since S14 the pace is set
    by the pain of no deal that pays the audience cost of each retreat; this only caps it (it was the pace, 0.1, in
    the first half of the second edition)."""

    token_step: float = _c(0.01, 0.005, 0.02)
    """A token move: enough to be reported as movement, too little to change anyone's calculation."""

    threat_period: int = _c(4, 2, 8)
    """Weeks between a threat and its deadline (about a month, as in 2013-2016 US ultimatums)."""

    punish_fraction: float = _c(0.15, 0.05, 0.3)
    """Share of the target camp's force (other than the threatened state itself) a punishment strike destroys:
    strikes on regime air power. Judgement: Shayrat 2017 destroyed ~20 aircraft, ~20% of the operational fleet."""

    credibility_learning: float = _c(0.5, 0.2, 0.8)
    """How far credibility moves toward 1 (a threat carried out) or 0 (backed down) at each deadline."""

    supply_rate: float = _c(0.02, 0.01, 0.05)
    """Share of a client's initial force a patron adds per week by supplying it (arms, training)."""

    supply_cost: float = _c(0.002, 0.0, 0.005)
    """Utility a week of supplying clients costs the supplier (money, exposure): arming a side is not free."""

    betrayal_cost: float = _c(0.05, 0.0, 0.1)
    """What a party that keeps a deal loses, beyond its alternative, when the deal fails: the other side regrouped
    under the truce. It makes the anticipated risk of failure count against signing, not only dilute the deal."""

    margin_uncertainty: float = _c(0.02, 0.01, 0.05)
    """How well a party can judge another's margin for keeping a deal (utility units): the spread of its estimate.
    Anticipated defection is the normal probability that the other's margin, projected over the horizon, is
    negative (DESIGN 3.5). Chosen as rational expectations require: the spread of the margins the model itself
    produces over a horizon (incidents, regrouping, strikes). At 0.02 the anticipated risk is calibrated on
    syria-2016 (tests/test_anticipation.py); at 0.05 parties overestimate failure about threefold."""

    suspension_weeks: int = _c(4, 0, 12)
    """Weeks a party that was walked out on suspends talks after a truce collapses (the US suspended talks
    two weeks after the 19 Sep 2016 collapse and kept them suspended); 0 switches the rule off."""

    incident_loss: float = _c(0.01, 0.0, 0.03)
    """Share of the victims' force an incident costs (a strike on the wrong troops, a convoy hit)."""

    sanction_cost: float = _c(0.2, 0.1, 0.5)
    """Share of the harm a sanction does to its target that the sanctioner pays itself (lost trade)."""

    discount: float = _c(0.99, 0.97, 0.998)
    """Weekly discount factor of utility over a run (about 40% a year: governments weigh the near term)."""

    durable_weeks: int = _c(8, 4, 26)
    """A ceasefire in force at the end counts as durable once it has held this many weeks (DESIGN section 5)."""


MECHANISM_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Mechanism))
INTEGER_MECHANISM_NAMES: frozenset[str] = frozenset({"threat_period", "suspension_weeks", "durable_weeks"})
MECHANISM_RANGES: dict[str, tuple[float, float]] = {f.name: f.metadata["range"] for f in fields(Mechanism)}
"""Plausible range of each constant, for calibration and sensitivity analysis."""

HAND_SET = Mechanism()
"""The values reasoned above, before calibration: the starting point and the values of every constant the
calibration leaves fixed."""

CALIBRATION_FILE = Path(__file__).with_name("calibration.json")
"""The result of `ceasefire calibrate` (docs/calibration.md): the fitted value of each calibrated constant, the
accepted sets, the score of each case and the run's settings. Committed; never edited by hand."""


def load_calibration(path: Path = CALIBRATION_FILE) -> dict[str, Any]:
    """The calibration record ({} if there is none). Each calibrated constant is checked against its range."""
    if not path.is_file():
        return {}
    record = json.loads(path.read_text(encoding="utf-8"))
    for name, entry in record.get("calibrated", {}).items():
        lo, hi = MECHANISM_RANGES[name]
        if not lo <= entry["value"] <= hi:
            raise ValueError(f"{path}: calibrated {name} = {entry['value']} is outside its range [{lo}, {hi}]")
    return record


def calibrated(record: dict[str, Any]) -> Mechanism:
    """The hand-set constants with the calibrated ones replaced by their fitted values."""
    values = {name: entry["value"] for name, entry in record.get("calibrated", {}).items()}
    values = {k: (int(round(v)) if k in INTEGER_MECHANISM_NAMES else float(v)) for k, v in values.items()}
    return replace(HAND_SET, **values)


def passes_validation(record: dict[str, Any]) -> bool:
    """Whether a calibration record says every case passed at the fit's settings (only a literal true counts)."""
    return record.get("passes_validation") is True


def default_mechanism(record: dict[str, Any]) -> Mechanism:
    """The constants the model runs with by default: the calibrated ones if `record` passes validation, else the
    hand-set ones (a fit that reproduces no case is no better evidence than the reasoned values)."""
    return calibrated(record) if passes_validation(record) else HAND_SET


def source(record: dict[str, Any]) -> str:
    """Where the default constants come from, in words (the header line of `ceasefire validate`)."""
    if passes_validation(record):
        return "calibrated (model/calibration.json passes validation: docs/calibration.md)"
    return "hand-set (no calibration passes validation: docs/calibration.md)"


CALIBRATION: dict[str, Any] = load_calibration()
"""The calibration record on disk ({} if none), whether or not it passes validation."""
MECHANISM = default_mechanism(CALIBRATION)
"""The one set of constants every scenario runs with: the calibrated values if `calibration.json` passes
validation, else the hand-set values."""
CONSTANTS_SOURCE = source(CALIBRATION)
"""Which of the two `MECHANISM` is, in words."""
