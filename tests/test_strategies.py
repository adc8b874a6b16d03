"""A shared test base run over every registered strategy (the Axelrod library's habit): determinism, pickling,
reset, classifier and description, and behaviour against scripted opponents as its description says.

A strategy added to the registry without an entry in BEHAVIOUR fails `test_every_strategy_has_a_behaviour_check`.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from agents import strategies
from agents.actions import Actions
from agents.observation import Observation
from agents.strategies.base import CLASSIFIER_KEYS, Strategy
from model import assignment
from model import scenario as scenario_module
from model.turn import advance, start
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

class Scripted(Strategy):
    """A test opponent: plays `moves[turn]` (a function of the observation returning Actions), else holds."""

    name = "scripted"

    def __init__(self, moves=None):
        super().__init__()
        self.moves = moves or {}

    def decide(self, obs):
        move = self.moves.get(obs.turn)
        return move(obs) if move is not None else Actions.hold(obs.batch, obs.n_issues)


def concede_on(issue, step):
    def move(obs):
        act = Actions.hold(obs.batch, obs.n_issues)
        gap = obs.world.position[:, obs.counterpart, issue] - obs.world.position[:, obs.me, issue]
        act.concede[:, issue] = np.sign(gap) * step
        return act
    return move


def play(world, players, turns):
    """Advance `world` `turns` weeks with one strategy per actor; the per-week snapshots of what we check."""
    weeks = []
    for _ in range(turns):
        report = advance(world, players)
        weeks.append({"actions": report.actions, "demand": world.demand.copy(), "ceasefire": world.ceasefire.copy(),
                      "engaged": world.engaged.copy(), "threatened": world.event("threatened").copy(),
                      "deadline": world.threat_deadline.copy(), "enforcing": world.enforcing.copy()})
    return weeks


def no_deal_duel(overrides=None):
    """The duel with no bargaining range (both sides expect to win), so talks go on week after week."""
    return make_world(duel_data(**{"actors.0.optimism": 1.0, "actors.1.optimism": 1.0}), overrides=overrides)


# A step of a tenth of an issue's range asked for each week (the mechanism's `concession_step` is only a cap since S14).
TENTH = {"params.concession_step": 0.1}


def realised_retreat(world, players, me, issue):
    """Play one week; how far `me`'s demand on `issue` moved (what the strategy asked for, as far as pain paid)."""
    before = world.demand[0, me, issue]
    advance(world, players)
    return abs(world.demand[0, me, issue] - before)


def syria_world(**overrides):
    return make_world(scenario_module.load_data("syria-2016"), overrides=overrides or None)


def _concedes_toward_counterpart(world, act):
    return act.concede[0, 0] < 0 and not act.threaten[0]


def check_concede():
    act = decide("concede", make_world())
    assert _concedes_toward_counterpart(make_world(), act)
    # Its reservation point: never further than `limit` from its ideal (BLU's ideal on war_aim is 1.0).
    world = make_world()
    world.demand[0, BLU, 0] = 0.75
    limited = strategies.get("concede", limit=0.3).decide(observe(world))
    assert limited.concede[0, 0] == pytest.approx(-0.05)
    world.demand[0, BLU, 0] = 0.7  # at its limit on war_aim: the step goes to the next issue
    limited = strategies.get("concede", limit=0.3).decide(observe(world))
    assert limited.concede[0, 0] == 0 and limited.concede[0, 1] > 0
    assert strategies.get("concede", step=0.25).decide(observe(make_world())).concede[0, 0] == pytest.approx(-0.25)


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
    assert act.escalate[0] == 0.0 and not act.concede.any()  # its terms are its demands; no open-ended campaign
    world.threat_deadline[0, BLU] = 4
    assert not decide("or_else", world).threaten[0]  # one ultimatum at a time
    world.threat_deadline[0, BLU] = -1
    _set_ceasefire(world)
    assert not decide("or_else", world).threaten[0]  # no new ultimatum while a ceasefire holds
    assert not strategies.get("or_else", enforce=False).decide(observe(make_world())).enforce.any()
    # Against a scripted opponent that never moves: the deadline it was given, then (ultimatums = 1) no second one.
    world = no_deal_duel()
    chosen, params = assignment.configure(world_spec(), overrides={"BLU": "or_else", "RED": "hold_firm"},
                                          strategy_params={"or_else": {"deadline": 3, "ultimatums": 1}})
    world = make_world(duel_data(**{"actors.0.optimism": 1.0, "actors.1.optimism": 1.0}), overrides=params)
    weeks = play(world, assignment.instances(world_spec(), chosen), 9)
    assert weeks[0]["deadline"][0, BLU] == 1 + 3
    assert sum(int(w["threatened"][0, BLU]) for w in weeks) == 1
    # Once a deal is signed under it, the threat stays as an enforcement clause (syria-2016 signs in week 1 when the
    # US and Russian demands already meet: S14 lets no one sign below its public demand).
    syria = syria_world()
    usa = syria.actor_ids.index("USA")
    demands_meet(syria, usa, syria.actor_ids.index("RUS"))
    players = [strategies.get("or_else") if a == "USA" else strategies.get(s)
               for a, s in zip(syria.actor_ids, _syria_defaults(), strict=True)]
    weeks = play(syria, players, 2)
    signed = [w for w in weeks if w["ceasefire"][0]]
    assert signed and all(w["enforcing"][0, usa] > 0.5 for w in signed)


def demands_meet(world, a, b):
    """Set a's and b's public demands to each other's ideal (the compatible terms: the whole range between the
    ideals) and re-evaluate the offer."""
    world.demand[:, a], world.demand[:, b] = world.ideal[:, b].copy(), world.ideal[:, a].copy()
    start(world)


def world_spec():
    return scenario_module.parse(duel_data(**{"actors.0.optimism": 1.0, "actors.1.optimism": 1.0}), "test.toml")


def _syria_defaults():
    return [a.strategy for a in scenario_module.load("syria-2016").actors]


def check_linkage():
    world = make_world()
    world.turn = 1
    act = strategies.get("linkage").decide(observe(world))
    # RED values side_deal 0.4 vs BLU's 0.3: the ratio favours linking side_deal over war_aim (0.6/0.7).
    assert act.link[0, 1] > 0 and not act.concede.any()
    # An issue outside the talks comes first, whatever the ratio: that is what linking means.
    outside = make_world(duel_data(**{"issues.0.on_table": False}))
    outside.turn = 1
    act = strategies.get("linkage").decide(observe(outside))
    assert act.link[0, 0] < 0 and act.link[0, 1] == 0
    # Quid pro quo, against a scripted opponent that never moves: offered in week 1, taken back after `patience`.
    # (A step of 0.1 asked for; BLU has no audience cost here, so the step is made in full at once.)
    world = no_deal_duel(TENTH)
    weeks = play(world, [strategies.get("linkage", patience=3), Scripted(), strategies.get("opportunist")], 6)
    side = [w["demand"][0, BLU, 1] for w in weeks]
    assert side[0] == pytest.approx(0.1) and side[1] == pytest.approx(0.1) and side[2] == pytest.approx(0.1)
    assert side[3] == pytest.approx(0.0)  # not reciprocated within 3 weeks: withdrawn
    assert side[4] == pytest.approx(0.0) and side[5] == pytest.approx(0.0)  # and not offered again at once
    # With an audience cost, the offer goes only as far as the pain BLU has borne pays for (S14).
    world = no_deal_duel(TENTH | {"BLU.audience_cost": 0.5})
    world.pain[0, BLU] = 0.01
    players = [strategies.get("linkage", patience=3), Scripted(), strategies.get("opportunist")]
    expected = min(0.1, 0.01 / (0.5 * world.salience[0, BLU, 1]))
    assert realised_retreat(world, players, BLU, 1) == pytest.approx(expected) and expected < 0.1
    # Against one that answers in week 2 with a move on what BLU values (war_aim), the offer stands and grows.
    world = no_deal_duel(TENTH)
    weeks = play(world, [strategies.get("linkage", patience=3), Scripted({2: concede_on(0, 0.1)}),
                         strategies.get("opportunist")], 5)
    side = [w["demand"][0, BLU, 1] for w in weeks]
    assert side[2] == pytest.approx(0.2) and side[4] >= 0.2 - 1e-9


def check_carrot_and_stick():
    world = make_world()
    world.turn = 1
    act = decide("carrot_and_stick", world)
    assert act.threaten[0] and act.enforce[0] and not act.link.any()  # no carrot for nothing
    world.concession[0, RED] = 0.1  # the counterpart moved last week: the carrot follows
    act = decide("carrot_and_stick", world)
    assert act.link[0, 1] > 0
    act = strategies.get("carrot_and_stick", compliance=0.2).decide(observe(world))
    assert not act.link.any()  # a move below the compliance bar earns nothing
    act = strategies.get("carrot_and_stick", carrot="concession").decide(observe(world))
    assert act.concede[0, 0] < 0 and not act.link.any()


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
    syria = syria_world(**{"USA.sanction_harm": 0.01})
    usa, rus = syria.actor_ids.index("USA"), syria.actor_ids.index("RUS")
    assert not decide("tit_for_tat", syria, usa).threaten[0]  # nice: never the first to press
    syria.intensity[0, rus] = 0.75
    act = decide("tit_for_tat", syria, usa)
    assert act.sanction[0] == 1.0 and act.supply[0] and act.threaten[0]
    syria.intensity[0, rus] = 0.5  # Russia stops escalating: forgiven at once
    act = decide("tit_for_tat", syria, usa)
    assert act.sanction[0] == -1.0 and not act.supply[0] and not act.threaten[0]
    syria.event("supplying")[0, rus] = 1.0  # supplies to the other camp are pressure too
    assert decide("tit_for_tat", syria, usa).supply[0]
    # In syria-2016 as it is (US sanctions do not hurt Russia): a threat and supplies, no sanctions.
    syria = syria_world()
    syria.intensity[0, rus] = 0.75
    act = decide("tit_for_tat", syria, usa)
    assert act.threaten[0] and act.supply[0] and act.sanction[0] == 0.0
    # Generous: a share of provocations pass, drawn from its own stream (the same runs every time).
    many = make_world(runs=400, seed=3)
    many.intensity[:, RED] = 1.0
    generous = strategies.get("tit_for_tat", generosity=0.3)
    let_pass = generous.decide(observe(many)).escalate < 1.0
    assert 0.2 < let_pass.mean() < 0.4
    np.testing.assert_array_equal(let_pass, generous.decide(observe(many)).escalate < 1.0)


def check_arm_opposition():
    world = make_world()
    world.turn = 1
    assert decide("arm_opposition", world, RED).supply[0]
    assert not decide("arm_opposition", world, BLU).supply[0]  # BLU has no clients to supply
    _set_ceasefire(world)
    assert not decide("arm_opposition", world, RED).supply[0]
    assert strategies.get("arm_opposition", in_truce=True).decide(observe(world, RED)).supply[0]
    half = strategies.get("arm_opposition", share=0.5)
    world = make_world()
    weeks = []
    for t in range(1, 9):
        world.turn = t
        weeks.append(bool(half.decide(observe(world, RED)).supply[0]))
    assert sum(weeks) == 4


def check_disengage():
    world = make_world()
    world.turn = 1
    assert decide("disengage", world).withdraw[0]
    assert not strategies.get("disengage", after=5).decide(observe(world)).withdraw[0]
    # In syria-2016: the US leaves; Russia, which would concede every week in good faith, stops bargaining with it,
    # and with one veto player left no ceasefire can be signed (no party signs one with itself).
    syria = syria_world()
    usa, rus = syria.actor_ids.index("USA"), syria.actor_ids.index("RUS")
    players = [strategies.get({"USA": "disengage", "RUS": "good_faith"}.get(a, s))
               for a, s in zip(syria.actor_ids, _syria_defaults(), strict=True)]
    weeks = play(syria, players, 4)
    assert not weeks[0]["engaged"][0, usa]
    # (it chose week 1's step on the same snapshot as the US chose to leave: moves are simultaneous)
    np.testing.assert_array_equal(weeks[-1]["demand"][0, rus], weeks[0]["demand"][0, rus])
    assert not any(w["ceasefire"][0] for w in weeks)
    for name in ("force_backed_diplomacy", "stall", "good_faith", "linkage", "or_else", "tit_for_tat"):
        act = strategies.get(name).decide(observe(syria, rus))
        assert not act.concede.any() and not act.link.any() and not act.threaten.any() and act.sanction[0] <= 0


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
    assert not strategies.get("force_backed_diplomacy", counter_supply=False).decide(observe(world, RED)).supply[0]
    world.margin[0, RED] = -0.1
    assert strategies.get("force_backed_diplomacy", escalation=0.9).decide(observe(world, RED)).escalate[0] == 0.9


def check_stall():
    act = decide("stall", make_world(), RED)
    assert np.abs(act.concede).sum() == pytest.approx(0.01) and act.escalate[0] == pytest.approx(0.5)


def check_good_faith():
    world = make_world(overrides=TENTH)
    assert np.abs(decide("good_faith", world, RED).concede).sum() == pytest.approx(0.1)
    # The step asked for is made as far as the pain RED has borne pays its audience cost (S14): in full when it does.
    for pain, audience in ((0.01, 0.5), (1.0, 0.5), (0.0, 0.0)):
        paid = make_world(overrides=TENTH | {"RED.audience_cost": audience})
        paid.pain[0, RED] = pain
        players = [strategies.get("hold_firm"), strategies.get("good_faith"), strategies.get("opportunist")]
        expected = 0.1 if audience == 0.0 else min(0.1, pain / (audience * paid.salience[0, RED, 0]))
        assert realised_retreat(paid, players, RED, 0) == pytest.approx(expected)
    world = make_world()
    world.intensity[0, BLU] = 1.0
    assert not decide("good_faith", world, RED).concede.any()
    world.intensity[0, BLU] = 0.5
    world.event("struck")[0, BLU] = 1.0  # a strike is an escalation, even from a party that does not fight
    assert not decide("good_faith", world, RED).concede.any()
    world.event("struck")[0, BLU] = 0.0
    world.event("threatened")[0, BLU] = 1.0  # words alone do not stop it, unless told they should
    assert decide("good_faith", world, RED).concede.any()
    assert not strategies.get("good_faith", threats_count=True).decide(observe(world, RED)).concede.any()
    # In syria-2016, a US strike on the regime is seen by Russia although the US never fights.
    syria = syria_world()
    usa, rus = syria.actor_ids.index("USA"), syria.actor_ids.index("RUS")
    syria.event("struck")[0, usa] = 1.0
    assert not strategies.get("good_faith").decide(observe(syria, rus)).concede.any()


def check_opportunist():
    act = decide("opportunist", make_world(), 2)
    assert act.escalate[0] == pytest.approx(0.5) and not act.concede.any()


BEHAVIOUR = {name.removeprefix("check_"): fn for name, fn in dict(globals()).items() if name.startswith("check_")}


def test_every_strategy_has_a_behaviour_check():
    assert set(ALL) == set(BEHAVIOUR)


@pytest.mark.parametrize("name", ALL)
def test_strategy_acts_as_its_description_says(name):
    BEHAVIOUR[name]()


# --- parameters -------------------------------------------------------------------------------------------------

def _off_default(f):
    """A valid value other than the field's default (from its search range or its bounds)."""
    m = f.metadata
    if m["kind"] == "bool":
        return not f.default
    if m["kind"] == "choice":
        return next(o for o in m["options"] if o != f.default)
    lo, hi = m["lo"], m["hi"]
    value = hi if f.default != hi else lo
    return int(value) if m["kind"] == "int" else float(value)


@pytest.mark.parametrize("name", ALL)
def test_every_parameter_has_a_reason_a_valid_default_and_a_search_range_inside_its_bounds(name):
    cls = strategies.strategy_class(name)
    for f in cls.Params.specs():
        m = f.metadata
        assert len(m["doc"]) > 10, f.name
        if m["kind"] in ("float", "int"):
            assert f.default is None and m["mechanism"] or m["lo"] <= f.default <= m["hi"], f.name
            if m["search"] is not None:
                assert m["lo"] <= m["search"][0] < m["search"][1] <= m["hi"], f.name


@pytest.mark.parametrize("name", ALL)
def test_strategy_with_parameters_set_survives_pickling_and_stays_deterministic(name):
    cls = strategies.strategy_class(name)
    params = {f.name: _off_default(f) for f in cls.Params.specs()}
    if "deadline" in params:
        params.pop("deadline")  # a deadline needs the run's threat_period (see model.assignment)
    strategy = strategies.get(name, **params)
    clone = pickle.loads(pickle.dumps(strategy))
    assert clone == strategy and (not params or strategy != strategies.get(name))
    world = make_world(runs=3)
    world.turn = 1
    a, b = strategy.decide(observe(world)), clone.decide(observe(world))
    for field in vars(a):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))


@pytest.mark.parametrize("name", ALL)
def test_bad_strategy_parameters_are_refused_in_one_line_naming_strategy_and_parameter(name):
    cls = strategies.strategy_class(name)
    with pytest.raises(strategies.StrategyParamError, match=rf"^{name}\.nonsense: unknown parameter; allowed: "):
        strategies.get(name, nonsense=1)
    for f in cls.Params.specs():
        bad = {"float": 99.0, "int": 2.5, "bool": "maybe", "choice": "nonsense"}[f.metadata["kind"]]
        with pytest.raises(strategies.StrategyParamError, match=rf"^{name}\.{f.name}=.*: not allowed; allowed: "):
            strategies.get(name, **{f.name: bad})


def test_parameters_given_as_text_are_read_as_their_kind():
    s = strategies.get("or_else", deadline="6", enforce="false")
    assert s.params.deadline == 6 and s.params.enforce is False
    assert strategies.get("concede", step="default").params.step is None


def test_a_choice_is_its_name_in_tables_and_carries_its_parameters_through_pickling():
    choice = strategies.Choice("or_else", {"deadline": 6}, noise=0.05)
    assert choice == "or_else" and hash(choice) == hash("or_else") and choice.label == "or_else(deadline=6)"
    clone = pickle.loads(pickle.dumps(choice))
    assert dict(clone.params) == {"deadline": 6} and clone.noise == 0.05
    built = strategies.build(clone)
    assert built.inner.params.deadline == 6 and built.noise == 0.05


def test_assignment_refuses_bad_strategy_parameters_with_one_line(syria):
    from model.errors import CeasefireError

    cases = {
        "unknown parameter": ({"or_else": {"nonsense": 1}}, r"^--strategy-param or_else\.nonsense: unknown parameter"),
        "out of range": ({"or_else": {"deadline": 99}}, r"^--strategy-param or_else\.deadline=99: not allowed; allowed: a whole number in \[1, 26\]"),
        "not in use": ({"linkage": {"patience": 2}}, r"^--strategy-param linkage\.patience: linkage is not played in this run"),
    }
    for params, message in cases.values():
        with pytest.raises(CeasefireError, match=message):
            assignment.assign(syria, "or_else", strategy_params=params)
    with pytest.raises(CeasefireError, match=r"expected STRATEGY\.PARAM=VALUE"):
        assignment.parse_strategy_params({"deadline": "6"})


def test_a_deadline_sets_the_runs_threat_period_and_conflicts_are_refused(syria):
    from model.errors import CeasefireError

    chosen, params = assignment.configure(syria, "or_else", strategy_params={"or_else": {"deadline": 6}})
    assert params == {"params.threat_period": 6} and dict(chosen["USA"].params) == {"deadline": 6}
    with pytest.raises(CeasefireError, match="one params.threat_period per run"):
        assignment.configure(syria, "or_else", strategy_params={"or_else": {"deadline": 6}},
                             params={"params.threat_period": 4})
    with pytest.raises(CeasefireError, match="one params.threat_period per run"):
        assignment.rule_overrides({"USA": strategies.Choice("or_else", {"deadline": 6}),
                                   "TUR": strategies.Choice("carrot_and_stick", {"deadline": 3})})


# --- trembles -------------------------------------------------------------------------------------------------

def test_trembles_hit_the_same_runs_and_weeks_whatever_the_strategy():
    from agents.strategies.noise import Trembling

    world = make_world(runs=500, seed=5)
    world.turn = 3
    hit = {}
    for name in ("hold_firm", "concede", "or_else"):
        noisy = Trembling(strategies.get(name), 0.2)
        clean = strategies.get(name).decide(observe(world))
        act = noisy.decide(observe(world))
        changed = np.zeros(500, dtype=bool)
        for field in vars(act):
            diff = getattr(act, field) != getattr(clean, field)
            changed |= diff.reshape(500, -1).any(axis=1)
        hit[name] = changed
        again = Trembling(strategies.get(name), 0.2).decide(observe(world))
        for field in vars(act):
            np.testing.assert_array_equal(getattr(act, field), getattr(again, field))
    # A tremble to the move a strategy intended changes nothing, so compare within the runs that trembled at all.
    u = world.strategy_uniform(BLU, 14)
    for name, changed in hit.items():
        assert not (changed & (u >= 0.2)).any(), name  # only trembling runs differ from the intended move
    assert 0.1 < (u < 0.2).mean() < 0.3
    assert not Trembling(strategies.get("hold_firm"), 0.2).decide(observe(world)).withdraw.any()


# --- the command line -----------------------------------------------------------------------------------------

def test_strategies_command_lists_every_parameter_with_default_and_range():
    from typer.testing import CliRunner

    from runs.cli import app

    out = CliRunner().invoke(app, ["strategies"]).stdout
    for cls in strategies.STRATEGIES:
        for f in cls.Params.specs():
            assert f"{cls.name}.{f.name} = " in out
    assert "or_else.deadline = threat_period (the mechanism constant)  [whole 1..26]" in out


def test_run_and_compare_take_strategy_parameters_and_refuse_bad_ones_in_one_line():
    import json

    from typer.testing import CliRunner

    from runs.cli import app

    runner = CliRunner()
    ok = runner.invoke(app, ["run", "--us-strategy", "or_else", "--turns", "6", "--json",
                             "--strategy-param", "or_else.deadline=6", "--strategy-param", "or_else.enforce=false"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["strategy_params"] == {"USA": {"deadline": 6, "enforce": False}}
    ok = runner.invoke(app, ["compare", "--runs", "2", "--workers", "1", "--strategies", "concede,or_else", "--json",
                             "--strategy-param", "or_else.deadline=6", "--strategy-param", "concede.step=0.2"])
    assert ok.exit_code == 0, ok.output
    for args, message in (
        (["run", "--strategy-param", "or_else.deadline=6"], "or_else is not played in this run"),
        (["run", "--us-strategy", "or_else", "--strategy-param", "or_else.deadline=0"], "or_else.deadline=0: not allowed"),
        (["run", "--strategy-param", "concede.pace=1"], "concede.pace: unknown parameter; allowed: step, limit"),
        (["run", "--strategy-param", "nonsense.x=1"], "unknown strategy 'nonsense'"),
        (["compare", "--runs", "1", "--strategies", "concede", "--strategy-param", "linkage.patience=2"],
         "linkage is not played"),
    ):
        bad = runner.invoke(app, args)
        assert bad.exit_code == 2 and message in bad.stderr and len(bad.stderr.strip().splitlines()) == 1, bad.stderr


def test_a_strategy_written_as_data_reads_back_with_its_parameters():
    from model.errors import CeasefireError

    choice = assignment.parse_choice("or_else(deadline=6, enforce=false)")
    assert choice == "or_else" and dict(choice.params) == {"deadline": 6, "enforce": False}
    assert assignment.parse_choice(choice.label).params == choice.params
    assert assignment.parse_choice("hold_firm") == "hold_firm"
    for text, message in (("or_else(deadline=99)", "or_else.deadline=99: not allowed"),
                          ("or_else(deadline)", "expected PARAM=VALUE"), ("nonsense", "unknown strategy")):
        with pytest.raises(CeasefireError, match=message):
            assignment.parse_choice(text, "levers.us_strategy")
