"""The interactive page: one run of the negotiation turn by turn, and every US strategy compared over many runs.

Serve it with `ceasefire app` (offline assets; see docs/app.md) or `solara run runs/app.py`.

Every browser session gets its own model: it lives in the Page component's state (`solara.use_memo` /
`use_state`), never at module level. The drawing is done by plain functions in `runs/views.py`.
"""

from __future__ import annotations

import threading
import time

import solara
import solara.lab

from model.errors import CeasefireError
from runs import views

PLAY_INTERVAL = 0.35  # seconds between turns while playing (plus the time to draw)
DEFAULT_REPLICATES = 1000
BANNER_COLOURS = {"ceasefire": "success", "collapsed": "warning", "fighting": "error", "start": "info"}


def _fig(fig, key) -> solara.Element:
    return solara.FigureMatplotlib(fig, dependencies=[key], format="png")


@solara.component
def Banner(model, turn: int):
    kind, text = views.banner(model)
    colour = {"ceasefire": "#2e7d32", "collapsed": "#ef6c00", "fighting": "#c62828", "start": "#1565c0"}[kind]
    solara.Div(text, classes=["ceasefire-banner", f"banner-{kind}"],
               style={"background": colour, "color": "white", "padding": "10px 14px", "border-radius": "6px",
                      "font-weight": "600", "font-size": "15px", "margin-bottom": "8px"})


@solara.component
def EventLog(model, turn: int, limit: int = 200):
    lines = views.log_newest_first(model.log, limit)
    with solara.Card("Event log (newest first)", style={"max-height": "460px", "overflow-y": "auto"}):
        if not lines:
            solara.Text("Nothing has happened yet.", classes=["event-log-empty"])
        with solara.Column(gap="0px", classes=["event-log"]):
            for line in lines:
                strong = "CEASEFIRE" in line
                solara.Div(line, classes=["event-log-line"],
                           style={"font-family": "monospace", "font-size": "12px",
                                  "font-weight": "700" if strong else "400",
                                  "color": "#1b5e20" if "AGREED" in line else ("#b71c1c" if "COLLAPSES" in line else "inherit")})


@solara.component
def RunViews(model, turn: int):
    """Everything that changes each step; figures are redrawn only when the model or turn changes."""
    key = (id(model), turn)
    network = solara.use_memo(lambda: views.network_figure(model), [key])
    deal = solara.use_memo(lambda: views.deal_batna_figure(model), [key])
    demands = solara.use_memo(lambda: views.demands_figure(model), [key])
    forces = solara.use_memo(lambda: views.forces_figure(model), [key])
    Banner(model, turn)
    with solara.Columns([1, 1]):
        with solara.Card("Actors: pressure and concessions this turn", classes=["view-network"]):
            _fig(network, key)
        with solara.Card("Deal value vs BATNA", classes=["view-batna"]):
            _fig(deal, key)
    with solara.Card("Demands per issue and the deal on offer", classes=["view-demands"]):
        _fig(demands, key)
    with solara.Columns([1, 1]):
        with solara.Card("Forces", classes=["view-forces"]):
            _fig(forces, key)
        EventLog(model, turn)


@solara.component
def CompareTab(settings: views.Settings | None, settings_error: str | None):
    runs_text, set_runs_text = solara.use_state(str(DEFAULT_REPLICATES))
    error, set_error = solara.use_state(None)
    progress = solara.use_reactive("")

    def work(chosen: views.Settings, runs: int):
        started = time.perf_counter()
        df = views.compare_strategies(chosen, runs, progress=lambda done, total: progress.set(
            f"{done:,} of {total:,} runs" if done < total else ""))
        return chosen, runs, df, time.perf_counter() - started

    task = solara.lab.use_task(work, dependencies=None, raise_error=False)

    def start():
        set_error(None)
        if settings is None:
            set_error(settings_error or "fix the controls first")
            return
        if settings.us_strategy is None:
            set_error(f"{settings.scenario} has no US actor: there are no US strategies to compare")
            return
        try:
            runs = int(str(runs_text).strip())
            if not 1 <= runs <= 100_000:
                raise ValueError
        except ValueError:
            set_error(f"replicates {runs_text!r}: use a whole number from 1 to 100000")
            return
        task(settings, runs)

    # (Plain text and HTML, never solara.Markdown: it loads KaTeX from a CDN, which solara-assets does not ship.)
    solara.Text("Every US strategy over many runs with the parameters in the controls on the left "
                "(ensemble engine; replicate r has the same random numbers under every strategy).")
    with solara.Row(style={"align-items": "center"}):
        solara.InputText("Replicates per strategy", value=runs_text, on_value=set_runs_text, style={"max-width": "220px"})
        solara.Button("Run comparison", color="primary", on_click=start, disabled=task.pending, classes=["compare-run"])
    if error:
        solara.Error(error, classes=["compare-error"])
    if task.pending:
        solara.Text(progress.value or "starting…", classes=["compare-progress"])
        solara.ProgressLinear(True)
    elif task.error:
        solara.Error(f"comparison failed: {task.exception}", classes=["compare-error"])
    if task.finished and task.value is not None:
        CompareResults(*task.value)


@solara.component
def CompareResults(chosen: views.Settings, runs: int, df, seconds: float):
    key = id(df)
    shares = solara.use_memo(lambda: views.outcome_shares(df), [key])
    outcomes = solara.use_memo(lambda: views.outcome_figure(shares), [key])
    curves = solara.use_memo(lambda: views.time_to_ceasefire_figure(df, chosen.turns), [key])
    solara.Success(f"Compared {df['us_strategy'].nunique()} US strategies × {runs:,} runs each in {seconds:.1f} s "
                   f"({chosen.describe()})", classes=["compare-done"])
    with solara.Columns([1, 1]):
        with solara.Card("Outcome shares", classes=["view-compare-outcomes"]):
            _fig(outcomes, key)
        with solara.Card("Time to first ceasefire", classes=["view-compare-time"]):
            _fig(curves, key)
    solara.HTML(tag="div", unsafe_innerHTML=views.shares_table(shares).to_html(index=False, border=0),
                classes=["compare-table"], style="font-size: 13px; margin-top: 8px")


@solara.component
def Page():
    solara.Title("ceasefire: coercive diplomacy, turn by turn")
    defaults = solara.use_memo(lambda: views.Settings.defaults(views.DEFAULT_SCENARIO), [])
    # The controls (what the user is editing). Seed and turns are text so a bad value can be refused with a message.
    scenario, set_scenario_raw = solara.use_state(defaults.scenario)
    us_strategy, set_us_strategy = solara.use_state(defaults.us_strategy)
    russia_strategy, set_russia_strategy = solara.use_state(defaults.russia_strategy)
    us_credibility, set_us_credibility = solara.use_state(defaults.us_credibility)
    us_commitment, set_us_commitment = solara.use_state(defaults.us_commitment)
    russia_resolve, set_russia_resolve = solara.use_state(defaults.russia_resolve)
    noise, set_noise = solara.use_state(defaults.perception_noise)
    incident, set_incident = solara.use_state(defaults.incident_rate)
    turns_text, set_turns_text = solara.use_state(str(defaults.turns))
    seed_text, set_seed_text = solara.use_state(str(defaults.seed))
    # The run: this session's own model (built once per session here, rebuilt by Reset).
    initial = solara.use_memo(lambda: views.build_model(defaults), [])
    model, set_model = solara.use_state(initial)
    turn = solara.use_reactive(0)  # bumped after each step: the views redraw
    playing = solara.use_reactive(False)
    reset_error, set_reset_error = solara.use_state(None)
    lock = solara.use_memo(threading.Lock, [])
    spec = solara.use_memo(lambda: views.load_scenario(scenario), [scenario])

    def set_scenario(name: str):
        fresh = views.Settings.defaults(name)
        set_scenario_raw(name)
        set_us_strategy(fresh.us_strategy)
        set_russia_strategy(fresh.russia_strategy)
        set_us_credibility(fresh.us_credibility)
        set_us_commitment(fresh.us_commitment)
        set_russia_resolve(fresh.russia_resolve)
        set_noise(fresh.perception_noise)
        set_incident(fresh.incident_rate)
        set_turns_text(str(fresh.turns))

    # Validate the controls on every render: a bad value shows its message at once and blocks Reset/Compare.
    seed_error = turns_error = None
    try:
        seed = views.parse_seed(seed_text)
    except CeasefireError as exc:
        seed, seed_error = None, str(exc)
    try:
        turns = views.parse_turns(turns_text)
    except CeasefireError as exc:
        turns, turns_error = None, str(exc)
    settings = None
    if seed is not None and turns is not None:
        settings = views.Settings(scenario=scenario, us_strategy=us_strategy, russia_strategy=russia_strategy,
                                  us_credibility=us_credibility, us_commitment=us_commitment,
                                  russia_resolve=russia_resolve, perception_noise=float(noise),
                                  incident_rate=float(incident), turns=turns, seed=seed)
    settings_error = seed_error or turns_error

    def step_once() -> bool:
        with lock:
            if not model.running:
                return False
            model.step()
            now = model.turn
        turn.set(now)
        return model.running

    def play_loop():
        while playing.value:
            time.sleep(PLAY_INTERVAL)
            if not playing.value:
                break
            try:
                if not step_once():
                    playing.set(False)
            except Exception as exc:  # a bug in the model: show it, stop playing, keep the server up
                set_reset_error(f"error while playing: {exc}")
                playing.set(False)

    solara.lab.use_task(play_loop, dependencies=[playing.value, id(model)], prefer_threaded=True)

    def on_step():
        try:
            step_once()
        except Exception as exc:
            set_reset_error(f"error in step: {exc}")

    def on_reset():
        playing.set(False)
        if settings is None:
            set_reset_error(f"not reset: {settings_error}")
            return
        try:
            fresh = views.build_model(settings)
        except CeasefireError as exc:
            set_reset_error(f"not reset: {exc}")
            return
        set_reset_error(None)
        set_model(fresh)
        turn.set(0)

    applied: views.Settings = model.app_settings
    pending = settings is not None and settings != applied

    with solara.Sidebar():
        with solara.Card("Run settings", margin=0, elevation=0):
            solara.Select("Scenario", value=scenario, values=views.scenario_names(), on_value=set_scenario)
            us_options = views.us_strategy_options(spec)
            if us_options:
                solara.Select("US strategy", value=us_strategy, values=us_options, on_value=set_us_strategy)
            else:
                solara.Text("US strategy: no US actor in this scenario", style={"color": "#777"})
            rus_options = views.russia_strategy_options(spec)
            if rus_options:
                solara.Select("Russia's strategy", value=russia_strategy, values=rus_options, on_value=set_russia_strategy)
            if us_credibility is not None:
                solara.SliderFloat(f"US credibility: {us_credibility:.2f}", value=us_credibility, min=0.0, max=1.0, step=0.05,
                                   on_value=set_us_credibility)
            if us_commitment is not None:
                solara.SliderFloat(f"US commitment: {us_commitment:.2f}", value=us_commitment, min=0.0, max=1.0, step=0.05,
                                   on_value=set_us_commitment)
            if russia_resolve is not None:
                solara.SliderFloat(f"Russia's resolve: {russia_resolve:.2f}", value=russia_resolve, min=0.0, max=1.0, step=0.05,
                                   on_value=set_russia_resolve)
            solara.SliderFloat(f"Perception noise: {noise:.2f}", value=noise, min=0.0, max=1.0, step=0.01, on_value=set_noise)
            solara.SliderFloat(f"Incident rate (per week): {incident:.2f}", value=incident, min=0.0, max=1.0, step=0.01,
                               on_value=set_incident)
            solara.InputText("Turns (weeks)", value=turns_text, on_value=set_turns_text, error=turns_error or False,
                             classes=["input-turns"])
            solara.InputText("Seed (integer)", value=seed_text, on_value=set_seed_text, error=seed_error or False,
                             classes=["input-seed"])
            if settings_error:
                solara.Error(settings_error, classes=["settings-error"])
            if pending:
                solara.Info("Controls changed: press Reset to run with them.", dense=True)

    with solara.Column(style={"padding": "4px 12px"}):
        solara.HTML(tag="h2", unsafe_innerHTML="Ceasefire: coercive diplomacy, turn by turn")
        solara.Text(f"{model.spec.title or model.spec.name}. Each turn is a week: every party compares the deal on "
                    "offer with its best alternative (BATNA), then presses (force, threats, sanctions, arms) or "
                    "concedes. A ceasefire starts when every veto player prefers the deal.",
                    style={"color": "#444"})
        with solara.lab.Tabs(lazy=True):
            with solara.lab.Tab("Run"):
                with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
                    solara.Button("Step", on_click=on_step, disabled=playing.value or not model.running,
                                  color="primary", classes=["btn-step"])
                    if playing.value:
                        solara.Button("Pause", on_click=lambda: playing.set(False), classes=["btn-pause"])
                    else:
                        solara.Button("Play", on_click=lambda: playing.set(True), disabled=not model.running,
                                      classes=["btn-play"])
                    solara.Button("Reset", on_click=on_reset, classes=["btn-reset"])
                    solara.Text(f"Turn {model.turn} / {model.turns}", classes=["turn-counter"],
                                style={"font-size": "18px", "font-weight": "700", "margin-left": "12px"})
                solara.Text(f"Running: {applied.describe()}", classes=["run-settings"],
                            style={"font-size": "12px", "color": "#555"})
                if reset_error:
                    solara.Error(reset_error, classes=["reset-error"])
                _ = turn.value  # read, so each step re-renders the page
                RunViews(model, model.turn)
            with solara.lab.Tab("Compare"):
                CompareTab(settings, settings_error)
