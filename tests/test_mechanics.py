"""Mechanics, second edition (DESIGN section 3): each test pins one property and fails if its rule is broken.

The small DUEL scenario (tests/conftest.py) has two veto players in opposite camps, BLU and RED, and RED's armed
client CLI. Runs go through the same compiled turn the engines use.
"""

from __future__ import annotations

import numpy as np
import pytest

from agents import strategies as registry
from agents.observation import Observation
from agents.strategies.or_else import OrElse
from model import assignment, layout
from model import scenario as scenario_module
from model.ensemble import run_replicates, simulate
from model.outcomes import summarize
from model.rng import replicate_keys
from model.rules import coercion, consent, moves
from model.turn import advance, stack, start
from model.world import build_world
from tests.conftest import duel_data, make_world

BLU, RED, CLI = 0, 1, 2

# A duel both sides would rather settle: high weekly costs of no deal, no noise, no incidents.
CALM = {"params.fight_noise": 0.0, "BLU.no_deal_cost": 0.04, "RED.no_deal_cost": 0.04, "CLI.no_deal_cost": 0.04,
        "CLI.leverage": 1.0, "RED.credibility": 1.0}


def duel_runs(data=None, runs=1, overrides=None, strategies=None, seed=0, meet=False):
    """The summary of `runs` runs of the duel; `meet`: BLU's and RED's public demands start at each other's ideal
    (compatible demands: the terms that meet both are the whole range between the ideals, S14)."""
    spec = scenario_module.parse(data or duel_data(), "test.toml")
    chosen = assignment.assign(spec, None, strategies)
    keys = replicate_keys(seed, 0, runs)
    if not meet:
        return simulate(spec, chosen, keys, overrides).summary
    world = build_world(spec, keys, overrides)
    demands_meet(world, "BLU", "RED")
    start(world)
    players = assignment.instances(spec, chosen)
    for _ in range(world.turns):
        advance(world, players)
    return summarize(world)


def demands_meet(world, a, b):
    """Set actors a's and b's public demands (by id) to each other's ideal, before `start`: since S14 no one signs
    below its public demand, and demands at the ideals never meet."""
    i, j = world.actor_ids.index(a), world.actor_ids.index(b)
    world.demand[:, i], world.demand[:, j] = world.ideal[:, j].copy(), world.ideal[:, i].copy()


# --- 3.1 beliefs ---------------------------------------------------------------------------------------------

def test_no_optimism_and_a_bargaining_range_agree_in_week_one():
    """DESIGN 3.1's property, with S14's precondition: public demands that already meet."""
    summary = duel_runs(overrides=CALM, meet=True)
    assert summary["first_agreed_turn"][0] == 1


def test_time_to_agreement_grows_with_the_optimism_gap():
    data = duel_data(**{"params.turns": 52})
    base = {"params.fight_noise": 0.0, "BLU.no_deal_cost": 0.004, "RED.no_deal_cost": 0.004, "CLI.no_deal_cost": 0.004,
            "CLI.leverage": 1.0, "RED.credibility": 1.0}
    means = []
    for gap in (0.0, 0.6, 1.2):
        s = duel_runs(data, runs=60, overrides=base | {"BLU.optimism": gap, "RED.optimism": gap, "CLI.optimism": gap},
                      meet=True)  # demands that meet (S14): the delay is the optimism's alone
        first = np.where(s["first_agreed_turn"] >= 0, s["first_agreed_turn"], 53)
        means.append(first.mean())
    assert means[0] < means[1] < means[2], means


def test_the_spread_of_beliefs_narrows_with_weeks_of_fighting():
    spec = scenario_module.parse(duel_data(**{"params.turns": 30}), "test.toml")
    world = build_world(spec, replicate_keys(3, 0, 40), {"BLU.optimism": 1.0, "RED.optimism": 1.0})
    start(world)
    hold = [registry.get("opportunist")] * 3  # fight on, never concede: no deal, so fighting goes on
    gaps = []
    for _ in range(30):
        advance(world, hold)
        beliefs = world.beliefs()  # (B, A, C)
        gaps.append(np.abs(beliefs[:, BLU, 0] - beliefs[:, RED, 0]).mean())
    assert not world.ceasefire.any()
    assert gaps[-1] < 0.5 * gaps[0] and gaps[9] < gaps[0], gaps


# --- 3.2 BATNA and 3.6 coercion ------------------------------------------------------------------------------

def test_a_strike_lowers_the_targets_batna_by_what_it_had_priced():
    spec = scenario_module.load("syria-2016")
    world = build_world(spec, replicate_keys(0, 0, 1), {"USA.credibility": 1.0})
    start(world)
    usa, rus = spec.actor_ids.index("USA"), spec.actor_ids.index("RUS")
    calm = world.batna[0, rus]
    world.threat_deadline[0, usa] = 5
    start(world)
    priced = calm - world.batna[0, rus]
    assert priced > 0.01
    coercion.strike(world.arrays, 0, usa)
    world.threat_deadline[0, usa] = -1
    start(world)
    realised = calm - world.batna[0, rus]
    assert realised == pytest.approx(priced, rel=0.2)


def test_or_else_utility_falls_with_strike_cost_and_below_hold_firm_when_striking_costs_more_than_it_wins():
    spec = scenario_module.load("syria-2016")
    kw = dict(runs=150, seed=5, params={"params.turns": 30, "USA.commitment": 1.0})
    means = [run_replicates(spec, us_strategy="or_else", **kw | {"params": kw["params"] | {"USA.strike_cost": c}})
             ["us_utility"].mean() for c in (0.0, 0.1, 0.5)]
    hold = run_replicates(spec, us_strategy="hold_firm", **kw)["us_utility"].mean()
    assert means[0] > means[1] > means[2], means
    assert means[2] < hold < means[0]


class _OrElseLifted(OrElse):
    """or_else without the enforcement clause: the threat lapses when the deal is signed."""

    name = "or_else_lifted"

    def decide(self, obs):
        actions = super().decide(obs)
        actions.enforce[:] = False
        return actions


def _weeks_of_first_truce(world):
    end = np.where(world.run_column("first_truce_end") >= 0, world.run_column("first_truce_end"), world.turn + 1)
    first = world.run_column("first_agreed")
    return np.where(first >= 0, end - first, np.nan)


def test_a_deal_kept_under_an_enforcement_clause_outlasts_the_same_deal_with_the_threat_lifted():
    spec = scenario_module.load("syria-2016")
    lengths = {}
    for label, us in (("enforced", OrElse()), ("lifted", _OrElseLifted())):
        world = build_world(spec, replicate_keys(11, 0, 300))
        demands_meet(world, "USA", "RUS")  # or_else never concedes: a deal is signed only on demands that meet (S14)
        start(world)
        players = [us if a == "USA" else registry.get(spec.actor(a).strategy) for a in spec.actor_ids]
        for _ in range(world.turns):
            advance(world, players)
        lengths[label] = np.nanmean(_weeks_of_first_truce(world))
    assert lengths["enforced"] > lengths["lifted"] + 1.0, lengths


# --- 3.3 the offer -------------------------------------------------------------------------------------------

def _one_issue(cap_a=1.0, cap_b=2.0, cost_a=0.01, cost_b=0.02):
    return {
        "scenario": {"name": "one"}, "params": {"turns": 2, "incident_rate": 0.0},
        "issues": [{"id": "x", "status_quo": 0.5}],
        "actors": [
            {"id": "A", "veto": True, "capability": cap_a, "resolve": 0.5, "no_deal_cost": cost_a,
             "strategy": "hold_firm", "ideal": {"x": 0.0}, "salience": {"x": 1.0}},
            {"id": "B", "veto": True, "capability": cap_b, "resolve": 0.5, "no_deal_cost": cost_b,
             "strategy": "hold_firm", "ideal": {"x": 1.0}, "salience": {"x": 1.0}},
        ],
    }


def test_offer_is_the_analytic_nash_point_on_one_issue_with_two_players():
    """On demands that meet (S14: A's at B's ideal and B's at A's, so the whole issue is on offer), with costs of no
    deal that put the Nash point off the middle: at costs in proportion to the weights it lies at 0.5, where the
    forecast offered on incompatible demands lies too, and the test could not tell them apart."""
    world = make_world(_one_issue(cost_b=0.03))
    world.demand[0, :, 0] = [1.0, 0.0]
    start(world)
    assert world.run_column("demands_compatible")[0]
    h = world.p["horizon"][0]
    d_a = 0.5 - h * 0.5 * 0.01  # u_A(status quo) - horizon (1 - resolve) cost
    d_b = 0.5 - h * 0.5 * 0.03
    w_a, w_b = 1.0, 2.0
    # max w_a log(1 - z - d_a) + w_b log(z - d_b)  =>  z = (w_b (1 - d_a) + w_a d_b) / (w_a + w_b)
    expected = (w_b * (1 - d_a) + w_a * d_b) / (w_a + w_b)
    assert abs(expected - 0.5) > 0.01
    assert world.offer[0, 0] == pytest.approx(expected, abs=1e-9)


def test_moving_force_toward_a_camp_moves_the_terms_toward_its_leader_on_every_contested_issue():
    spec = scenario_module.load("syria-2016")
    rus = spec.actor_ids.index("RUS")
    contested = [k for k, issue in enumerate(spec.issues) if issue.contested]
    # The Nash offer is sought only where the demands meet (S14). Within that box no audience cost bends the
    # utilities, the frontier is a polygon and the base offer sits on a vertex of it: the shift of force must be
    # large enough to move it off (SYR 25 -> 80 and IRN 12 -> 40; 40 and 20 leave the offer where it is).
    base = make_world_from(spec, {}, meet=True)
    strong = make_world_from(spec, {"SYR.force": 80.0, "IRN.force": 40.0}, meet=True)
    ideal = base.ideal[0, rus]
    d_base = np.abs(base.offer[0, contested] - ideal[contested])
    d_strong = np.abs(strong.offer[0, contested] - ideal[contested])
    assert np.all(d_strong <= d_base + 1e-12) and d_strong.sum() < d_base.sum() - 1e-3


def make_world_from(spec, overrides, meet=False):
    world = build_world(spec, replicate_keys(0, 0, 1), overrides)
    if meet:
        demands_meet(world, "USA", "RUS")
    start(world)
    return world


# --- 3.4 patrons and clients -------------------------------------------------------------------------------

def meeting_world(data, overrides=None):
    """The duel at turn 0 with BLU's and RED's demands at each other's ideal."""
    world = build_world(scenario_module.parse(data, "test.toml"), replicate_keys(0, 0, 1), overrides)
    demands_meet(world, "BLU", "RED")
    start(world)
    return world


def _client_data():
    # CLI is more optimistic than its patron: it would rather fight on than accept terms RED would sign.
    return duel_data(**{"params.turns": 20})


CLIENT = CALM | {"CLI.optimism": 1.5, "CLI.no_deal_cost": 0.0, "CLI.resolve": 0.95}


def test_a_client_that_would_lose_more_support_than_it_gains_from_war_keeps_the_truce():
    s = duel_runs(_client_data(), overrides=CLIENT | {"CLI.leverage": 1.0}, meet=True)  # signable terms (S14)
    assert s["ever_agreed"][0] and s["n_collapses"][0] == 0 and s["durable"][0]


def test_with_no_leverage_over_an_unwilling_client_its_patron_refuses_to_sign():
    # Demands that meet (S14), so the patron's refusal is the only thing standing between the parties and a deal.
    world = meeting_world(_client_data(), overrides=CLIENT | {"CLI.leverage": 0.0})
    assert world.margin[0, CLI] < 0  # the client would break it
    assert world.run_column("demands_compatible")[0] and np.all(world.margin[0, [BLU, RED]] >= 0)
    s = duel_runs(_client_data(), overrides=CLIENT | {"CLI.leverage": 0.0}, meet=True)
    assert not s["ever_agreed"][0]


# --- 3.5 a ceasefire that can last -------------------------------------------------------------------------

def test_a_ceasefire_whose_terms_beat_every_armed_partys_alternative_by_a_margin_lasts_to_the_end():
    data = duel_data(**{"params.turns": 40})
    world = meeting_world(data, overrides=CALM)  # demands that meet: signed in week 1 (S14)
    players = [registry.get("hold_firm"), registry.get("hold_firm"), registry.get("opportunist")]
    advance(world, players)
    assert world.ceasefire[0]
    armed = [BLU, RED, CLI]
    assert np.all(world.margin[0, armed] >= 0.05), world.margin[0, armed]
    for _ in range(39):
        advance(world, players)
    assert world.ceasefire[0] and world.run_column("n_collapses")[0] == 0
    assert world.run_column("weeks_under_ceasefire")[0] == 40


def test_a_truce_signed_in_the_final_weeks_is_not_durable():
    late = duel_runs(duel_data(**{"params.turns": 5}), overrides=CALM, meet=True)  # signed in week 1 (S14)
    early = duel_runs(duel_data(**{"params.turns": 20}), overrides=CALM, meet=True)
    assert late["outcome"][0] == "holding" and not late["durable"][0]
    assert early["outcome"][0] == "durable" and early["durable"][0]


def test_strategies_that_concede_differently_get_different_utility():
    # An optimistic duel with cheap war: no deal for either strategy, so only what conceding costs differs.
    overrides = {"BLU.audience_cost": 0.1, "RED.audience_cost": 0.1, "BLU.optimism": 0.5, "RED.optimism": 0.5}
    data = duel_data(**{"params.turns": 30})
    a = duel_runs(data, runs=30, overrides=overrides, strategies={"BLU": "concede"})
    b = duel_runs(data, runs=30, overrides=overrides, strategies={"BLU": "hold_firm"})
    assert abs(a["us_concession"].mean() - b["us_concession"].mean()) > 0.1
    assert b["us_utility"].mean() - a["us_utility"].mean() > 0.01


# --- 3.7 audience costs, 3.8 fighting ------------------------------------------------------------------------

def test_retreating_from_a_public_demand_costs_the_audience_cost():
    world = make_world(overrides={"BLU.audience_cost": 0.5})
    world.pain[0, BLU] = 1.0  # pain enough to pay for the whole step it asks for (S14)
    concede = registry.get("concede")
    players = [concede, registry.get("hold_firm"), registry.get("opportunist")]
    advance(world, players)
    moved = np.abs(world.demand[0, BLU] - world.ideal[0, BLU])
    paid = world.event("retreat")[0, BLU]
    assert paid == pytest.approx(0.5 * (world.salience[0, BLU] * moved).sum())
    assert paid > 0


# --- S14: signing needs compatible demands; pain pays for retreats ----------------------------------------------

def test_with_incompatible_demands_no_ceasefire_is_signed_even_when_every_margin_is_positive():
    players = [registry.get("hold_firm"), registry.get("hold_firm"), registry.get("opportunist")]
    apart = make_world(duel_data(**{"params.turns": 12}), overrides=CALM)  # demands at the ideals: they never meet
    for _ in range(12):
        advance(apart, players)
        assert not apart.run_column("demands_compatible")[0]
        assert np.all(apart.margin[0, [BLU, RED, CLI]] > 0.0), apart.margin[0]  # every party prefers the offer
        assert not apart.ceasefire[0]
    assert apart.run_column("first_agreed")[0] < 0
    # The same duel with demands that meet signs at once: the demands were all that stood in the way.
    together = meeting_world(duel_data(**{"params.turns": 12}), overrides=CALM)
    advance(together, players)
    assert together.run_column("demands_compatible")[0] and together.ceasefire[0]


def test_a_retreat_never_costs_more_than_the_pain_held_and_pain_falls_by_what_was_paid():
    runs = 200
    audience = np.linspace(0.0, 2.0, runs)
    world = make_world(runs=runs, overrides=CALM | {"BLU.audience_cost": audience, "RED.audience_cost": audience})
    rng = np.random.default_rng(0)
    world.pain[:] = rng.uniform(0.0, 0.05, world.pain.shape)
    # Only BLU concedes, so the whole gap is its to close and only the pain can scale its retreat down (two sides
    # conceding at once would also be scaled to meet, not swap: tested apart).
    players = [registry.get("concede"), registry.get("hold_firm"), registry.get("opportunist")]
    # The rule alone: this week's moves of demands, and nothing else that adds to pain.
    stack(world, [player.decide(Observation(world, i)) for i, player in enumerate(players)])
    world.arrays.actor_events[:] = 0.0
    before, demand_before = world.pain.copy(), world.demand.copy()
    for b in range(runs):
        moves.move_demands(world.arrays, b)
    paid = world.event("retreat")
    assert np.all(paid <= before + 1e-12)
    np.testing.assert_allclose(world.pain, before - paid, atol=1e-12)
    retreat = (world.salience * (np.abs(world.demand - world.ideal) - np.abs(demand_before - world.ideal))).sum(axis=2)
    np.testing.assert_allclose(paid, world.actor_param("audience_cost") * retreat, atol=1e-12)
    capped = np.abs(world.demand[:, BLU, 0] - demand_before[:, BLU, 0]) < 1.0 - 1e-9  # the whole step not paid for
    assert capped.any() and (~capped).any()
    np.testing.assert_allclose(paid[capped, BLU], before[capped, BLU], rtol=1e-9)  # all the pain held is spent
    # And in whole turns over a run: never more paid in a week than the pain held before it.
    world = make_world(runs=50, overrides=CALM | {"BLU.audience_cost": audience[::4], "RED.audience_cost": audience[::4]})
    for _ in range(10):
        before = world.pain.copy()
        advance(world, players)
        assert np.all(world.event("retreat") <= before + 1e-12)
    assert world.event("retreat").sum() >= 0.0


def test_two_sides_conceding_at_once_meet_instead_of_swapping_demands():
    data = duel_data(**{"params.turns": 52})
    world = make_world(data=data, runs=1, overrides=CALM | {"BLU.audience_cost": 0.0, "RED.audience_cost": 0.0})
    players = [registry.get("concede"), registry.get("concede"), registry.get("opportunist")]
    before = world.demand.copy()
    advance(world, players)
    for k in range(world.demand.shape[2]):
        moved = np.abs(world.demand[0, :2, k] - before[0, :2, k])
        # Each gives its share of the gap; together no more than the gap between their acceptable terms.
        assert moved.sum() <= abs(before[0, BLU, k] - before[0, RED, k]) + 1e-12, (k, moved)
    np.testing.assert_allclose(world.demand[0, BLU, 0], world.demand[0, RED, 0])  # they met on the war aim
    advance(world, players)  # and on the side deal the week after (one issue a week)
    assert world.run_column("demands_compatible")[0] and world.ceasefire[0]


def test_halving_both_audience_costs_roughly_halves_the_weeks_to_agreement():
    data = duel_data(**{"params.turns": 52})
    weeks = []
    for cost in (3.2, 1.6, 0.8, 0.4, 0.2, 0.1):
        s = duel_runs(data, runs=20, overrides=CALM | {"BLU.audience_cost": cost, "RED.audience_cost": cost},
                      strategies={"BLU": "concede", "RED": "concede"})
        assert np.all(s["first_agreed_turn"] >= 1), cost
        weeks.append(s["first_agreed_turn"].mean())
    assert np.all(np.diff(weeks) < 0), weeks  # strictly fewer weeks with every halving
    # While the delay is long enough that whole weeks and the first week (no pain borne yet) do not dominate it.
    ratios = np.array(weeks[1:3]) / np.array(weeks[:2])
    assert np.all((ratios > 0.4) & (ratios < 0.6)), (weeks, ratios)


def test_losses_fall_by_exposure():
    world = make_world(overrides={"params.fight_noise": 0.0, "RED.exposure": 0.1})
    players = [registry.get("opportunist")] * 3
    advance(world, players)
    lost_share = world.event("losses")[0] / world.force0[0]
    # RED (an air contingent) and CLI (ground troops) share the red camp's losses by exposed force.
    assert lost_share[RED] == pytest.approx(0.1 * lost_share[CLI], rel=1e-6)


def test_escalation_and_strikes_cost_whoever_makes_them():
    world = make_world(overrides={"params.fight_noise": 0.0})
    calm = make_world(overrides={"params.fight_noise": 0.0})

    class AllOut(registry.get("opportunist").__class__):
        def decide(self, obs):
            act = super().decide(obs)
            act.escalate[:] = 1.0
            return act

    advance(world, [AllOut(), registry.get("opportunist"), registry.get("opportunist")])
    advance(calm, [registry.get("opportunist")] * 3)
    # Escalating raises the escalator's own losses beyond what the enemy's unchanged fire does to it.
    assert world.event("losses")[0, BLU] > calm.event("losses")[0, BLU]
    spec = scenario_module.load("syria-2016")
    strike_world = make_world_from(spec, {"USA.strike_cost": 0.07})
    usa = spec.actor_ids.index("USA")
    coercion.strike(strike_world.arrays, 0, usa)
    assert strike_world.week_cost[0, usa] == pytest.approx(0.07)


def test_who_signs_is_the_engaged_veto_players_with_talks_open():
    world = make_world()
    assert list(consent.signatories(world.arrays, 0, 1)) == [BLU, RED]
    world.arrays.actor_state[0, RED, layout.SUSPENDED_UNTIL] = 3
    assert list(consent.signatories(world.arrays, 0, 1)) == [BLU]
