"""A shared test base run over every registered strategy (the Axelrod library's habit): determinism, pickling,
reset, classifier and description, and behaviour against scripted opponents as its description says.

A strategy added to the registry without an entry in BEHAVIOUR fails `test_every_strategy_has_a_behaviour_check`.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from agents import strategies
from agents.observation import Observation
from agents.strategies.base import CLASSIFIER_KEYS
from tests.conftest import duel_data, make_world

BLU, RED = 0, 1
ALL = [cls.name for cls in strategies.STRATEGIES]


def observe(world, me=BLU):
    return Observation(world, me)


def decide(name, world, me=BLU):
    return strategies.get(name).decide(observe(world, me))


def test_registry_names_are_unique_and_listed():
    assert len(ALL) == len(set(ALL))
    assert set(strategies.US_STRATEGIES) <= set(ALL) and set(strategies.RUSSIA_STRATEGIES) <= set(ALL)


@pytest.mark.parametrize("name", ALL)
def test_strategy_declares_name_description_and_classifier(name):
    cls = strategies.get(name)
    assert cls.name == name and len(cls.description) > 10
    assert set(cls.classifier) == set(CLASSIFIER_KEYS)


@pytest.mark.parametrize("name", ALL)
def test_strategy_is_deterministic_under_a_seed(name):
    first = decide(name, make_world(runs=5, seed=11))
    second = decide(name, make_world(runs=5, seed=11))
    for field in vars(first):
        np.testing.assert_array_equal(getattr(first, field), getattr(second, field), err_msg=field)


@pytest.mark.parametrize("name", ALL)
def test_strategy_survives_pickling_and_reset(name):
    strategy = strategies.get(name)
    clone = pickle.loads(pickle.dumps(strategy))
    assert clone == strategy
    strategy.reset()
    world = make_world(runs=3)
    a, b = strategy.decide(observe(world)), clone.decide(observe(world))
    for field in vars(a):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))


@pytest.mark.parametrize("name", ALL)
def test_strategy_returns_actions_of_the_right_shape(name):
    act = decide(name, make_world(runs=4))
    assert act.concede.shape == (4, 2) and act.escalate.shape == (4,)
    assert np.all((act.escalate >= 0) & (act.escalate <= 1))


# --- behaviour against scripted opponents -----------------------------------------------------------------

def _concedes_toward_counterpart(world, act):
    return act.concede[0, 0] < 0 and not act.threaten[0]


def check_concede():
    act = decide("concede", make_world())
    assert _concedes_toward_counterpart(make_world(), act)


def check_hold_firm():
    act = decide("hold_firm", make_world())
    assert not act.concede.any() and not act.link.any() and not act.threaten.any() and not act.escalate.any()


def check_or_else():
    world = make_world(overrides={"BLU.commitment": 1.0})
    world.turn = 1
    assert decide("or_else", world).threaten[0]  # threatens with no ceasefire
    world.threat_deadline[0, BLU] = 1
    act = decide("or_else", world)
    assert act.carry_out[0] and act.escalate[0] == 1.0  # commitment 1: strikes at the deadline
    world = make_world(overrides={"BLU.commitment": 0.0})
    world.turn, world.threat_deadline[0, BLU] = 1, 1
    act = decide("or_else", world)
    assert act.back_down[0] and not act.carry_out[0]
    world.ceasefire[:] = True
    world.threat_deadline[0, BLU] = -1
    assert not decide("or_else", world).threaten[0]  # no threat while a ceasefire holds


def check_linkage():
    act = decide("linkage", make_world())
    # RED values side_deal 0.4 vs BLU's 0.3: the ratio favours linking side_deal over war_aim (0.6/0.7).
    assert act.link[0, 1] > 0 and act.concede[0, 0] == 0
    # An issue outside the talks comes first, whatever the ratio: that is what linking means.
    outside = decide("linkage", make_world(duel_data(**{"issues.0.on_table": False})))
    assert outside.link[0, 0] < 0 and outside.link[0, 1] == 0


def check_carrot_and_stick():
    world = make_world()
    world.turn = 1
    act = decide("carrot_and_stick", world)
    assert act.link[0, 1] > 0 and act.threaten[0]


def check_tit_for_tat():
    world = make_world()
    world.intensity[0, RED] = 1.0
    world.concession[0, RED] = 0.0
    act = decide("tit_for_tat", world)
    assert act.escalate[0] == 1.0 and not act.concede.any()
    world.intensity[0, RED] = 0.5
    world.concession[0, RED] = 0.05
    act = decide("tit_for_tat", world)
    assert act.escalate[0] == 0.0 and act.concede[0].sum() == pytest.approx(-0.05)


def check_arm_opposition():
    world = make_world()
    assert decide("arm_opposition", world, RED).supply[0]
    world.ceasefire[:] = True
    assert not decide("arm_opposition", world, RED).supply[0]


def check_disengage():
    assert decide("disengage", make_world()).withdraw[0]


def check_force_backed_diplomacy():
    world = make_world()
    world.batna[0, RED], world.deal_value[0, RED] = 0.8, 0.5  # its alternative beats the deal: press
    act = decide("force_backed_diplomacy", world, RED)
    assert act.escalate[0] == pytest.approx(0.75) and not act.concede.any()
    world.batna[0, RED], world.deal_value[0, RED] = 0.4, 0.5  # the deal is better: concede a step
    act = decide("force_backed_diplomacy", world, RED)
    assert act.escalate[0] == pytest.approx(0.5) and act.concede[0].sum() > 0


def check_stall():
    act = decide("stall", make_world(), RED)
    assert np.abs(act.concede).sum() == pytest.approx(0.01) and act.escalate[0] == pytest.approx(0.5)


def check_good_faith():
    world = make_world()
    assert np.abs(decide("good_faith", world, RED).concede).sum() == pytest.approx(0.1)
    world.intensity[0, BLU] = 1.0
    assert not decide("good_faith", world, RED).concede.any()


def check_opportunist():
    act = decide("opportunist", make_world(), 2)
    assert act.escalate[0] == pytest.approx(0.5) and not act.concede.any()


BEHAVIOUR = {name.removeprefix("check_"): fn for name, fn in dict(globals()).items() if name.startswith("check_")}


def test_every_strategy_has_a_behaviour_check():
    assert set(ALL) == set(BEHAVIOUR)


@pytest.mark.parametrize("name", ALL)
def test_strategy_acts_as_its_description_says(name):
    BEHAVIOUR[name]()
