"""The interactive page: one run of the negotiation week by week, why a deal is blocked or broken, every US strategy
compared over many runs, and scenarios of your own.

Serve it with `ceasefire app` (offline assets; see docs/app.md) or `solara run runs/app.py`.

Every browser session gets its own run: it lives in the Page component's state (`solara.use_state`), never at module
level. What the page shows is computed by plain functions (`runs/views.py`, `runs/page_figures.py`,
`runs/page_html.py`); the charts are drawn in the browser (`runs/page_widgets.py`). A step changes only the `turn`
reactive, which only the Run tab reads, so the controls and the other tabs are not re-rendered.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import reacton.ipyvuetify as v
import solara
import solara.lab

from model.errors import CeasefireError
from runs import page_figures as figures
from runs import page_html, views
from runs.page_widgets import Chart, ScenarioFilePicker, StrategySelect

DEFAULT_REPLICATES = 1000
DEFAULT_SPEED = 3  # turns per second while playing
LOG_LIMIT = 400
BANNER_COLOURS = {"ceasefire": "#2e7d32", "collapsed": "#e65100", "fighting": "#c62828", "start": "#1565c0"}
WHY_COLOURS = {"blocked": "#b71c1c", "broken": "#b71c1c", "fragile": "#e65100", "within_reach": "#1b5e20",
               "agreed": "#1b5e20", "holding": "#1b5e20", "start": "#37474f"}
LOG_FILTERS = {"diplomacy": frozenset({"ceasefire", "diplomacy"}), "everything": None}

PAGE_CSS = """
.ceasefire-page .page-main { max-width: 1500px; margin: 0 auto; padding: 8px 14px 40px 14px; }
.ceasefire-page .page-grid { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 12px;
  align-items: start; margin-bottom: 12px; }
.ceasefire-page .page-grid > * { min-width: 0; }
.ceasefire-page .page-card { margin-bottom: 12px; }
.ceasefire-page .page-card .v-card__title { font-size: 16px; padding: 10px 14px 4px 14px; }
.ceasefire-page .page-card .card-body { padding: 4px 12px 12px 12px; }
.ceasefire-page .ceasefire-banner { color: white; padding: 10px 14px; border-radius: 6px; font-weight: 600;
  font-size: 15px; margin: 6px 0 4px 0; }
.ceasefire-page .why-line { font-size: 14px; font-weight: 600; margin: 4px 0 6px 0; }
.ceasefire-page .help { font-size: 12px; color: #616161; margin: -6px 0 10px 0; line-height: 1.3; }
.ceasefire-page .caption { font-size: 12px; color: #616161; }
.ceasefire-page .controls-drawer .v-navigation-drawer__content { padding: 10px 14px 24px 14px; }
.ceasefire-page .step-row { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; }
.ceasefire-page .turn-counter { font-size: 18px; font-weight: 700; margin-left: 8px; }
@media (max-width: 960px) {
  .ceasefire-page .page-grid { grid-template-columns: minmax(0, 1fr); }
  .ceasefire-page .page-main { padding: 4px 6px 40px 6px; }
  .ceasefire-page .page-card .card-body { padding: 2px 4px 8px 4px; }
  .ceasefire-page .controls-drawer { max-width: 88vw; }
  .ceasefire-page .page-title { font-size: 16px; }
}
""" + page_html.CSS


@solara.component
def Layout(children: list | None = None):
    """The page brings its own app bar and settings drawer (a phone gets a drawer that closes on tap)."""
    return v.Html(tag="div", children=children or [])


# --------------------------------------------------------------------------- controls


@solara.component
def Help(text: str):
    solara.Div(text, classes=["help"])


@solara.component
def Controls(c: dict[str, Any], scenarios: list[str], spec, errors: dict[str, str | None], pending: bool,
             on_scenario: Callable[[str], None], on_reset: Callable[[], None], can_reset: bool):
    """The run's settings. Nothing changes the running model until Reset; a bad value is shown once, under its
    field, and Reset stays disabled until it is fixed."""
    solara.Select("Scenario", value=c["scenario"].value, values=scenarios, on_value=on_scenario)
    Help("A built-in case, or one loaded in the Scenario tab. Choosing one loads its own values below.")
    us_options = views.us_strategy_options(spec)
    if us_options:
        StrategySelect.element(label="US strategy", value=c["us_strategy"].value, on_value=c["us_strategy"].set,
                               items=views.strategy_items(us_options))
    else:
        solara.Div("US strategy: this scenario has no US actor.", classes=["help"])
    rus_options = views.russia_strategy_options(spec)
    if rus_options:
        StrategySelect.element(label="Russia's strategy", value=c["russia_strategy"].value,
                               on_value=c["russia_strategy"].set, items=views.strategy_items(rus_options))
    solara.Div(style={"height": "10px"})
    if c["us_credibility"].value is not None:
        solara.SliderFloat(f"US credibility: {c['us_credibility'].value:.2f}", value=c["us_credibility"], min=0.0,
                           max=1.0, step=0.05)
        Help("How far Russia believes a US threat will be carried out (0: not at all).")
    if c["us_commitment"].value is not None:
        solara.SliderFloat(f"US commitment: {c['us_commitment'].value:.2f}", value=c["us_commitment"], min=0.0,
                           max=1.0, step=0.05)
        Help("Probability the US carries out a threat when its deadline passes.")
    elif us_options:
        solara.Checkbox(label="Fix the US commitment", value=False, on_value=lambda on: c["us_commitment"].set(
            1.0 if on else None))
        Help("Unset, the US decides at each deadline whether striking beats backing down.")
    if c["russia_resolve"].value is not None:
        solara.SliderFloat(f"Russia's resolve: {c['russia_resolve'].value:.2f}", value=c["russia_resolve"], min=0.0,
                           max=1.0, step=0.05)
        Help("How much fighting Russia will bear before its resolve wears down.")
    if c["noise"].value is not None:
        solara.SliderFloat(f"Perception noise: {c['noise'].value:.2f}", value=c["noise"], min=0.0, max=1.0,
                           step=0.01)
        Help("Spread of each party's estimate of who would win the war (0: everyone sees the true balance).")
    solara.SliderFloat(f"Incident rate (per week): {c['incident'].value:.2f}", value=c["incident"], min=0.0, max=1.0,
                       step=0.01)
    Help("Chance per week of an incident that shakes trust while a ceasefire holds.")
    solara.InputText("Turns (weeks)", value=c["turns_text"], error=errors["turns"] or False,
                     classes=["input-turns"])
    Help("Length of the run, 1 to 10,000 weeks. Press Enter to apply.")
    solara.InputText("Seed (integer)", value=c["seed_text"], error=errors["seed"] or False, classes=["input-seed"])
    Help("The run's random numbers: the same seed gives the same run.")
    if pending and can_reset:
        solara.Info("Controls changed: press Reset to run with them.", dense=True, classes=["controls-changed"])
    solara.Button("Reset with these settings", on_click=on_reset, disabled=not can_reset, color="primary",
                  outlined=True, classes=["btn-reset-drawer"], style={"margin-top": "6px"})


# --------------------------------------------------------------------------- run tab


@solara.component
def Banner(run: views.Run, t: int):
    kind, text = views.banner(run, t)
    solara.Div(text, classes=["ceasefire-banner", f"banner-{kind}"], style={"background": BANNER_COLOURS[kind]})
    why = views.why(run, t)
    solara.Div(why.text, classes=["why-line", f"why-{why.kind}"], style={"color": WHY_COLOURS.get(why.kind, "#212121")})


@solara.component
def WhyCard(run: views.Run, t: int):
    mode, set_mode = solara.use_state("margin")
    key = [run.serial, t]
    margins = solara.use_memo(lambda: figures.margins_figure(run, t), key)
    both = solara.use_memo(lambda: figures.deal_batna_figure(run, t) if mode == "values" else None, [*key, mode])
    table = solara.use_memo(lambda: page_html.parties_table(run, t), key)
    with v.Card(class_="page-card view-why", outlined=True):
        v.CardTitle(children=["Why: who can block or break the deal"])
        with v.Html(tag="div", class_="card-body"):
            solara.ToggleButtonsSingle(value=mode, on_value=set_mode, values=["margin", "values"],
                                       classes=["why-mode"], dense=True)
            solara.Div("margin = deal value − BATNA (its best alternative). A deal needs every veto player at or "
                       "above 0; during a truce, a party far enough below 0 breaks it." if mode == "margin" else
                       "Deal value (solid) and BATNA (dashed) of each party.", classes=["caption"])
            Chart(margins if mode == "margin" else both, classes=["chart-why"])
            solara.HTML(tag="div", unsafe_innerHTML=table, classes=["parties"])


@solara.component
def NetworkCard(run: views.Run, t: int):
    fig = solara.use_memo(lambda: figures.network_figure(run, t), [run.serial, t])
    with v.Card(class_="page-card view-network", outlined=True):
        v.CardTitle(children=[f"Actors and week {t}'s moves"])
        with v.Html(tag="div", class_="card-body"):
            Chart(fig, classes=["chart-network"])
            solara.Div("Node size = force; black ring = veto player; faded = withdrawn from the talks. Hover a node "
                       "for its strategy, force and margin.", classes=["caption"])


@solara.component
def DemandsCard(run: views.Run, t: int):
    issues = list(run.structure.issue_ids)
    issue, set_issue = solara.use_state(issues[0])
    if issue not in issues:
        issue = issues[0]
    fig = solara.use_memo(lambda: figures.demands_figure(run, t, issue), [run.serial, t, issue])
    with v.Card(class_="page-card view-demands", outlined=True):
        v.CardTitle(children=["Demands per issue and the deal on offer"])
        with v.Html(tag="div", class_="card-body"):
            solara.ToggleButtonsSingle(value=issue, on_value=set_issue, values=issues, classes=["issue-toggle"],
                                       dense=True, style={"flex-wrap": "wrap"})
            Chart(fig, classes=["chart-demands"])
            solara.Div(f"{figures.issue_scale(run, issue)} Veto players thick; the deal on offer dashed black; weeks "
                       "under a ceasefire shaded green.", classes=["caption", "issue-scale"])


@solara.component
def ForcesCard(run: views.Run, t: int):
    fig = solara.use_memo(lambda: figures.forces_figure(run, t), [run.serial, t])
    unit, full = figures.force_unit(run)
    with v.Card(class_="page-card view-forces", outlined=True):
        v.CardTitle(children=["Forces"])
        with v.Html(tag="div", class_="card-body"):
            Chart(fig, classes=["chart-forces"])
            solara.Div(f"Unit: {full}" if full else "Force in the scenario's points.", classes=["caption", "force-unit"])


@solara.component
def LogCard(run: views.Run, t: int):
    which, set_which = solara.use_state("diplomacy")
    markup = solara.use_memo(
        lambda: page_html.event_log(views.log_newest_first(run.log_until(t), LOG_LIMIT, LOG_FILTERS[which])),
        [run.serial, t, which])
    with v.Card(class_="page-card view-log", outlined=True):
        v.CardTitle(children=["Event log (newest first)"])
        with v.Html(tag="div", class_="card-body"):
            solara.ToggleButtonsSingle(value=which, on_value=set_which, values=list(LOG_FILTERS),
                                       classes=["log-filter"], dense=True)
            solara.HTML(tag="div", unsafe_innerHTML=markup, classes=["log-body"])


@solara.component
def RunTab(run: views.Run, turn: solara.Reactive[int], applied_text: str):
    """Step, Play (at a speed), Run to end, the history slider, and every view of the run at the week shown."""
    _ = turn.value  # read, so each step re-renders this tab (and only this tab)
    now = run.turn  # the last week with a snapshot: never ahead of what the views can show
    playing = solara.use_reactive(False)
    looping = solara.use_reactive(False)  # the play loop's thread is still running
    speed = solara.use_reactive(DEFAULT_SPEED)
    view = solara.use_reactive(None)  # None: follow the latest week
    stop = solara.use_memo(threading.Event, [run.serial])
    error, set_error = solara.use_state(None)
    current = solara.use_ref(run.serial)
    current.current = run.serial  # a loop of an older run sees it is no longer current and stops

    def on_new_run():
        playing.set(False)
        view.set(None)
        set_error(None)
        return stop.set  # and Run to end of the old run stops

    solara.use_effect(on_new_run, [run.serial])

    def publish():
        turn.set(run.turn)

    def do_step():
        run.step()
        publish()

    step_task = solara.lab.use_task(do_step, dependencies=None, prefer_threaded=True, raise_error=False)

    def do_to_end():
        stop.clear()
        last = time.perf_counter()
        while run.running and not stop.is_set() and current.current == run.serial:
            run.step()
            if time.perf_counter() - last > 1.0:  # long runs: show progress every second
                publish()
                last = time.perf_counter()
        publish()

    end_task = solara.lab.use_task(do_to_end, dependencies=None, prefer_threaded=True, raise_error=False)

    def play_loop():
        if not (playing.value and run.running):
            return
        looping.set(True)  # until the last week played has been published: Pause is not over before that
        try:
            while playing.value and run.running and current.current == run.serial:
                started = time.perf_counter()
                try:
                    run.step()
                except Exception as exc:  # a bug in the model: show it, stop playing, keep the server up
                    set_error(f"error while playing: {exc}")
                    break
                publish()
                pause = 1.0 / max(1, speed.value) - (time.perf_counter() - started)
                if pause > 0:
                    time.sleep(pause)
        finally:
            if current.current == run.serial:
                playing.set(False)
            looping.set(False)

    solara.lab.use_task(play_loop, dependencies=[playing.value, run.serial], prefer_threaded=True, raise_error=False)

    busy = step_task.pending or end_task.pending or playing.value or looping.value
    for task, what in ((step_task, "step"), (end_task, "run to end")):
        if task.error and error is None:
            set_error(f"error in {what}: {task.exception}")

    def start_play():
        view.set(None)
        playing.set(True)

    def to_end():
        view.set(None)
        end_task()

    shown = now if view.value is None else min(int(view.value), now)

    with v.Html(tag="div", class_="step-row"):
        solara.Button("Step", on_click=step_task, disabled=busy or not run.running, color="primary",
                      classes=["btn-step"])
        if playing.value:
            solara.Button("Pause", on_click=lambda: playing.set(False), classes=["btn-pause"])
        else:
            solara.Button("Play", on_click=start_play, disabled=busy or not run.running, classes=["btn-play"])
        if end_task.pending:
            solara.Button("Stop", on_click=stop.set, classes=["btn-stop"])
        else:
            solara.Button("Run to end", on_click=to_end, disabled=busy or not run.running, classes=["btn-to-end"])
        solara.Div(f"Turn {now} / {run.turns}", classes=["turn-counter"])
    with v.Html(tag="div", class_="speed-slider", style_="max-width: 420px"):
        solara.SliderInt(f"Play speed: {speed.value} week{'s' if speed.value != 1 else ''} per second", value=speed,
                         min=1, max=10)
    solara.Div(f"Running: {applied_text}", classes=["run-settings", "caption"])
    if error:
        solara.Error(error, classes=["run-error"])
    if now > 0:
        with v.Html(tag="div", class_="history-row", style_="display: flex; align-items: center; gap: 8px; flex-wrap: wrap"):
            with v.Html(tag="div", class_="history-slider", style_="flex: 1 1 260px; min-width: 220px"):
                solara.SliderInt(f"Week shown: {shown}" + ("" if view.value is None else f" (of {now} played)"),
                                 value=shown, min=0, max=now, on_value=lambda x: view.set(None if x >= now else x),
                                 disabled=playing.value)
            if view.value is not None:
                solara.Button("Back to the latest week", on_click=lambda: view.set(None), text=True,
                              classes=["btn-latest"])
    Banner(run, shown)
    timeline = solara.use_memo(lambda: page_html.truce_timeline(run, shown), [run.serial, shown, now])
    solara.HTML(tag="div", unsafe_innerHTML=timeline, classes=["view-truces"])
    finished = not run.running and shown == now
    markup = solara.use_memo(lambda: page_html.end_of_run(run) if finished else "", [run.serial, now, finished])
    if finished:
        with v.Card(class_="page-card view-end", outlined=True):
            v.CardTitle(children=["End of the run"])
            with v.Html(tag="div", class_="card-body"):
                solara.HTML(tag="div", unsafe_innerHTML=markup)
    with v.Html(tag="div", class_="page-grid"):
        WhyCard(run, shown)
        NetworkCard(run, shown)
    DemandsCard(run, shown)
    with v.Html(tag="div", class_="page-grid"):
        ForcesCard(run, shown)
        LogCard(run, shown)


# --------------------------------------------------------------------------- compare tab


@solara.component
def CompareTab(settings: views.Settings | None, invalid: bool, task, result: solara.Reactive, note: solara.Reactive,
               progress: solara.Reactive, cancel: Callable[[], None]):
    runs_text = solara.use_reactive(str(DEFAULT_REPLICATES))
    try:
        runs = views.parse_replicates(runs_text.value)
        runs_error = None
    except CeasefireError as exc:
        runs, runs_error = None, str(exc)
    no_us = settings is not None and settings.us_strategy is None

    def start():
        note.set(None)
        task(settings, runs)

    solara.Div("Every US strategy over many runs with the settings in the controls (ensemble engine; replicate r has "
               "the same random numbers under every strategy). Results stay here when you switch tabs.",
               classes=["caption"], style={"font-size": "14px", "color": "#424242", "margin": "6px 0"})
    with v.Html(tag="div", class_="step-row"):
        with v.Html(tag="div", style_="width: 240px"):
            solara.InputText("Replicates per strategy", value=runs_text, error=runs_error or False,
                             continuous_update=True, classes=["input-replicates"])
        solara.Button("Run comparison", color="primary", on_click=start, classes=["compare-run"],
                      disabled=task.pending or invalid or no_us or runs is None)
        if task.pending:
            solara.Button("Cancel", on_click=cancel, classes=["compare-cancel"])
    if invalid:
        solara.Div("Fix the settings in the controls first.", classes=["help"])
    elif no_us:
        solara.Div(f"{settings.scenario} has no US actor: there are no US strategies to compare.", classes=["help"])
    if task.pending:
        solara.Div(progress.value or "starting…", classes=["compare-progress", "caption"])
        solara.ProgressLinear(True)
    elif task.error:
        solara.Error(f"comparison failed: {task.exception}", classes=["compare-error"])
    if note.value:
        solara.Warning(note.value, classes=["compare-note"], dense=True)
    if result.value is not None:
        CompareResults(result.value)


@solara.component
def CompareResults(r: dict[str, Any]):
    solara.Success(f"Compared {len(r['order'])} US strategies × {r['runs']:,} runs each in {r['seconds']:.1f} s "
                   f"({r['settings'].describe()})", classes=["compare-done"], dense=True)
    with v.Card(class_="page-card view-compare-table", outlined=True):
        v.CardTitle(children=["Ranked: best chance of a ceasefire that holds first"])
        with v.Html(tag="div", class_="card-body"):
            solara.HTML(tag="div", unsafe_innerHTML=r["table_html"], classes=["compare-table"])
            solara.Div(r["note"], classes=["caption"])
    with v.Html(tag="div", class_="page-grid"):
        with v.Card(class_="page-card view-compare-outcomes", outlined=True):
            v.CardTitle(children=["Outcome shares"])
            with v.Html(tag="div", class_="card-body"):
                Chart(r["outcome_figure"], classes=["chart-compare-outcomes"])
        with v.Card(class_="page-card view-compare-time", outlined=True):
            v.CardTitle(children=["Time to the first ceasefire"])
            with v.Html(tag="div", class_="card-body"):
                Chart(r["time_figure"], classes=["chart-compare-time"])


def compare_result(chosen: views.Settings, runs: int, df, seconds: float, serial: int) -> dict[str, Any]:
    """Everything the Compare tab shows, computed once (in the comparison's thread)."""
    shares = views.outcome_shares(df)
    order = views.ranking(shares)
    table = views.shares_table(shares, df)
    curves = views.time_to_ceasefire(df, chosen.turns, order)
    revision = f"compare:{serial}"
    return {"settings": chosen, "runs": runs, "seconds": seconds, "order": order, "table": table,
            "table_html": page_html.ranked_table(table), "note": page_html.runs_note(table),
            "outcome_figure": figures.outcome_figure(shares, order, revision),
            "time_figure": figures.time_to_ceasefire_figure(curves, revision)}


# --------------------------------------------------------------------------- scenario tab


@solara.component
def ScenarioTab(current: str, on_loaded: Callable[[Any], None]):
    """Load a scenario file (click or drop), or edit a copy of a built-in one; validated exactly as
    `ceasefire run --scenario FILE` validates it. A bad file changes nothing else."""
    status, set_status = solara.use_state(None)  # ("error" | "ok", message)
    source = solara.use_reactive(current if current in views.scenario_names() else views.DEFAULT_SCENARIO)
    text = solara.use_reactive("")

    def load(name: str, data: bytes | str | None, size: int = 0):
        try:
            if data is None:
                raise CeasefireError(f"{name}: {size:,} bytes; a scenario file is at most "
                                     f"{views.MAX_SCENARIO_BYTES:,} bytes")
            spec = views.parse_scenario_file(name, data)
        except CeasefireError as exc:
            set_status(("error", str(exc)))
            return
        label = on_loaded(spec)
        set_status(("ok", f"Loaded {label}: it is selected in the controls; press Reset to run it."))

    def on_file(info: dict):
        if info:
            load(info.get("name") or "scenario.toml", info.get("text"), int(info.get("size") or 0))

    solara.Div("A scenario is a TOML file (docs/tutorial.py and model/scenarios/ show the format). It is checked "
               "exactly as `ceasefire run --scenario FILE` checks it.", classes=["caption"],
               style={"font-size": "14px", "margin": "6px 0"})
    ScenarioFilePicker.element(on_file=on_file)
    if status is not None:
        if status[0] == "error":
            solara.Error(status[1], classes=["scenario-error"])
        else:
            solara.Success(status[1], classes=["scenario-loaded"])
    with v.Card(class_="page-card view-scenario-editor", outlined=True, style_="margin-top: 12px"):
        v.CardTitle(children=["Or edit a copy of a built-in scenario"])
        with v.Html(tag="div", class_="card-body"):
            with v.Html(tag="div", class_="step-row"):
                with v.Html(tag="div", style_="width: 260px"):
                    solara.Select("Built-in scenario", value=source, values=views.scenario_names())
                solara.Button("Copy into the editor", on_click=lambda: text.set(views.scenario_text(source.value)),
                              classes=["btn-copy-scenario"])
            with v.Html(tag="div", class_="scenario-text"):
                solara.InputTextArea("Scenario (TOML)", value=text, rows=16, continuous_update=True, auto_grow=False)
            solara.Button("Load this scenario", color="primary", classes=["btn-load-text"],
                          disabled=not text.value.strip(),
                          on_click=lambda: load(f"edited copy of {source.value}.toml", text.value))


# --------------------------------------------------------------------------- the page


@solara.component
def Page():
    solara.Title("ceasefire: coercive diplomacy, week by week")
    defaults = solara.use_memo(lambda: views.Settings.defaults(views.DEFAULT_SCENARIO), [])
    custom, set_custom = solara.use_state({})  # label -> Scenario loaded in this session
    # The controls (what the user is editing). Seed and turns are text so a bad value can be refused with a message.
    c = {
        "scenario": solara.use_reactive(defaults.scenario),
        "us_strategy": solara.use_reactive(defaults.us_strategy),
        "russia_strategy": solara.use_reactive(defaults.russia_strategy),
        "us_credibility": solara.use_reactive(defaults.us_credibility),
        "us_commitment": solara.use_reactive(defaults.us_commitment),
        "russia_resolve": solara.use_reactive(defaults.russia_resolve),
        "noise": solara.use_reactive(defaults.perception_noise),
        "incident": solara.use_reactive(defaults.incident_rate),
        "turns_text": solara.use_reactive(str(defaults.turns)),
        "seed_text": solara.use_reactive(str(defaults.seed)),
    }
    # This session's own run (built once per session, rebuilt by Reset).
    first_run = solara.use_memo(lambda: views.Run(defaults), [])
    run, set_run = solara.use_state(first_run)
    turn = solara.use_reactive(0)  # bumped after each step; only the Run tab reads it
    drawer, set_drawer = solara.use_state(None)  # None: the drawer decides (open on a desktop, closed on a phone)
    reset_error, set_reset_error = solara.use_state(None)
    tab, set_tab = solara.use_state(0)

    def spec_of(name: str):
        return custom[name] if name in custom else views.load_scenario(name)

    spec = solara.use_memo(lambda: spec_of(c["scenario"].value), [c["scenario"].value, id(custom)])

    def set_scenario(name: str, known: dict | None = None):
        table = known if known is not None else custom
        fresh = views.Settings.defaults(table[name] if name in table else name)
        c["scenario"].set(name)
        for key, value in (("us_strategy", fresh.us_strategy), ("russia_strategy", fresh.russia_strategy),
                           ("us_credibility", fresh.us_credibility), ("us_commitment", fresh.us_commitment),
                           ("russia_resolve", fresh.russia_resolve), ("noise", fresh.perception_noise),
                           ("incident", fresh.incident_rate), ("turns_text", str(fresh.turns))):
            c[key].set(value)

    def read_controls() -> tuple[views.Settings | None, dict[str, str | None]]:
        """The settings the controls hold when called (None if a value is bad), and each field's error. A click
        calls it again rather than using its render's copy: a Reset pressed while a change is still being drawn
        runs with the change."""
        errors: dict[str, str | None] = {"seed": None, "turns": None}
        try:
            seed = views.parse_seed(c["seed_text"].value)
        except CeasefireError as exc:
            seed, errors["seed"] = None, str(exc)
        try:
            turns = views.parse_turns(c["turns_text"].value)
        except CeasefireError as exc:
            turns, errors["turns"] = None, str(exc)
        if seed is None or turns is None:
            return None, errors
        return views.Settings(
            scenario=c["scenario"].value, us_strategy=c["us_strategy"].value, russia_strategy=c["russia_strategy"].value,
            us_credibility=c["us_credibility"].value, us_commitment=c["us_commitment"].value,
            russia_resolve=c["russia_resolve"].value,
            perception_noise=None if c["noise"].value is None else float(c["noise"].value),
            incident_rate=float(c["incident"].value), turns=turns, seed=seed,
            custom=custom.get(c["scenario"].value)), errors

    # Validate on every render: a bad value shows its message once, under its field, and blocks Reset and Compare.
    settings, errors = read_controls()
    pending = settings is not None and settings != run.settings

    def on_reset():
        chosen, _ = read_controls()
        if chosen is None:
            return
        try:
            fresh = views.Run(chosen)
        except CeasefireError as exc:
            set_reset_error(f"not reset: {exc}")
            return
        set_reset_error(None)
        set_run(fresh)
        turn.set(0)

    def on_loaded(spec_loaded) -> str:
        label = views.custom_label(spec_loaded)
        table = dict(custom) | {label: spec_loaded}
        set_custom(table)
        set_scenario(label, table)
        return label

    # The comparison lives here, not in its tab: it survives tab switches (and one running while you switch).
    compare_result_r = solara.use_reactive(None)
    compare_note = solara.use_reactive(None)
    compare_progress = solara.use_reactive("")
    cancel_ref = solara.use_ref(threading.Event())
    serial_ref = solara.use_ref(0)

    def compare_work(chosen: views.Settings, n: int):
        cancel = threading.Event()
        cancel_ref.current = cancel
        serial_ref.current += 1
        compare_progress.set("")
        started = time.perf_counter()
        try:
            df = views.compare_strategies(chosen, n, cancel=cancel, progress=lambda done, total: compare_progress.set(
                f"{done:,} of {total:,} runs" if done < total else "summarising…"))
        except views.Cancelled:
            compare_note.set("Comparison cancelled" + ("; the results below are from the previous one."
                                                       if compare_result_r.value is not None else "."))
            return
        compare_result_r.set(compare_result(chosen, n, df, time.perf_counter() - started, serial_ref.current))

    compare_task = solara.lab.use_task(compare_work, dependencies=None, prefer_threaded=True, raise_error=False)

    solara.Style(PAGE_CSS)
    with v.Html(tag="div", class_="ceasefire-page"):
        with v.AppBar(app=True, clipped_left=True, dense=True, dark=True, color="#263238"):
            solara.Button(icon_name="mdi-menu", icon=True, on_click=lambda: set_drawer(not drawer), classes=["btn-drawer"])
            v.ToolbarTitle(children=["Ceasefire: coercive diplomacy, week by week"], class_="page-title")
        with v.NavigationDrawer(app=True, clipped=True, v_model=drawer, on_v_model=set_drawer, width=340,
                                mobile_breakpoint=960, class_="controls-drawer"):
            with v.Html(tag="div", class_="drawer-head", style_="display: flex; align-items: center"):
                solara.Div("Run settings", style={"font-size": "16px", "font-weight": "600", "flex": "1"})
                solara.Button(icon_name="mdi-close", icon=True, on_click=lambda: set_drawer(False),
                              classes=["btn-drawer-close"])
            Controls(c, views.scenario_names() + list(custom), spec, errors, pending, set_scenario, on_reset,
                     settings is not None and (pending or reset_error is not None))
        with v.Content():
            with v.Html(tag="div", class_="page-main"):
                solara.Div(f"{run.model.spec.title or run.model.spec.name}. Each week every party compares the deal "
                           "on offer with its best alternative (BATNA), then presses (force, threats, sanctions, arms) "
                           "or concedes. A ceasefire starts when every veto player prefers the deal, and breaks when "
                           "a party's alternative beats it by more than its word is worth.",
                           classes=["caption"], style={"font-size": "14px", "color": "#424242"})
                if reset_error:
                    solara.Error(reset_error, classes=["reset-error"])
                with solara.lab.Tabs(value=tab, on_value=set_tab, lazy=False):
                    with solara.lab.Tab("Run"):
                        with v.Html(tag="div", class_="step-row", style_="margin-top: 8px"):
                            solara.Button("Reset", on_click=on_reset, disabled=settings is None,
                                          classes=["btn-reset"], outlined=True)
                            if pending:
                                solara.Div("Controls changed: press Reset to run with them.", classes=["caption"])
                        RunTab(run, turn, run.settings.describe())
                    with solara.lab.Tab("Compare"):
                        CompareTab(settings, settings is None, compare_task, compare_result_r, compare_note,
                                   compare_progress, lambda: cancel_ref.current.set())
                    with solara.lab.Tab("Scenario"):
                        ScenarioTab(c["scenario"].value, on_loaded)
