"""The page's own widgets: interactive charts, a scenario-file picker, and a strategy menu that shows what each
strategy does. All three are Vue templates (`ipyvuetify.VuetifyTemplate`), as Solara's own components are.

Charts: Plotly figures given as plain dicts, drawn in the browser with `Plotly.react`, which updates a plot in place
(zoom and legend choices survive an update through `layout.uirevision`). Each chart marks its element with
`data-revision` once drawn, so tests and the step benchmark can wait for a week's charts to be on screen.

Why not `solara.FigurePlotly`: it wraps plotly's `FigureWidget`, an anywidget whose JavaScript (a 5 MB bundle with
plotly.js inside) is sent over the websocket as a trait of *every* chart and evaluated once per chart: five charts
took 10 s to load, and each update replaced every trace (0.5-0.8 s per step for five charts). Any anywidget also has
a two-second start-up limit that a busy machine overruns ("[anywidget] Failed to initialize model", an uncaught
error). So plotly.js is served as a file: the plotly wheel's own `package_data/plotly.min.js` (the version its
Python side was built for) is added to Solara's asset locations (`solara.server.settings.assets.extra_locations`)
and loaded once per page with a <script> tag from this server (/static/assets/plotly.min.js): nothing from a CDN,
compiled off the main thread, cached by the browser. Each chart then holds only its figure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipyvuetify as v
import plotly
import solara
import traitlets

PLOTLY_DIR = Path(plotly.__file__).parent / "package_data"
PLOTLY_FILE = "plotly.min.js"


def register_plotly_asset() -> None:
    """Serve plotly's own plotly.min.js at /static/assets/ (Solara looks the asset locations up per request)."""
    from solara.server import settings

    location = str(PLOTLY_DIR)
    if location not in settings.assets.extra_locations:
        settings.assets.extra_locations.append(location)


register_plotly_asset()

CHART_TEMPLATE = """
<template>
  <div ref="plot" class="plotly-chart"></div>
</template>
<script>
module.exports = {
  mounted() {
    this.alive = true;
    this.plotly().then((Plotly) => {
      this.Plotly = Plotly;
      this.draw();
      let pending = false;
      this.observer = new ResizeObserver(() => {
        if (pending) return;
        pending = true;
        requestAnimationFrame(() => {
          pending = false;
          const el = this.$refs.plot;
          if (!this.alive || !el || !el.offsetParent) return;
          if (this.isNarrow() !== this.narrow) this.draw();  // a phone turned, or a window narrowed: new height
          else this.Plotly.Plots.resize(el);
        });
      });
      this.observer.observe(this.$refs.plot);
    });
  },
  beforeDestroy() {
    this.alive = false;
    if (this.observer) this.observer.disconnect();
    if (this.Plotly && this.$refs.plot) this.Plotly.purge(this.$refs.plot);
  },
  watch: {
    figure() { this.draw(); },
  },
  methods: {
    plotly() {
      if (!window.__ceasefirePlotly) {
        window.__ceasefirePlotly = window.Plotly ? Promise.resolve(window.Plotly) : new Promise((resolve, reject) => {
          const root = (window.solara && window.solara.rootPath) || "";
          const script = document.createElement("script");
          script.src = root + "/static/assets/plotly.min.js?v=" + encodeURIComponent(this.plotly_version);
          script.async = true;
          script.onload = () => resolve(window.Plotly);
          script.onerror = () => reject(new Error("could not load plotly.js from " + script.src));
          document.head.appendChild(script);
        });
      }
      return window.__ceasefirePlotly;
    },
    isNarrow() {
      const width = this.$refs.plot ? this.$refs.plot.clientWidth : 0;
      return width > 0 && width < 600;
    },
    draw() {
      if (!this.Plotly || !this.alive) return;
      const el = this.$refs.plot;
      // A plain copy: Plotly annotates the traces it is given, and these are Vue's reactive objects.
      const figure = JSON.parse(JSON.stringify(this.figure || {}));
      const revision = String(figure.revision ?? "");
      // On a phone the legend above the plot takes more rows: give the plot the height back.
      this.narrow = this.isNarrow();
      if (this.narrow && figure.layout && figure.layout.height) figure.layout.height = Math.round(figure.layout.height * 1.35);
      const config = { displaylogo: false, responsive: false, scrollZoom: false,
                       modeBarButtonsToRemove: ["select2d", "lasso2d", "toImage"] };
      this.Plotly.react(el, figure.data || [], figure.layout || {}, config).then(() => {
        if (this.alive) el.dataset.revision = revision;
      });
    },
  },
};
</script>
<style id="ceasefire-plotly-chart">
.plotly-chart { width: 100%; min-width: 0; }
.plotly-chart .modebar { opacity: 0.55; }
</style>
"""


class PlotlyChart(v.VuetifyTemplate):
    """One chart: a Plotly figure as a plain dict {"data": [...], "layout": {...}, "revision": ...}."""

    template = traitlets.Unicode(CHART_TEMPLATE).tag(sync=True)
    figure = traitlets.Dict({}).tag(sync=True)
    plotly_version = traitlets.Unicode(plotly.__version__).tag(sync=True)


@solara.component
def Chart(figure: dict[str, Any], classes: list[str] | None = None):
    """A chart that redraws in place when `figure` changes."""
    element = PlotlyChart.element(figure=figure)
    if classes:
        return solara.Div(children=[element], classes=classes, style={"width": "100%", "min-width": "0"})
    return element


# --------------------------------------------------------------------------- scenario file picker

PICKER_TEMPLATE = """
<template>
  <label :class="['scenario-drop', { over: over }]" @dragover.prevent="over = true" @dragleave="over = false"
         @drop.prevent="drop">
    <input ref="input" type="file" class="scenario-file-input" accept=".toml,text/plain,application/toml"
           @change="choose">
    <span>{{ label }}</span>
  </label>
</template>
<script>
module.exports = {
  data() { return { over: false, serial: 0 }; },
  methods: {
    choose() {
      const input = this.$refs.input;
      if (input.files.length) this.send(input.files[0]);
      input.value = "";
    },
    drop(event) {
      this.over = false;
      if (event.dataTransfer && event.dataTransfer.files.length) this.send(event.dataTransfer.files[0]);
    },
    send(file) {
      this.serial += 1;
      const out = { name: file.name, size: file.size, text: null, serial: this.serial + ":" + Date.now() };
      if (file.size > this.max_bytes) {
        this.file = out;
        return;
      }
      file.text().then((content) => { this.file = Object.assign({}, out, { text: content }); });
    },
  },
};
</script>
<style id="ceasefire-scenario-drop">
.scenario-drop { display: flex; align-items: center; justify-content: center; min-height: 84px; padding: 12px;
  border: 2px dashed #90a4ae; border-radius: 8px; cursor: pointer; color: #37474f; text-align: center;
  position: relative; }
.scenario-drop.over { background: #e3f2fd; border-color: #1565c0; }
.scenario-drop input[type=file] { position: absolute; width: 1px; height: 1px; opacity: 0; }
</style>
"""


class ScenarioFilePicker(v.VuetifyTemplate):
    """A drop zone that is also a button: click to choose a .toml file, or drop one on it (a phone can only
    choose). The file's text arrives in `file` as {name, size, text, serial}; `text` is null when the file is larger
    than `max_bytes`."""

    template = traitlets.Unicode(PICKER_TEMPLATE).tag(sync=True)
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
