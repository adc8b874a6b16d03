"""Tiny Solara page for the browser-test infrastructure (tests/browser/test_demo_page.py).

A counter button, plus Mesa's SolaraViz of a trivial model with one Slider parameter and one
line chart. The chart backend comes from $DEMO_CHART_BACKEND ("matplotlib" or "altair").

Run by hand:  solara run tests/browser/_demo_page.py
"""

import os

import mesa
import solara
from mesa.visualization import Slider, SolaraViz, make_plot_component

CHART_BACKEND = os.environ.get("DEMO_CHART_BACKEND", "matplotlib")


class DemoModel(mesa.Model):
    """A single number that grows by `rate` each step."""

    def __init__(self, rate: float = 0.5, rng=None):
        super().__init__(rng=rng)
        self.rate = rate
        self.level = 0.0
        self.datacollector = mesa.DataCollector(model_reporters={"Level": "level"})
        self.datacollector.collect(self)

    def step(self):
        self.level += self.rate
        self.datacollector.collect(self)


# A module-level solara.reactive is per browser session (per kernel), not global.
count = solara.reactive(0)

model_params = {"rate": Slider("Rate", 0.5, 0.0, 1.0, 0.1)}


@solara.component
def Page():
    # One model per browser session: a module-level `model = DemoModel()` would be shared
    # (and stepped) by every open tab.
    model = solara.use_memo(lambda: DemoModel(), [])

    with solara.Column():
        solara.Button("Increment", on_click=lambda: count.set(count.value + 1))
        solara.Text(f"Count: {count.value}")

    SolaraViz(
        model,
        components=[make_plot_component("Level", backend=CHART_BACKEND)],
        model_params=model_params,
        name="Demo",
    )
