"""Anticipation is consistent with the rule (DESIGN 3.5): the failure risk parties price into a deal when they sign
it is calibrated against how often such deals actually fail within the horizon."""

from __future__ import annotations

import numpy as np
import pandas as pd

from model import scenario as scenario_module
from model.constants import MECHANISM
from model.ensemble import run_replicates


def test_anticipated_failure_risk_is_calibrated():
    spec = scenario_module.load("syria-2016")
    # 300 runs each: since S14 or_else and arm_opposition, which never concede, sign no deal in syria-2016.
    frames = [run_replicates(spec, runs=300, seed=7, us_strategy=us)
              for us in ("concede", "or_else", "linkage", "tit_for_tat", "arm_opposition", "carrot_and_stick")]
    runs = pd.concat(frames, ignore_index=True)
    horizon = int(MECHANISM.horizon)
    signed = runs[(runs.first_agreed_turn >= 0) & (runs.first_agreed_turn <= spec.params.turns - horizon)]
    assert len(signed) >= 1000
    ended = signed.first_truce_end.to_numpy()
    failed = (ended >= 0) & (ended - signed.first_agreed_turn.to_numpy() <= horizon)
    priced = signed.p_fail_at_first_signing.to_numpy()
    bins = np.minimum((priced / 0.2).astype(int), 4)
    checked = 0
    for b in range(5):
        members = bins == b
        if members.sum() < 50:  # too few deals priced in this range to estimate their failure rate
            continue
        checked += 1
        assert abs(failed[members].mean() - priced[members].mean()) <= 0.1, (b, priced[members].mean(), failed[members].mean())
    assert checked >= 1
