"""The comparison report: PNG plots and one self-contained HTML file (table, plots embedded as base64, metadata)."""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HEADERS = {
    "rank": "#", "strategy": "strategy", "runs": "runs", "p_ceasefire": "ceasefire", "p_durable": "durable", "p_holding": "in force at end",
    "p_collapsed": "collapsed", "median_first_turn": "median first week", "mean_weeks_under_ceasefire": "weeks under ceasefire",
    "mean_longest_truce": "longest truce",
    "mean_us_concession": "US concession", "mean_us_utility": "US utility", "mean_casualties": "casualties",
    "diff_vs_baseline": "durable vs baseline", "diff_us_utility_vs_baseline": "US utility vs baseline",
}
"""Columns shown (each with its 95% interval where the table has one) and their headings."""


def fmt(value: Any, digits: int = 3) -> str:
    if value is None or (isinstance(value, float | np.floating) and not np.isfinite(value)):
        return "–"
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        return f"{float(value):.{digits}f}"
    return str(value)


def cell(row: pd.Series, col: str, signed: bool = False, sep: str = " ") -> str:
    """A value with its interval: `0.312 [0.29, 0.33]`."""
    value = row[col]
    text = fmt(value)
    if signed and text != "–":
        text = f"{float(value):+.3f}"
    ci_col = f"{col}_ci"
    if ci_col in row.index and row[ci_col] is not None:
        lo, hi = row[ci_col]
        if np.isfinite(lo) and np.isfinite(hi):
            text += sep + (f"[{lo:.3f}, {hi:.3f}]" if not signed else f"[{lo:+.3f}, {hi:+.3f}]")
    return text


def table_cells(table: pd.DataFrame, sep: str = " ") -> tuple[list[str], list[list[str]]]:
    """Headings and formatted rows of the ranked table (shared by the terminal table and the HTML); `sep` goes
    between a value and its interval."""
    cols = [c for c in HEADERS if c in table.columns]
    rows = [[cell(row, c, signed=c.startswith("diff_"), sep=sep) for c in cols] for _, row in table.iterrows()]
    return [HEADERS[c] for c in cols], rows


def _html_table(headers: list[str], rows: list[list[str]], marked: list[bool] | None = None) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = []
    for i, row in enumerate(rows):
        cls = ' class="mark"' if marked and marked[i] else ""
        body.append(f"<tr{cls}>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


CSS = """body{font-family:system-ui,sans-serif;margin:2em;max-width:80em;color:#222}
table{border-collapse:collapse;font-size:0.85em;margin:1em 0}th,td{border:1px solid #ccc;padding:3px 7px;text-align:right}
th{background:#f3f3f3}td:nth-child(2){text-align:left}tr.mark{background:#fff6d5;font-weight:bold}
img{max-width:100%;margin:0.5em 0;border:1px solid #eee}pre{background:#f7f7f7;padding:1em;overflow:auto;font-size:0.8em}
dl{display:grid;grid-template-columns:max-content auto;gap:0.2em 1em}dt{font-weight:bold}"""


def write_report(out: str | Path, table: pd.DataFrame, runs: pd.DataFrame, metadata: dict[str, Any],
                 group: str = "us_strategy", turns: int | None = None, versus: pd.DataFrame | None = None) -> dict[str, Path]:
    """Write outcome_shares.png, survival.png, concession.png (versus_russia.png with a matrix) and report.html
    into `out`. Returns the paths by name."""
    from runs import plots

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    order = table["strategy"].tolist()
    figures = {
        "outcome_shares": ("Outcome shares", plots.outcome_shares(table)),
        "survival": ("Time to first ceasefire", plots.survival(runs, order, group, turns)),
        "concession": ("US concession", plots.concession_distribution(runs, order, group)),
    }
    if versus is not None:
        figures["versus_russia"] = ("US x Russia", plots.versus_heatmap(versus))
    paths: dict[str, Path] = {}
    images: list[str] = []
    for name, (title, fig) in figures.items():
        data = plots.png_bytes(fig)
        path = out / f"{name}.png"
        path.write_bytes(data)
        paths[name] = path
        b64 = base64.b64encode(data).decode("ascii")
        images.append(f'<h3>{html.escape(title)}</h3><img alt="{html.escape(title)}" src="data:image/png;base64,{b64}">')

    headers, rows = table_cells(table)
    parts = [f"<h1>{html.escape(str(metadata.get('title', 'Strategy comparison')))}</h1>",
             "<p>Ranked by the share of runs with a durable ceasefire at the end (in force and held at least "
             "durable_weeks), then mean US utility. Shares with 95% "
             "Wilson intervals, means with 95% bootstrap intervals; differences against the baseline are paired on "
             "common random numbers (same replicate and sample).</p>",
             _html_table(headers, rows)]
    if versus is not None:
        vcols = [c for c in versus.columns if c not in ("minimax_regret",)]
        vrows = [[fmt(r[c]) for c in vcols] for _, r in versus.iterrows()]
        parts += ["<h2>US strategy x Russian strategy</h2>",
                  "<p>Share durable and mean US utility per cell; regret = best US utility against that Russian "
                  "strategy minus this one's. Highlighted: the minimax-regret (most robust) US strategy.</p>",
                  _html_table(vcols, vrows, versus["minimax_regret"].tolist())]
    parts.append("<h2>Plots</h2>" + "".join(images))
    shown = {k: v for k, v in metadata.items() if k not in ("experiment_text", "title")}
    parts.append("<h2>Metadata</h2><dl>" + "".join(
        f"<dt>{html.escape(str(k))}</dt><dd>{html.escape(v if isinstance(v, str) else json.dumps(v))}</dd>" for k, v in shown.items()) + "</dl>")
    if metadata.get("experiment_text"):
        parts.append(f"<h3>Experiment file</h3><pre>{html.escape(metadata['experiment_text'])}</pre>")
    doc = (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(str(metadata.get('title', 'ceasefire compare')))}</title>"
           f"<style>{CSS}</style></head><body>{''.join(parts)}</body></html>\n")
    report = out / "report.html"
    report.write_text(doc, encoding="utf-8")
    paths["report"] = report
    return paths
