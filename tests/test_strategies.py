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
from model import scenario as scenario_module
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


def _set_ceasefire(world, on=True):
    world.run_column("ceasefire")[:] = 1.0 if on else 0.0


def check_or_else():
    world = make_world()
    world.turn = 1
    act = decide("or_else", world)
    assert act.threaten[0] and act.enforce[0]  # an ultimatum, kept as an enforcement clause after a deal
    assert act.escalate[0] == 0.0  # the strike at the deadline is the rules' comparison, not an open-ended campaign
    world.threat_deadline[0, BLU] = 4
    assert not decide("or_else", world).threaten[0]  # one ultimatum at a time
    world.threat_deadline[0, BLU] = -1
    _set_ceasefire(world)
    assert not decide("or_else", world).threaten[0]  # no new ultimatum while a ceasefire holds


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
    assert act.threaten[0] and act.enforce[0] and not act.link.any()  # no carrot for nothing
    world.concession[0, RED] = 0.1  # the counterpart moved last week: the carrot follows
    act = decide("carrot_and_stick", world)
    assert act.link[0, 1] > 0


def check_tit_for_tat():
    world = make_world()
    world.intensity[0, RED] = 1.0
    world.concession[0, RED] = 0.0
    act = decide("tit_for_tat", world)
    assert act.escalate[0] == 1.0 and not act.concede.any()
    world.intensity[0, RED] = 0.5
    world.concession[0, RED] = 0.05
    act = decide("tit_for_tat", world)
    assert act.escalate[0] == pytest.approx(0.5) and act.concede[0].sum() == pytest.approx(-0.05)
    # Without a camp (the US in syria-2016) it retaliates with what it has: sanctions, supplies, an ultimatum.
    syria = make_world(scenario_module.load_data("syria-2016"), overrides={"USA.sanction_harm": 0.01})
    usa, rus = syria.actor_ids.index("USA"), syria.actor_ids.index("RUS")
    syria.intensity[0, rus] = 0.75
    act = decide("tit_for_tat", syria, usa)
    assert act.sanction[0] == 1.0 and act.supply[0] and act.threaten[0]
    syria.intensity[0, rus] = 0.5  # Russia stops escalating: forgiven at once
    act = decide("tit_for_tat", syria, usa)
    assert act.sanction[0] == -1.0 and not act.supply[0] and not act.threaten[0]


def check_arm_opposition():
    world = make_world()
    assert decide("arm_opposition", world, RED).supply[0]
    _set_ceasefire(world)
    assert not decide("arm_opposition", world, RED).supply[0]


def check_disengage():
    assert decide("disengage", make_world()).withdraw[0]


def check_force_backed_diplomacy():
    world = make_world()
    world.margin[0, RED] = -0.1  # its alternative beats the deal: press
    act = decide("force_backed_diplomacy", world, RED)
    assert act.escalate[0] == pytest.approx(0.75) and not act.concede.any() and not act.supply[0]
    world.margin[0, RED] = 0.1  # the deal is better: ordinary fighting and a step of concession
    act = decide("force_backed_diplomacy", world, RED)
    assert act.escalate[0] == pytest.approx(0.5) and act.concede[0].sum() > 0
    world.event("supplying")[0, BLU] = 1.0  # the other side armed its clients: counter-supply
    assert decide("force_backed_diplomacy", world, RED).supply[0]


def check_stall():
    act = decide("stall", make_world(), RED)
    assert np.abs(act.concede).sum() == pytest.approx(0.01) and act.escalate[0] == pytest.approx(0.5)


def check_good_faith():
    world = make_world()
    assert np.abs(decide("good_faith", world, RED).concede).sum() == pytest.approx(0.1)
    world.intensity[0, BLU] = 1.0
    assert not decide("good_faith", world, RED).concede.any()
    world.intensity[0, BLU] = 0.5
    world.event("struck")[0, BLU] = 1.0  # a strike is an escalation, even from a party that does not fight
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
