"""The ceasefire page (runs/app.py) in real headless Chromium, offline: stepping, play/pause, reset with a new US
strategy, a bad seed refused on the page, the compare tab, and a second session that starts fresh.

One server for the module (the conftest shares it per app). Screenshots of each view go to docs/screenshots/.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # conftest skips these tests (or fails them on CI)
    expect = None

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "runs" / "app.py")
SHOTS = ROOT / "docs" / "screenshots"
LOAD_TIMEOUT = 90_000
STEP_TIMEOUT = 45_000  # a step redraws four figures: ~1-3 s on a busy 2-core machine


@pytest.fixture
def solara_app():
    return APP


def _open(page, url):
    page.goto(url + "/")
    expect(page.locator(".turn-counter")).to_have_text(re.compile(r"^Turn 0 / \d+$"), timeout=LOAD_TIMEOUT)
    _wait_images(page)


def _wait_images(page, selector: str = "main img") -> None:
    page.wait_for_function(
        """sel => { const imgs = [...document.querySelectorAll(sel)];
                    return imgs.length > 0 && imgs.every(i => i.complete && i.naturalWidth > 0); }""",
        arg=selector, timeout=STEP_TIMEOUT)


def _step_to(page, n: int, total: int = 52) -> None:
    page.get_by_role("button", name="Step").click()
    expect(page.locator(".turn-counter")).to_have_text(f"Turn {n} / {total}", timeout=STEP_TIMEOUT)


def _choose(page, label: str, option: str) -> None:
    page.locator(".v-select").filter(has_text=label).first.click()
    item = page.locator(".menuable__content__active .v-list-item").filter(has_text=re.compile(f"^{re.escape(option)}$"))
    item.click()
    expect(page.locator(".v-select").filter(has_text=label).first).to_contain_text(option)


def _shoot(locator, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    locator.screenshot(path=str(SHOTS / name))


def _turn(page) -> int:
    return int(re.match(r"Turn (\d+)", page.locator(".turn-counter").inner_text()).group(1))


def test_step_play_and_views(solara_server, page, page_monitor):
    _open(page, solara_server)
    expect(page.locator(".ceasefire-banner")).to_contain_text("Turn 0 of 52")
    expect(page.locator(".event-log-line")).to_have_count(0)
    for n in (1, 2, 3):
        _step_to(page, n)
        expect(page.locator(".event-log-line").first).to_contain_text(f"turn {n}:")
    logged = page.locator(".event-log-line").count()
    assert logged >= 3
    expect(page.locator(".ceasefire-banner")).to_contain_text("turn 3 of 52")
    # the log is newest first: no line of an older turn comes before a line of a newer one
    turns = [int(re.match(r"turn (\d+):", t).group(1)) for t in page.locator(".event-log-line").all_inner_texts()]
    assert turns == sorted(turns, reverse=True) and turns[0] == 3
    _wait_images(page)
    page.wait_for_timeout(300)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "page-run.png"), full_page=True)
    _shoot(page.locator(".view-network"), "view-network.png")
    _shoot(page.locator(".view-batna"), "view-deal-vs-batna.png")
    _shoot(page.locator(".view-demands"), "view-demands.png")
    _shoot(page.locator(".view-forces"), "view-forces.png")
    _shoot(page.locator(".ceasefire-banner"), "view-banner.png")

    # play runs turns by itself; pause stops it
    page.get_by_role("button", name="Play").click()
    expect(page.locator(".turn-counter")).to_have_text(re.compile(r"Turn ([5-9]|[1-9]\d) / 52"), timeout=STEP_TIMEOUT)
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("button", name="Play")).to_be_visible(timeout=STEP_TIMEOUT)
    page.wait_for_timeout(1500)
    paused_at = _turn(page)
    page.wait_for_timeout(2000)
    assert _turn(page) == paused_at, "the model kept running after Pause"
    assert page.locator(".event-log-line").count() > logged


def test_strategy_switch_reset_and_bad_seed(solara_server, page):
    _open(page, solara_server)
    expect(page.locator(".run-settings")).to_contain_text("US: concede")
    _step_to(page, 1)
    expect(page.locator(".event-log-line").first).to_contain_text("United States concedes")

    _choose(page, "US strategy", "or_else")
    seed = page.get_by_label("Seed (integer)")
    seed.fill("7")
    seed.press("Enter")
    expect(page.get_by_text("Controls changed: press Reset")).to_be_visible()
    page.get_by_role("button", name="Reset").click()
    expect(page.locator(".turn-counter")).to_have_text("Turn 0 / 52", timeout=STEP_TIMEOUT)
    expect(page.locator(".run-settings")).to_contain_text("US: or_else")
    expect(page.locator(".run-settings")).to_contain_text("seed 7")
    expect(page.locator(".event-log-line")).to_have_count(0)
    _step_to(page, 1)
    # the new strategy took effect: an "or else" threat, no concession
    log = "\n".join(page.locator(".event-log-line").all_inner_texts())
    assert "United States threatens Russia" in log, log
    assert "United States concedes" not in log, log

    # a bad seed is refused with a message on the page; the run is untouched and the server stays up
    seed.fill("twelve")
    seed.press("Enter")
    expect(page.locator(".settings-error").first).to_contain_text("seed 'twelve': not a whole number")
    page.get_by_role("button", name="Reset").click()
    expect(page.locator(".reset-error").first).to_contain_text("not reset")
    expect(page.locator(".turn-counter")).to_have_text("Turn 1 / 52")
    expect(page.locator(".run-settings")).to_contain_text("seed 7")
    _shoot(page.locator(".v-navigation-drawer"), "view-controls-bad-seed.png")
    seed.fill("-3")
    seed.press("Enter")
    expect(page.locator(".settings-error").first).to_contain_text("out of range")
    seed.fill("7")
    seed.press("Enter")
    expect(page.locator(".settings-error")).to_have_count(0)
    _step_to(page, 2)


def test_compare_tab(solara_server, page):
    _open(page, solara_server)
    page.get_by_role("tab", name="Compare").click()
    expect(page.get_by_label("Replicates per strategy")).to_have_value("1000")
    started = time.perf_counter()
    page.get_by_role("button", name="Run comparison").click()
    done = page.locator(".compare-done")
    expect(done).to_contain_text("Compared 8 US strategies × 1,000 runs each", timeout=120_000)
    wall = time.perf_counter() - started
    _wait_images(page, ".view-compare-outcomes img, .view-compare-time img")
    text = page.locator("main").inner_text()
    for strategy in ("concede", "hold_firm", "or_else", "linkage", "carrot_and_stick", "tit_for_tat",
                     "arm_opposition", "disengage"):
        assert strategy in text
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / "page-compare.png"), full_page=True)
    _shoot(page.locator(".view-compare-outcomes"), "view-compare-outcomes.png")
    _shoot(page.locator(".view-compare-time"), "view-compare-time-to-ceasefire.png")
    print(f"compare tab: {done.inner_text()} (wall clock in the browser {wall:.1f} s)")


def test_second_session_starts_fresh(solara_server, page, browser, page_monitor):
    _open(page, solara_server)
    _step_to(page, 1)
    _step_to(page, 2)
    other_context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    try:
        other_context.route("**/*", page_monitor.route)
        other = other_context.new_page()
        other.on("console", page_monitor.on_console)
        other.on("pageerror", page_monitor.on_pageerror)
        other.on("response", page_monitor.on_response)
        _open(other, solara_server)
        expect(other.locator(".event-log-line")).to_have_count(0)
        _step_to(other, 1)
        # the sessions do not see each other's runs
        expect(page.locator(".turn-counter")).to_have_text("Turn 2 / 52")
        _step_to(page, 3)
        expect(other.locator(".turn-counter")).to_have_text("Turn 1 / 52")
        other.wait_for_timeout(200)
    finally:
        other_context.close()
    assert page_monitor.errors == [], page_monitor.errors
