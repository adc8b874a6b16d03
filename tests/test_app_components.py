"""The page without a browser: view functions (runs/views.py) and the Solara components rendered with
`solara.render` (runs/app.py): step, reset with new settings, a bad seed refused, sessions independent."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import ipyvuetify as v  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import solara  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from model.errors import CeasefireError  # noqa: E402
from runs import views  # noqa: E402


@pytest.fixture
def settings():
    return views.Settings.defaults("syria-2016").with_(us_strategy="or_else", seed=3)


def _played(settings, turns):
    model = views.build_model(settings)
    for _ in range(turns):
        model.step()
    return model


# --------------------------------------------------------------------------- views


def test_settings_defaults_follow_the_scenario():
    s = views.Settings.defaults("syria-2016")
    assert s.us_strategy == "concede" and s.russia_strategy == "force_backed_diplomacy"
    assert (s.us_credibility, s.incident_rate, s.turns) == (0.2, 0.15, 52)
    no_us = views.Settings.defaults("turkey-russia-2016")
    assert no_us.us_strategy is None and "USA.credibility" not in no_us.params()
    assert views.us_strategy_options(views.load_scenario("turkey-russia-2016")) == []


def test_build_model_uses_exactly_the_settings(settings):
    s = settings.with_(us_credibility=0.65, russia_resolve=0.3, incident_rate=0.4, perception_noise=0.05, turns=9,
                       russia_strategy="stall")
    model = views.build_model(s)
    w = model.world
    usa, rus = w.actor_ids.index("USA"), w.actor_ids.index("RUS")
    assert model.strategy_names["USA"] == "or_else" and model.strategy_names["RUS"] == "stall"
    assert w.credibility[0, usa] == pytest.approx(0.65) and w.resolve[0, rus] == pytest.approx(0.3)
    assert w.p["incident_rate"][0] == pytest.approx(0.4) and w.p["perception_noise"][0] == pytest.approx(0.05)
    assert model.turns == 9 and model.seed == 3
    assert model.app_settings == s


@pytest.mark.parametrize("text", ["abc", "1.5", "-1", "", "2**70"])
def test_bad_seed_is_refused_with_one_line(text):
    with pytest.raises(CeasefireError, match="seed") as exc:
        views.parse_seed(text)
    assert "\n" not in str(exc.value)


def test_bad_turns_and_bad_parameters_are_refused(settings):
    for text in ("0", "x", "100000"):
        with pytest.raises(CeasefireError, match="turns"):
            views.parse_turns(text)
    assert views.parse_seed(" 42 ") == 42 and views.parse_turns("26") == 26
    with pytest.raises(CeasefireError, match="out of range"):
        views.build_model(settings.with_(us_credibility=1.5))


def test_history_starts_at_turn_zero(settings):
    model = _played(settings, 4)
    hist, actors = views.model_history(model), views.actor_history(model)
    assert hist["turn"].tolist() == [0, 1, 2, 3, 4]
    assert sorted(actors["turn"].unique()) == [0, 1, 2, 3, 4]
    assert len(actors) == 5 * len(model.world.actor_ids)
    assert {"force", "deal_value", "batna", "demand_assad_future"} <= set(actors.columns)


def test_turn_edges_show_threats_and_escalation(settings):
    model = views.build_model(settings)
    assert views.turn_edges(model) == []
    model.step()
    edges = views.turn_edges(model)
    assert ("USA", "RUS", "threat") in edges  # or_else threatens at once
    assert any(kind == "escalation" for _, _, kind in edges)
    concede = views.build_model(settings.with_(us_strategy="concede"))
    concede.step()
    assert ("USA", "RUS", "concession") in views.turn_edges(concede)


@pytest.mark.parametrize("turns", [0, 1, 12])
def test_figures_draw_at_any_turn(settings, turns):
    model = _played(settings, turns)
    for make in (views.network_figure, views.demands_figure, views.forces_figure, views.deal_batna_figure):
        fig = make(model)
        assert isinstance(fig, Figure) and fig.axes
        fig.canvas.draw()
    demands = views.demands_figure(model)
    assert len([ax for ax in demands.axes if ax.axison]) == len(model.world.issue_ids)
    batna = views.deal_batna_figure(model)
    assert len(batna.axes) == int(model.world.veto.sum())
    # each veto player's deal value and BATNA lines cover turns 0..turn
    assert len(batna.axes[0].lines[0].get_xdata()) == turns + 1


@pytest.mark.parametrize("name", ["israel-russia-2015", "saudi-russia-oil-2016", "turkey-russia-2016", "us-russia-2016-09"])
def test_every_builtin_scenario_draws(name):
    model = views.build_model(views.Settings.defaults(name))
    model.step()
    for make in (views.network_figure, views.demands_figure, views.forces_figure, views.deal_batna_figure):
        make(model).canvas.draw()
    assert views.banner(model)[0] in {"ceasefire", "collapsed", "fighting"}


def test_banner_and_log(settings):
    model = views.build_model(settings)
    assert views.banner(model)[0] == "start"
    for _ in range(20):
        model.step()
        kind, text = views.banner(model)
        if model.ceasefire_in_force:
            assert kind == "ceasefire" and "terms:" in text and f"since turn {views.ceasefire_since(model)}" in text
        else:
            assert kind in {"fighting", "collapsed"}
    newest = views.log_newest_first(model.log)
    assert sorted(newest) == sorted(model.log)
    turns = [int(line.split(":")[0].split()[1]) for line in newest]
    assert turns == sorted(turns, reverse=True) and turns[0] == model.turn
    assert views.log_newest_first(model.log, 3) == newest[:3]


def test_compare_shares_and_curves(settings):
    df = views.compare_strategies(settings.with_(turns=20), runs=60, us_strategies=("concede", "hold_firm", "or_else"))
    assert len(df) == 180
    shares = views.outcome_shares(df)
    for _strategy, group in shares.groupby("us_strategy"):
        three = group[group["outcome"].isin(views.OUTCOMES)]
        assert three["count"].sum() == 60
        assert np.allclose(three["share"].sum(), 1.0)
        assert (group["lo"] <= group["share"] + 1e-12).all() and (group["share"] <= group["hi"] + 1e-12).all()
    curves = views.time_to_ceasefire(df, 20)
    assert list(curves.columns) == ["concede", "hold_firm", "or_else"] and curves.index[-1] == 20
    assert (np.diff(curves.to_numpy(), axis=0) >= 0).all()
    ever = shares[shares["outcome"] == "ever_agreed"].set_index("us_strategy")["share"]
    assert np.allclose(curves.iloc[-1].to_numpy(), ever.loc[curves.columns].to_numpy())
    views.outcome_figure(shares).canvas.draw()
    views.time_to_ceasefire_figure(df, 20).canvas.draw()
    table = views.shares_table(shares)
    assert list(table["US strategy"]) and "%" in table.iloc[0]["holding at end"]


def test_compare_refuses_a_scenario_without_us():
    with pytest.raises(CeasefireError, match="no US actor"):
        views.compare_strategies(views.Settings.defaults("turkey-russia-2016"), runs=10)


# --------------------------------------------------------------------------- components (solara.render)


@solara.component
def InLayout():
    """The page as `solara run` serves it: inside an AppLayout (which renders the Sidebar's controls)."""
    from runs import app

    with solara.AppLayout():
        app.Page()


def _render():
    return solara.render(InLayout(), handle_error=False)


def _widgets(rc):
    """Every widget of the rendered tree (reacton's find() stops descending at a match)."""
    out, stack = [], [rc.find().widget]
    while stack:
        w = stack.pop()
        out.append(w)
        stack.extend(c for c in reversed(getattr(w, "children", None) or []) if hasattr(c, "keys"))
    return out


def _with_class(rc, cls):
    return [w for w in _widgets(rc) if cls in (getattr(w, "class_", None) or "").split()]


def _turn_text(rc) -> str:
    return _with_class(rc, "turn-counter")[0].children[0]


def _log_lines(rc) -> list[str]:
    return [w.children[0] for w in _with_class(rc, "event-log-line")]


def _click(rc, label):
    rc.find(v.Btn, children=[label]).widget.click()


def _type(rc, label, text):
    """Type into a text field and press Enter (the fields update on Enter or on leaving them)."""
    field = rc.find(v.TextField, label=label).widget
    field.v_model = text
    field.fire_event("keyup.enter", None)


def test_page_steps_and_logs():
    box, rc = _render()
    assert _turn_text(rc) == "Turn 0 / 52"
    assert _log_lines(rc) == []
    for n in (1, 2, 3):
        _click(rc, "Step")
        assert _turn_text(rc) == f"Turn {n} / 52"
        assert _log_lines(rc)[0].startswith(f"turn {n}:")
    banner = _with_class(rc, "ceasefire-banner")[0].children[0]
    assert "turn 3 of 52" in banner
    assert len(rc.find(v.Card).widgets) >= 5  # network, deal vs BATNA, demands, forces, event log


def test_page_reset_applies_controls_and_refuses_a_bad_seed():
    box, rc = _render()
    _click(rc, "Step")
    rc.find(v.Select, label="US strategy").widget.v_model = "or_else"
    _type(rc, "Seed (integer)", "11")
    _click(rc, "Reset")
    assert _turn_text(rc) == "Turn 0 / 52"
    settings_line = _with_class(rc, "run-settings")[0].children[0]
    assert "US: or_else" in settings_line and "seed 11" in settings_line
    _click(rc, "Step")
    assert any("United States threatens Russia" in line for line in _log_lines(rc))

    _type(rc, "Seed (integer)", "not-a-seed")
    alerts = [w for w in rc.find(v.Alert).widgets if "not-a-seed" in str(w.children)]
    assert alerts, "no message for a bad seed"
    _click(rc, "Reset")
    assert any("not reset" in str(w.children) for w in rc.find(v.Alert).widgets)
    assert _turn_text(rc) == "Turn 1 / 52"  # the run is untouched


def test_two_pages_have_their_own_models():
    _, rc1 = _render()
    _, rc2 = _render()
    _click(rc1, "Step")
    _click(rc1, "Step")
    assert _turn_text(rc1) == "Turn 2 / 52"
    assert _turn_text(rc2) == "Turn 0 / 52"


def test_scenario_without_us_hides_the_us_controls():
    _, rc = _render()
    rc.find(v.Select, label="Scenario").widget.v_model = "turkey-russia-2016"
    assert not rc.find(v.Select, label="US strategy").widgets
    _click(rc, "Reset")
    assert _turn_text(rc) == "Turn 0 / 52"
    assert "turkey-russia-2016" in _with_class(rc, "run-settings")[0].children[0]
    _click(rc, "Step")
    assert _turn_text(rc) == "Turn 1 / 52"
