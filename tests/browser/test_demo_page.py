"""Proof of the browser-test infrastructure: load a Solara page offline and drive it."""

import re
from pathlib import Path

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # conftest skips these tests (or fails them on CI)
    expect = None

DEMO_APP = str(Path(__file__).with_name("_demo_page.py"))


@pytest.mark.parametrize(
    "solara_server",
    [
        pytest.param((DEMO_APP, {"DEMO_CHART_BACKEND": "matplotlib"}), id="matplotlib"),
        pytest.param((DEMO_APP, {"DEMO_CHART_BACKEND": "altair"}), id="altair"),
    ],
    indirect=True,
)
def test_demo_page(solara_server, page, page_monitor, screenshot_dir, request):
    backend = request.node.callspec.id
    page.goto(solara_server + "/")

    button = page.get_by_role("button", name="Increment")
    expect(button).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Count: 0", exact=True)).to_be_visible()
    for _ in range(3):
        button.click()
    expect(page.get_by_text("Count: 3", exact=True)).to_be_visible()

    # SolaraViz: the Slider parameter, and stepping the model updates the info card and chart
    expect(page.get_by_text("Rate", exact=True)).to_be_visible()
    expect(page.get_by_text("Time: 0.0", exact=True)).to_be_visible()
    step = page.get_by_role("button", name=re.compile("^step$", re.I))
    for _ in range(3):
        step.click()
    expect(page.get_by_text("Time: 3.0", exact=True)).to_be_visible()

    if backend == "altair":
        # vega-embed renders into a canvas (or svg) inside .vega-embed
        expect(page.locator(".vega-embed canvas, .vega-embed svg").first).to_be_visible()
    else:
        # solara.FigureMatplotlib is an ipywidgets Image: an <img> with a blob: url (svg)
        img = page.locator("main img[src^='blob:']").first
        expect(img).to_be_visible()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
    page.wait_for_timeout(500)  # let the chart repaint after the last step

    shot = screenshot_dir / ("demo.png" if backend == "matplotlib" else f"demo-{backend}.png")
    page.screenshot(path=str(shot), full_page=True)

    assert page_monitor.blocked == [], f"page needed non-local resources: {page_monitor.blocked}"
