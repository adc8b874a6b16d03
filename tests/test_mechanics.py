"""Mechanics: each rule moves the right way. Every test here fails if a sign or a comparison is flipped."""

from __future__ import annotations

import numpy as np
import pytest

from agents.actions import Actions
from agents import strategies
from model.rules import ceasefire, evaluation, fighting, offer, pressure
from model.turn import advance, evaluate_current
from tests.conftest import duel_data, make_world

BLU, RED, CLI = 0, 1, 2


def test_stronger_camp_is_more_likely_to_prevail():
    p = evaluation.win_probability(np.array([[30.0, 10.0]]), np.array([2.0]))
    assert p[0, 0] == pytest.approx(0.9)  # 30^2 / (30^2 + 10^2)
    assert p.sum() == pytest.approx(1.0)


def test_equal_strength_is_a_coin_toss_and_no_force_is_too():
    gamma = np.array([2.0])
    assert evaluation.win_probability(np.array([[5.0, 5.0]]), gamma)[0, 0] == pytest.approx(0.5)
    assert evaluation.win_probability(np.array([[0.0, 0.0]]), gamma)[0, 0] == pytest.approx(0.5)


def test_batna_falls_when_the_enemy_grows_stronger():
    weak_enemy = make_world(duel_data(**{"actors.1.force": 5.0}))
    strong_enemy = make_world(duel_data(**{"actors.1.force": 40.0}))
    assert strong_enemy.batna[0, BLU] < weak_enemy.batna[0, BLU]
    assert strong_enemy.batna[0, RED] > weak_enemy.batna[0, RED]


def test_batna_is_the_war_lottery_minus_horizon_costs():
    world = make_world(overrides={"params.horizon": 0.0})
    # No costs counted: BATNA = 1 - static loss - sum_c P_c * loss if camp c imposes its leader's ideal.
    p_blue = world.win_prob[0, 0]
    blu_loss_if_red_wins = 0.7 * 1.0  # war_aim: red leader's ideal 0 vs BLU's 1
    blu_static = 0.3 * 0.0  # side_deal stays at status quo 0 = BLU's ideal
    assert world.batna[0, BLU] == pytest.approx(1 - blu_static - (1 - p_blue) * blu_loss_if_red_wins)


def test_threat_lowers_target_batna_by_credibility_times_harm():
    calm = make_world()
    threatened = make_world()
    threatened.threat_deadline[0, BLU] = 4
    evaluate_current(threatened)
    h, period = calm.p["horizon"][0], calm.p["threat_period"][0]
    expected_drop = (1 - 0.5) * h * 0.5 * 0.2 / period  # (1 - resolve) * H * credibility * harm / period
    assert calm.batna[0, RED] - threatened.batna[0, RED] == pytest.approx(expected_drop)
    assert calm.batna[0, CLI] > threatened.batna[0, CLI]  # the target's camp bears it too
    assert calm.batna[0, BLU] == pytest.approx(threatened.batna[0, BLU])  # not the threatener


def test_higher_resolve_makes_the_no_deal_path_cheaper():
    low = make_world(overrides={"RED.resolve": 0.1})
    high = make_world(overrides={"RED.resolve": 0.9})
    # Resolve also weights strength, so compare the cost term alone.
    assert (1 - 0.9) * evaluation.per_turn_cost(high)[0, RED] < (1 - 0.1) * evaluation.per_turn_cost(low)[0, RED]


def test_offer_is_the_capability_and_salience_weighted_mean_of_veto_demands():
    world = make_world(overrides={"BLU.capability": 3.0})
    y = offer.deal_on_offer(world)
    w_blu, w_red = 3.0 * 0.7, 1.0 * 0.6
    assert y[0, 0] == pytest.approx((w_blu * 1.0 + w_red * 0.0) / (w_blu + w_red))
    assert 0.0 <= y.min() and y.max() <= 1.0


def test_an_issue_off_the_table_stays_at_the_status_quo_until_linked():
    data = duel_data(**{"issues.1.on_table": False})
    world = make_world(data)
    assert world.offer[0, 1] == pytest.approx(0.0)
    link = np.zeros((1, 3, 2))
    link[0, BLU, 1] = 0.5
    pressure.move_demands(world, np.zeros_like(link), link)
    assert world.on_table[0, 1]
    assert offer.deal_on_offer(world)[0, 1] > 0.0


def test_deal_value_falls_with_the_risk_that_the_deal_fails():
    world = make_world()
    terms = world.offer.copy()
    evaluation.evaluate(world, terms)
    safe = world.deal_value.copy()
    world.distrust[:] = 0.8
    evaluation.evaluate(world, terms)
    assert np.all(world.deal_value[0, :2] < safe[0, :2])


def _set_margins(world, margins):
    world.deal_value = world.batna + np.asarray(margins, dtype=float)[None, :]


def test_ceasefire_starts_only_when_every_veto_player_accepts():
    world = make_world(overrides={"params.decision_noise": 0.0})
    world.turn = 1
    _set_margins(world, [0.1, -0.1, 0.5])
    assert not ceasefire.agree_or_break(world, np.zeros(1, bool)).agreed[0]
    _set_margins(world, [0.1, 0.1, -0.5])  # a spoiler does not sign
    events = ceasefire.agree_or_break(world, np.zeros(1, bool))
    assert events.agreed[0] and world.ceasefire[0] and world.first_agreed[0] == 1
    np.testing.assert_array_equal(world.terms, world.offer)


def test_spoiler_whose_alternative_beats_the_terms_breaks_the_ceasefire():
    world = make_world(overrides={"params.decision_noise": 0.0})
    world.turn, world.ceasefire[:] = 3, True
    _set_margins(world, [0.1, 0.1, -0.01])  # within the reputational threshold: holds
    assert not ceasefire.agree_or_break(world, np.zeros(1, bool)).collapsed[0]
    _set_margins(world, [0.1, 0.1, -0.2])
    events = ceasefire.agree_or_break(world, np.zeros(1, bool))
    assert events.collapsed[0] and events.defectors[0, CLI] and not world.ceasefire[0]
    assert world.distrust[0] > 0


def test_carrying_out_a_threat_raises_credibility_and_backing_down_lowers_it():
    world = make_world(runs=2)
    world.turn = 5
    world.threat_deadline[:, BLU] = 5
    carry = np.zeros((2, 3), bool)
    carry[0, BLU] = True
    regime_force = world.force[:, CLI].copy()
    events = pressure.threats(world, np.zeros((2, 3), bool), carry, ~carry)
    assert world.credibility[0, BLU] > 0.5 > world.credibility[1, BLU]
    assert events.carried_out[0, BLU] and events.backed_down[1, BLU]
    assert world.force[0, CLI] < regime_force[0] and world.force[1, CLI] == regime_force[1]
    assert world.force[0, RED] == pytest.approx(10.0)  # the threatened state itself is not struck


def test_fighting_costs_enemies_force_and_a_ceasefire_nearly_stops_it():
    world = make_world()
    intensity = np.full((1, 3), 0.5)
    losses = fighting.fight(world, intensity)
    assert np.all(losses > 0)
    calm = make_world()
    calm.ceasefire[:] = True
    assert np.all(fighting.fight(calm, intensity) < losses)


def test_actors_outside_any_camp_do_not_fight():
    data = duel_data(**{"actors.2.camp": None})
    world = make_world(data)
    losses = fighting.fight(world, np.full((1, 3), 1.0))
    assert losses[0, CLI] == 0.0


def test_resolve_wears_with_losses():
    world = make_world()
    before = world.force.copy()
    world.force = world.force * 0.5
    pressure.wear_resolve(world, before)
    assert np.all(world.resolve[0] < np.array([0.5, 0.5, 0.9]))


def test_concession_moves_toward_the_counterpart_and_never_overshoots():
    world = make_world(overrides={"params.concession_step": 0.7})
    from agents.observation import Observation

    act = strategies.get("concede").decide(Observation(world, BLU))
    # RED values war_aim most (0.6): BLU moves from 1.0 toward RED's 0.0 by the full step.
    assert act.concede[0, 0] == pytest.approx(-0.7)
    world.position[0, BLU, 0] = 0.2
    act = strategies.get("concede").decide(Observation(world, BLU))
    assert act.concede[0, 0] == pytest.approx(-0.2)


def test_a_full_turn_keeps_every_quantity_in_range(duel_world):
    players = [strategies.get(n) for n in ("or_else", "force_backed_diplomacy", "opportunist")]
    for _ in range(10):
        advance(duel_world, players)
    assert np.all((duel_world.position >= 0) & (duel_world.position <= 1))
    assert np.all(duel_world.force >= 0)


def test_hold_is_doing_nothing():
    act = Actions.hold(3, 2)
    assert not act.threaten.any() and not act.concede.any() and not act.escalate.any()
