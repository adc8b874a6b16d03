"""The page's own widgets: interactive charts, a scenario-file picker, and a strategy menu that shows what each
strategy does.

Charts: Plotly figures given as plain dicts, drawn in the browser, updated in place.

Why not `solara.FigurePlotly`: it wraps plotly's `FigureWidget`, an anywidget whose JavaScript (a 5 MB bundle with
plotly.js inside) is sent as a trait of *every* chart and evaluated once per chart: five charts took 10 s to load, and
each update replaced every trace (0.5-0.8 s per step for five charts). Here the same plotly.js that the plotly wheel
ships (`plotly/package_data/plotly.min.js`, so nothing comes from a CDN) reaches the browser once per session through
one hidden `PlotlyLoader` widget; each chart is a small `PlotlyChart` widget holding only its figure, and a new figure
is drawn with `Plotly.react`, which updates the plot in place (zoom and legend choices survive an update through
`layout.uirevision`).

Each chart marks its element with `data-revision` once drawn, so tests and the step benchmark can wait for a turn's
charts to be on screen.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import anywidget
import ipyvuetify as v
import solara
import traitlets

_READY = """
function plotlyReady() {
  if (!window.__ceasefirePlotly) {
    let resolve;
    const promise = new Promise((r) => { resolve = r; });
    promise.resolve = resolve;
    window.__ceasefirePlotly = promise;
    if (window.Plotly) resolve(window.Plotly);
  }
  return window.__ceasefirePlotly;
}
"""

LOADER_ESM = _READY + """
export default {
  initialize({ model }) {
    const ready = plotlyReady();
    if (window.Plotly || window.__ceasefirePlotlyLoading) return;
    window.__ceasefirePlotlyLoading = true;
    // After initialize returns: evaluating 4.8 MB of JavaScript must not hold up the widget's start-up.
    setTimeout(() => {
      const script = document.createElement("script");
      script.textContent = model.get("source");
      document.head.appendChild(script);
      ready.resolve(window.Plotly);
    }, 0);
  },
  render({ el }) { el.style.display = "none"; },
};
"""

CHART_ESM = _READY + """
export default {
  async render({ model, el }) {
    el.classList.add("plotly-chart");
    const Plotly = await plotlyReady();
    const config = { displaylogo: false, responsive: false, scrollZoom: false,
                     modeBarButtonsToRemove: ["select2d", "lasso2d", "toImage"] };
    let alive = true;
    const draw = () => {
      const figure = model.get("figure") || {};
      const revision = String(figure.revision ?? "");
      Plotly.react(el, figure.data || [], figure.layout || {}, config).then(() => {
        if (alive) el.dataset.revision = revision;
      });
    };
    draw();
    model.on("change:figure", draw);
    let pending = false;
    const observer = new ResizeObserver(() => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => { pending = false; if (alive && el.offsetParent) Plotly.Plots.resize(el); });
    });
    observer.observe(el);
    return () => { alive = false; model.off("change:figure", draw); observer.disconnect(); Plotly.purge(el); };
  },
};
"""

CHART_CSS = """
.plotly-chart { width: 100%; min-width: 0; }
.plotly-chart .modebar { opacity: 0.55; }
"""


@functools.cache
def plotly_source() -> str:
    """plotly.js as shipped inside the plotly wheel (the version plotly's Python side was built for)."""
    import plotly

    return (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text(encoding="utf-8")


class PlotlyLoader(anywidget.AnyWidget):
    """Hidden: brings plotly.js to the browser once per session."""

    _esm = LOADER_ESM
    source = traitlets.Unicode("").tag(sync=True)


class PlotlyChart(anywidget.AnyWidget):
    """One chart: a Plotly figure as a plain dict {"data": [...], "layout": {...}, "revision": ...}."""

    _esm = CHART_ESM
    _css = CHART_CSS
    figure = traitlets.Dict({}).tag(sync=True)


@solara.component
def Loader():
    """Place once per page (outside anything that is unmounted): every chart waits for it."""
    source = solara.use_memo(plotly_source, [])
    return PlotlyLoader.element(source=source)


@solara.component
def Chart(figure: dict[str, Any], classes: list[str] | None = None):
    """A chart that redraws in place when `figure` changes."""
    element = PlotlyChart.element(figure=figure)
    if classes:
        return solara.Div(children=[element], classes=classes, style={"width": "100%", "min-width": "0"})
    return element


# --------------------------------------------------------------------------- scenario file picker

PICKER_ESM = """
export default {
  render({ model, el }) {
    const zone = document.createElement("label");
    zone.className = "scenario-drop";
    const input = document.createElement("input");
    input.type = "file";
    input.accept = ".toml,text/plain,application/toml";
    input.className = "scenario-file-input";
    const text = document.createElement("span");
    text.textContent = model.get("label");
    zone.append(input, text);
    let serial = 0;
    const send = (file) => {
      if (!file) return;
      serial += 1;
      const out = { name: file.name, size: file.size, text: null, serial: serial + ":" + Date.now() };
      if (file.size > model.get("max_bytes")) {
        model.set("file", out);
        model.save_changes();
        return;
      }
      file.text().then((content) => {
        model.set("file", { ...out, text: content });
        model.save_changes();
      });
    };
    input.addEventListener("change", () => { send(input.files[0]); input.value = ""; });
    zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("over"); });
    zone.addEventListener("dragleave", () => zone.classList.remove("over"));
    zone.addEventListener("drop", (e) => {
      e.preventDefault();
      zone.classList.remove("over");
      if (e.dataTransfer && e.dataTransfer.files.length) send(e.dataTransfer.files[0]);
    });
    el.appendChild(zone);
  },
};
"""

PICKER_CSS = """
.scenario-drop { display: flex; align-items: center; justify-content: center; min-height: 84px; padding: 12px;
  border: 2px dashed #90a4ae; border-radius: 8px; cursor: pointer; color: #37474f; text-align: center; }
.scenario-drop.over { background: #e3f2fd; border-color: #1565c0; }
.scenario-drop input[type=file] { position: absolute; width: 1px; height: 1px; opacity: 0; }
"""


class ScenarioFilePicker(anywidget.AnyWidget):
    """A drop zone that is also a button: click to choose a .toml file, or drop one on it (also works on phones,
    where nothing can be dropped). The file's text arrives in `file` as {name, size, text, serial}; `text` is null
    when the file is larger than `max_bytes`."""

    _esm = PICKER_ESM
    _css = PICKER_CSS
    label = traitlets.Unicode("Choose a scenario file (.toml), or drop one here").tag(sync=True)
    max_bytes = traitlets.Int(1_000_000).tag(sync=True)
    file = traitlets.Dict({}).tag(sync=True)


# --------------------------------------------------------------------------- strategy menu

STRATEGY_SELECT_TEMPLATE = """
<template>
  <v-select v-model="value" :items="items" item-text="value" item-value="value" :label="label"
            :hint="chosen_description" persistent-hint :menu-props="{ maxWidth: 420 }" class="strategy-select">
    <template v-slot:item="{ item }">
      <v-list-item-content>
        <v-list-item-title class="strategy-name">{{ item.value }}</v-list-item-title>
        <v-list-item-subtitle class="strategy-description" style="white-space: normal">{{ item.description }}</v-list-item-subtitle>
      </v-list-item-content>
    </template>
  </v-select>
</template>
<script>
module.exports = {
  computed: {
    chosen_description() {
      const item = (this.items || []).find((i) => i.value === this.value);
      return item ? item.description : "";
    },
  },
};
</script>
"""


class StrategySelect(v.VuetifyTemplate):
    """A strategy menu: each entry shows the strategy's name and its registry description; the chosen one's
    description stays under the field."""

    template = traitlets.Unicode(STRATEGY_SELECT_TEMPLATE).tag(sync=True)
    items = traitlets.List([]).tag(sync=True)  # [{"value": name, "description": text}]
    value = traitlets.Unicode(None, allow_none=True).tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)
