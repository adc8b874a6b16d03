"""The ceasefire page (runs/app.py) in real headless Chromium, offline: stepping with the charts drawn for each week,
play at a speed and pause, run to the end and look back with the history slider, reset with a new US strategy, a
bad seed reported once, the comparison kept across tabs and cancelled, scenario files good and bad, a phone, and a
second session that starts fresh.

Every wait is on a condition in the page (Playwright's expect / wait_for_function), never on time. A drawn chart
copies its figure's revision ("run:week") to `data-revision`, so "the charts show week n" is a condition too.
One server for the module (the conftest shares it per app); any console error, off-host request or server
traceback fails a test. Screenshots are made by docs/make_screenshots.py, not here.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest

from runs import page_figures, views

try:
    from playwright.sync_api import expect
except ImportError:  # conftest skips these tests (or fails them on CI)
    expect = None

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "runs" / "app.py")
LOAD_TIMEOUT = 120_000
STEP_TIMEOUT = 60_000  # generous: a loaded 2-core machine; a step takes ~0.2 s when it is not
COMPARE_TIMEOUT = 300_000
CHARTS = ".v-window-item--active .plotly-chart"


@pytest.fixture
def solara_app():
    return APP


@functools.cache
def _story(**changes) -> views.Run:
    """The run the page makes with these settings, replayed here to the end: same seed, same story. The tests read
    what to expect from it, so they hold across versions of the mechanics."""
    run = views.Run(views.Settings.defaults().with_(**changes))
    run.run_to_end()
    return run


def _charts_at(page, week: int | str, timeout: float = STEP_TIMEOUT) -> None:
    """Every chart of the tab shown has drawn `week` (any run)."""
    page.wait_for_function(
        """([sel, suffix]) => { const c = [...document.querySelectorAll(sel)];
                                return c.length > 0 && c.every(x => (x.dataset.revision || '').endsWith(suffix)); }""",
        arg=[CHARTS, f":{week}"], timeout=timeout)


def _open(page, url):
    page.goto(url + "/")
    expect(page.locator(".turn-counter")).to_have_text(re.compile(r"^Turn 0 / \d+$"), timeout=LOAD_TIMEOUT)
    _charts_at(page, 0, LOAD_TIMEOUT)


def _step_to(page, n: int, total: int = 52) -> None:
    expect(page.locator(".btn-step")).to_be_enabled(timeout=STEP_TIMEOUT)
    page.locator(".btn-step").click()
    expect(page.locator(".turn-counter")).to_have_text(f"Turn {n} / {total}", timeout=STEP_TIMEOUT)
    _charts_at(page, n)


def _turn(page) -> int:
    return int(re.match(r"Turn (\d+)", page.locator(".turn-counter").inner_text()).group(1))


def _choose_strategy(page, label: str, option: str) -> None:
    page.locator(".strategy-select").filter(has_text=label).first.click()
    item = page.locator(".menuable__content__active .v-list-item").filter(
        has=page.locator(".strategy-name", has_text=re.compile(f"^{re.escape(option)}$")))
    expect(item.locator(".strategy-description")).not_to_be_empty()
    item.click()
    expect(page.locator(".strategy-select").filter(has_text=label).first).to_contain_text(option)


def _drawer(page):
    return page.locator(".controls-drawer")


def _new_page(browser, page_monitor, viewport):
    """A second context wired to the same monitor as the `page` fixture (console errors, off-host requests)."""
    context = browser.new_context(viewport=viewport, service_workers="block")
    context.route("**/*", page_monitor.route)
    other = context.new_page()
    other.set_default_timeout(30_000)
    other.on("console", page_monitor.on_console)
    other.on("pageerror", page_monitor.on_pageerror)
    other.on("response", page_monitor.on_response)
    return context, other


# --------------------------------------------------------------------------- run


def test_step_draws_every_view_for_the_new_week(solara_server, page):
    _open(page, solara_server)
    expect(page.locator(".ceasefire-banner")).to_contain_text("Week 0 of 52")
    expect(page.locator(".event-log-line")).to_have_count(0)
    assert page.locator(CHARTS).count() >= 4  # why, network, demands, forces
    story = _story()
    shown = [line for line in story.model.log if views.log_kind(line) != "force"]  # what the default filter keeps

    def latest(n: int) -> int:  # quiet weeks (under a truce) write no line: the newest week with one
        return max((int(re.match(r"turn (\d+):", line).group(1)) for line in shown
                    if int(re.match(r"turn (\d+):", line).group(1)) <= n), default=0)

    for n in (1, 2, 3):
        _step_to(page, n)
        expect(page.locator(".why-line")).to_contain_text(f"Week {n}:")
        if latest(n):
            expect(page.locator(".event-log-line").first).to_contain_text(f"turn {latest(n)}:")
    expect(page.locator(".ceasefire-banner")).to_contain_text("week 3 of 52")
    # the log is newest first; the default filter keeps diplomacy, "everything" adds the fighting
    turns = [int(re.match(r"turn (\d+):", t).group(1)) for t in page.locator(".event-log-line").all_inner_texts()]
    assert turns == sorted(turns, reverse=True) and turns[0] == latest(3)
    expect(page.locator(".event-log-line", has_text="fighting:")).to_have_count(0)
    page.locator(".log-filter button", has_text="everything").click()
    expect(page.locator(".event-log-line", has_text="fighting:").first).to_be_visible()
    # every party that can block or break the deal is in the table, with its margin
    expect(page.locator(".parties-table tbody tr")).to_have_count(len(views.parties(story)))
    expect(page.locator(".parties-table")).to_contain_text("Iran and Hezbollah (IRN)")
    expect(page.locator(".why-line")).to_have_text(views.why(story, 3).text)
    # the truce timeline shows the weeks played
    fighting = sum(not story.ceasefire()[t] for t in (1, 2, 3))
    expect(page.locator(".truce-cell.fighting")).to_have_count(fighting)
    # units on the axes, Forces included
    unit, _ = page_figures.force_unit(story)
    expect(page.locator(".view-forces .plotly-chart .ytitle")).to_contain_text(f"force ({unit})")
    expect(page.locator(".view-why .plotly-chart .xtitle")).to_contain_text("week")


def test_play_at_a_speed_then_pause(solara_server, page):
    _open(page, solara_server)
    turns = page.get_by_label("Turns (weeks)")  # a long run: playing fast never reaches its end during the test
    turns.fill("1000")
    turns.press("Enter")
    expect(page.locator(".controls-changed")).to_be_visible()
    page.locator(".btn-reset").click()
    expect(page.locator(".turn-counter")).to_have_text("Turn 0 / 1000", timeout=STEP_TIMEOUT)
    thumb = page.locator(".speed-slider .v-slider__thumb-container")
    thumb.focus()
    page.keyboard.press("End")
    expect(page.locator(".speed-slider")).to_contain_text("10 weeks per second")
    page.locator(".btn-play").click()
    expect(page.locator(".btn-step")).to_be_disabled()
    expect(page.locator(".turn-counter")).to_have_text(re.compile(r"Turn ([5-9]|[1-9]\d+) / 1000"), timeout=STEP_TIMEOUT)
    page.locator(".btn-pause").click()
    expect(page.locator(".btn-play")).to_be_enabled(timeout=STEP_TIMEOUT)
    paused = _turn(page)
    _step_to(page, paused + 1, total=1000)
    expect(page.locator(".turn-counter")).to_have_text(f"Turn {paused + 1} / 1000")  # nothing else moved it


def test_run_to_end_then_look_back_with_the_history_slider(solara_server, page):
    story = _story()
    summary = views.end_summary(story)
    found = views.truces(story)
    _open(page, solara_server)
    page.locator(".btn-to-end").click()
    expect(page.locator(".view-end")).to_be_visible(timeout=STEP_TIMEOUT)
    _charts_at(page, 52)
    end = page.locator(".view-end")
    for text in (views.outcome_label(summary["outcome"]).capitalize(), "weeks under ceasefire", "longest truce",
                 "US concession", f"{summary['us_utility']:.3f}", "Turkey (TUR)", "Casualties by camp"):
        expect(end).to_contain_text(text)
    expect(page.locator(".btn-step")).to_be_disabled()
    broke = [t for t in found if t.broken_at is not None]
    expect(page.locator(".truce-cell.broke")).to_have_count(len(broke))
    expect(page.locator(".truce-cell.truce")).to_have_count(sum(t.weeks for t in found))
    if broke:
        expect(page.locator(".truce-facts")).to_contain_text(
            f"broken in week {broke[0].broken_at} by {', '.join(broke[0].breakers)}")

    # back to a week: the one a truce broke, or the 27th
    week = broke[0].broken_at if broke else 27
    thumb = page.locator(".history-slider .v-slider__thumb-container")
    thumb.focus()
    page.keyboard.press("Home")
    expect(page.locator(".why-line")).to_contain_text("Before the first move")
    for _ in range(week):
        page.keyboard.press("ArrowRight")
    expect(page.locator(".why-line")).to_have_text(views.why(story, week).text, timeout=STEP_TIMEOUT)
    _charts_at(page, week)
    expect(page.locator(".view-network .v-card__title")).to_have_text(f"Actors and week {week}'s moves")
    expect(page.locator(".view-end")).to_have_count(0)
    shown = [int(re.match(r"turn (\d+):", t).group(1)) for t in page.locator(".event-log-line").all_inner_texts()]
    assert shown and max(shown) <= week, shown  # the log as it was then
    expect(page.locator(".truce-cell.viewed")).to_have_count(1)
    page.locator(".btn-latest").click()
    expect(page.locator(".view-end")).to_be_visible()
    _charts_at(page, 52)


def test_strategy_switch_reset_and_a_bad_seed_reported_once(solara_server, page):
    _open(page, solara_server)
    expect(page.locator(".run-settings")).to_contain_text("US: concede")
    expect(page.locator(".strategy-select").filter(has_text="US strategy")).to_contain_text("softens its demands")
    _step_to(page, 1)
    _step_to(page, 2)  # week 2: a retreat is paid for with pain of no deal borne, and in week 1 there is none yet
    conceding = [line for line in _story().log_until(2) if line.startswith("turn 2: United States")]
    expect(page.locator(".log-body")).to_contain_text(conceding[0])

    _choose_strategy(page, "US strategy", "or_else")
    seed = page.get_by_label("Seed (integer)")
    seed.fill("7")
    seed.press("Enter")
    expect(page.locator(".controls-changed")).to_be_visible()
    page.locator(".btn-reset").click()
    expect(page.locator(".turn-counter")).to_have_text("Turn 0 / 52", timeout=STEP_TIMEOUT)
    expect(page.locator(".run-settings")).to_contain_text("US: or_else")
    expect(page.locator(".run-settings")).to_contain_text("seed 7")
    expect(page.locator(".event-log-line")).to_have_count(0)
    _step_to(page, 1)
    pressing = [line for line in _story(us_strategy="or_else", seed=7).log_until(1)
                if line.startswith("turn 1: United States")]
    page.locator(".log-filter button", has_text="everything").click()
    log = "\n".join(page.locator(".event-log-line").all_inner_texts())
    assert pressing and all(line in log for line in pressing), (pressing, log)
    assert "United States concedes" not in log, log

    # a bad seed: one message, under its field; Reset refused; the run untouched
    seed.fill("twelve")
    seed.press("Enter")
    message = page.get_by_text("seed 'twelve': not a whole number", exact=False)
    expect(message).to_have_count(1)
    expect(page.locator(".input-seed")).to_contain_text("seed 'twelve': not a whole number")
    expect(page.locator(".btn-reset")).to_be_disabled()
    expect(page.locator(".turn-counter")).to_have_text("Turn 1 / 52")
    seed.fill("7")
    seed.press("Enter")
    expect(message).to_have_count(0)
    _step_to(page, 2)


# --------------------------------------------------------------------------- compare


def test_compare_keeps_its_results_across_tabs_and_can_be_cancelled(solara_server, page):
    _open(page, solara_server)
    page.get_by_role("tab", name="Compare").click()
    expect(page.get_by_label("Replicates per strategy")).to_have_value("1000")
    page.locator(".compare-run").click()
    done = page.locator(".compare-done")
    expect(done).to_contain_text("Compared 8 US strategies × 1,000 runs each", timeout=COMPARE_TIMEOUT)
    # Both comparison charts drawn (an empty list of charts would pass `every` before they are even mounted).
    compare_charts = ".chart-compare-outcomes .plotly-chart, .chart-compare-time .plotly-chart"
    page.wait_for_function(f"() => {{ const c = [...document.querySelectorAll('{compare_charts}')]; "
                           f"return c.length === 2 && c.every(el => (el.dataset.revision || '').startsWith('compare:')); }}",
                           timeout=COMPARE_TIMEOUT)
    table_order = page.locator(".ranked-table tbody tr").evaluate_all("rows => rows.map(r => r.dataset.strategy)")
    assert sorted(table_order) == sorted(["concede", "hold_firm", "or_else", "linkage", "carrot_and_stick",
                                          "tit_for_tat", "arm_opposition", "disengage"])
    chart_order = page.locator(".chart-compare-outcomes .plotly-chart").evaluate("el => el.layout.yaxis.categoryarray")
    curve_order = page.locator(".chart-compare-time .plotly-chart").evaluate("el => el.data.map(d => d.name)")
    assert chart_order == table_order == curve_order
    summary = done.inner_text()
    print(f"compare tab: {summary}")

    # switch away, play a week, come back: the results are still there
    page.get_by_role("tab", name="Run").click()
    _step_to(page, 1)
    page.get_by_role("tab", name="Compare").click()
    expect(done).to_have_text(summary)
    expect(page.locator(".ranked-table tbody tr")).to_have_count(8)

    # a long comparison, cancelled: the previous results stay
    replicates = page.get_by_label("Replicates per strategy")
    replicates.fill("50000")
    replicates.press("Enter")
    page.locator(".compare-run").click()
    expect(page.locator(".compare-progress")).to_be_visible()
    page.locator(".compare-cancel").click()
    expect(page.locator(".compare-note")).to_contain_text("Comparison cancelled", timeout=COMPARE_TIMEOUT)
    expect(done).to_have_text(summary)
    expect(page.locator(".compare-run")).to_be_enabled()


# --------------------------------------------------------------------------- scenario files


BAD = '[scenario]\nname = "mine"\n\n[[issues]]\nid = "x"\nstatus_quo = 1.5\n'


def test_scenario_files_good_and_bad(solara_server, page, tmp_path):
    _open(page, solara_server)
    _step_to(page, 1)
    page.get_by_role("tab", name="Scenario").click()
    bad = tmp_path / "mine.toml"
    bad.write_text(BAD, encoding="utf-8")
    page.set_input_files(".scenario-file-input", str(bad))
    error = page.locator(".scenario-error")
    expect(error).to_have_text(
        "mine.toml: issues[0] (x).status_quo: Input should be less than or equal to 1 (got 1.5)")
    expect(page.locator(".v-select").filter(has_text="Scenario").first).to_contain_text("syria-2016")

    good = tmp_path / "truce.toml"
    text = (ROOT / "model" / "scenarios" / "turkey-russia-2016.toml").read_text(encoding="utf-8")
    good.write_text(text.replace('name = "turkey-russia-2016"', 'name = "my-truce"', 1), encoding="utf-8")
    page.set_input_files(".scenario-file-input", str(good))
    expect(page.locator(".scenario-loaded")).to_contain_text("Loaded my-truce (loaded)")
    expect(error).to_have_count(0)
    expect(page.locator(".v-select").filter(has_text="Scenario").first).to_contain_text("my-truce (loaded)")

    # edit a copy of a built-in: a mistake is refused with the same kind of line, nothing else changes
    page.locator(".btn-copy-scenario").click()
    editor = page.locator(".scenario-text textarea")
    expect(editor).to_have_value(re.compile(r"\[\[actors\]\]"))
    editor.fill(editor.input_value().replace("veto = true", "veto = 3", 1))
    page.locator(".btn-load-text").click()
    expect(error).to_contain_text("edited copy of syria-2016.toml: actors[")
    expect(error).to_contain_text("veto: Input should be a valid boolean")
    expect(page.locator(".v-select").filter(has_text="Scenario").first).to_contain_text("my-truce (loaded)")

    page.get_by_role("tab", name="Run").click()
    expect(page.locator(".turn-counter")).to_have_text("Turn 1 / 52")  # loading did not touch the run
    page.locator(".btn-reset").click()
    expect(page.locator(".run-settings")).to_contain_text("my-truce (loaded)", timeout=STEP_TIMEOUT)
    _charts_at(page, 0)
    _step_to(page, 1)


# --------------------------------------------------------------------------- phone and sessions


def test_phone_one_column_and_a_drawer_that_closes_on_tap(solara_server, browser, page, page_monitor):
    context, phone = _new_page(browser, page_monitor, {"width": 390, "height": 844})
    try:
        _open(phone, solara_server)
        drawer = _drawer(phone)
        expect(drawer).not_to_have_class(re.compile(r"v-navigation-drawer--open"))  # closed on a phone
        columns = phone.locator(".page-grid").first.evaluate("el => getComputedStyle(el).gridTemplateColumns")
        assert len(columns.split()) == 1, columns
        widths = phone.locator(CHARTS).evaluate_all("cs => cs.map(c => c.getBoundingClientRect().width)")
        assert widths and min(widths) >= 340, widths  # full width, not 111 px
        _step_to(phone, 1)

        phone.locator(".btn-drawer").click()
        expect(drawer).to_have_class(re.compile(r"v-navigation-drawer--open"))
        box = drawer.bounding_box()
        assert box["width"] <= 0.9 * 390, box  # the page stays visible beside it, to tap
        phone.mouse.click(385, 600)  # tap the page beside the drawer
        expect(drawer).not_to_have_class(re.compile(r"v-navigation-drawer--open"))

        phone.locator(".btn-drawer").click()
        expect(drawer).to_have_class(re.compile(r"v-navigation-drawer--open"))
        phone.locator(".btn-drawer-close").click()
        expect(drawer).not_to_have_class(re.compile(r"v-navigation-drawer--open"))
    finally:
        context.close()


def test_second_session_starts_fresh(solara_server, page, browser, page_monitor):
    _open(page, solara_server)
    _step_to(page, 1)
    _step_to(page, 2)
    context, other = _new_page(browser, page_monitor, {"width": 1280, "height": 900})
    try:
        _open(other, solara_server)
        expect(other.locator(".event-log-line")).to_have_count(0)
        _step_to(other, 1)
        # the sessions do not see each other's runs
        expect(page.locator(".turn-counter")).to_have_text("Turn 2 / 52")
        _step_to(page, 3)
        expect(other.locator(".turn-counter")).to_have_text("Turn 1 / 52")
    finally:
        context.close()
    assert page_monitor.errors == [], page_monitor.errors
