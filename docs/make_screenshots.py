"""Regenerate the page's screenshots in docs/screenshots/ (the tests do not write them).

    .tools/bin/uv run --frozen python docs/make_screenshots.py
    .tools/bin/uv run --frozen python docs/make_screenshots.py --only run     # run | phone | compare | scenario

Serves runs/app.py offline (as `ceasefire app`), drives Debian's Chromium with Playwright (bench/page_step.py's
server), plays syria-2016 with seed 0 to the end, and captures the whole page, each view, the phone layout, the
comparison and a scenario file refused with its one-line error.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.page_step import ARGS, CHROMIUM, RUN_CHARTS, serve  # noqa: E402

SHOTS = ROOT / "docs" / "screenshots"


def charts_at(page, suffix: str, timeout: float = 60_000) -> None:
    page.wait_for_function(
        f"""() => {{ const c = [...document.querySelectorAll('{RUN_CHARTS}')];
                   return c.length > 0 && c.every(x => (x.dataset.revision || '').endsWith('{suffix}')); }}""",
        timeout=timeout)


def open_page(browser, url: str, width: int, height: int):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(url + "/")
    charts_at(page, ":0", 120_000)
    return page


def shoot(locator, name: str) -> None:
    """One view, without the app bar that stays on top of the page as it scrolls."""
    style = locator.page.add_style_tag(content=".v-app-bar { visibility: hidden !important; }")
    try:
        locator.screenshot(path=str(SHOTS / name))
    finally:
        style.evaluate("el => el.remove()")
    print("wrote", SHOTS / name)


def run_shots(browser, url: str) -> None:
    page = open_page(browser, url, 1440, 900)
    page.click(".btn-to-end")
    page.wait_for_selector(".view-end")
    turns = page.locator(".turn-counter").inner_text().split("/")[1].strip()
    charts_at(page, f":{turns}")
    page.screenshot(path=str(SHOTS / "page-run.png"), full_page=True)
    print("wrote", SHOTS / "page-run.png")
    shoot(page.locator(".view-end"), "view-end-of-run.png")
    shoot(page.locator(".view-why"), "view-why.png")
    page.locator(".why-mode button", has_text="values").click()
    page.wait_for_selector(".view-why .plotly-chart .g-x2title")
    charts_at(page, f":{turns}")
    shoot(page.locator(".view-why"), "view-why-deal-and-batna.png")
    page.locator(".why-mode button", has_text="margin").click()
    charts_at(page, f":{turns}")
    shoot(page.locator(".view-network"), "view-network.png")
    shoot(page.locator(".view-demands"), "view-demands.png")
    shoot(page.locator(".view-forces"), "view-forces.png")
    shoot(page.locator(".view-log"), "view-log.png")
    # history: back to the week a truce broke
    slider = page.locator(".history-slider .v-slider__thumb-container")
    slider.focus()
    page.keyboard.press("Home")
    for _ in range(27):
        page.keyboard.press("ArrowRight")
    charts_at(page, ":27")
    shoot(page.locator(".ceasefire-banner"), "view-banner.png")
    page.locator(".view-truces").scroll_into_view_if_needed()
    shoot(page.locator(".history-row"), "view-history-slider.png")
    page.screenshot(path=str(SHOTS / "page-history-week-27.png"), full_page=True)
    print("wrote", SHOTS / "page-history-week-27.png")
    page.close()


def phone_shots(browser, url: str) -> None:
    page = open_page(browser, url, 390, 844)
    page.click(".btn-step")
    charts_at(page, ":1")
    page.screenshot(path=str(SHOTS / "phone-run.png"), full_page=True)
    print("wrote", SHOTS / "phone-run.png")
    page.click(".btn-drawer")
    page.wait_for_selector(".controls-drawer.v-navigation-drawer--open")
    page.wait_for_timeout(400)  # the drawer's slide-in animation, for the picture only
    page.screenshot(path=str(SHOTS / "phone-drawer.png"))
    print("wrote", SHOTS / "phone-drawer.png")
    page.close()


def compare_shots(browser, url: str) -> None:
    page = open_page(browser, url, 1440, 900)
    page.get_by_role("tab", name="Compare").click()
    page.click(".compare-run")
    page.wait_for_function("""() => { const c = [...document.querySelectorAll('.v-window-item--active .plotly-chart')];
                                     return c.length >= 2 && c.every(x => (x.dataset.revision || '').startsWith('compare:')); }""",
                           timeout=600_000)
    page.screenshot(path=str(SHOTS / "page-compare.png"), full_page=True)
    print("wrote", SHOTS / "page-compare.png")
    shoot(page.locator(".view-compare-table"), "view-compare-table.png")
    shoot(page.locator(".view-compare-outcomes"), "view-compare-outcomes.png")
    shoot(page.locator(".view-compare-time"), "view-compare-time-to-ceasefire.png")
    page.close()


def scenario_shots(browser, url: str) -> None:
    page = open_page(browser, url, 1440, 900)
    page.get_by_role("tab", name="Scenario").click()
    with tempfile.TemporaryDirectory() as tmp:
        bad = Path(tmp) / "my-scenario.toml"
        bad.write_text('[scenario]\nname = "mine"\n\n[[issues]]\nid = "x"\nstatus_quo = 1.5\n', encoding="utf-8")
        page.set_input_files(".scenario-file-input", str(bad))
        page.wait_for_selector(".scenario-error")
    shoot(page.locator(".v-window-item--active"), "view-scenario-bad-file.png")
    page.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=["run", "phone", "compare", "scenario"], action="append")
    args = parser.parse_args()
    SHOTS.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    wanted = args.only or ["run", "phone", "compare", "scenario"]
    with serve() as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        for name in wanted:
            {"run": run_shots, "phone": phone_shots, "compare": compare_shots, "scenario": scenario_shots}[name](browser, url)
        browser.close()


if __name__ == "__main__":
    main()
