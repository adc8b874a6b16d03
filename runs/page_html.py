"""HTML fragments for the page: the truce timeline, the parties' margins at a turn, the event log, the end-of-run
summary and the ranked comparison table. One string per view, so a step updates one element per view rather than
building a widget per line. Everything that comes from a scenario (names, ids) is escaped: a scenario can be
loaded in the page.
"""

from __future__ import annotations

from html import escape
from typing import Any

import numpy as np
import pandas as pd

from runs import views
from runs.page_figures import OUTCOME_COLOURS, actor_colours, strategy_colour

CSS = """
.ceasefire-page .truce-strip { display: flex; gap: 1px; height: 22px; margin: 4px 0 2px 0; }
.ceasefire-page .truce-cell { flex: 1 1 0; min-width: 1px; background: #eeeeee; position: relative; }
.ceasefire-page .truce-cell.fighting { background: #ef9a9a; }
.ceasefire-page .truce-cell.truce { background: #43a047; }
.ceasefire-page .truce-cell.broke { background: #b71c1c; }
.ceasefire-page .truce-cell.viewed { outline: 2px solid #212121; z-index: 1; }
.ceasefire-page .truce-axis { display: flex; justify-content: space-between; font-size: 11px; color: #616161; }
.ceasefire-page .truce-facts { font-size: 13px; margin-top: 4px; }
.ceasefire-page table.page-table { border-collapse: collapse; width: 100%; font-size: 13px; }
.ceasefire-page table.page-table th { text-align: left; font-weight: 600; border-bottom: 2px solid #bdbdbd;
  padding: 4px 6px; white-space: nowrap; }
.ceasefire-page table.page-table td { border-bottom: 1px solid #eeeeee; padding: 4px 6px; vertical-align: middle; }
.ceasefire-page table.page-table td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.ceasefire-page .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 6px; }
.ceasefire-page .margin-pos { color: #1b5e20; font-weight: 600; }
.ceasefire-page .margin-neg { color: #b71c1c; font-weight: 600; }
.ceasefire-page .bar-cell { display: flex; align-items: center; gap: 6px; }
.ceasefire-page .bar { position: relative; height: 14px; background: #f0f0f0; width: 90px; flex: 0 0 90px; }
.ceasefire-page .bar > span { position: absolute; top: 0; bottom: 0; }
.ceasefire-page .bar > .ci { top: 6px; bottom: auto; height: 2px; background: #212121; }
.ceasefire-page .bar-value { font-size: 12px; font-variant-numeric: tabular-nums; min-width: 44px; }
.ceasefire-page .table-scroll { overflow-x: auto; width: 100%; }
.ceasefire-page .event-log { font-family: "Roboto Mono", Menlo, Consolas, monospace; font-size: 12px;
  max-height: 420px; overflow-y: auto; }
.ceasefire-page .event-log-line { padding: 1px 0; }
.ceasefire-page .event-log-line.kind-ceasefire { font-weight: 700; }
.ceasefire-page .event-log-line.agreed { color: #1b5e20; }
.ceasefire-page .event-log-line.collapses { color: #b71c1c; }
.ceasefire-page .event-log-line.kind-force { color: #6d4c41; }
.ceasefire-page .event-log-line.kind-routine { color: #757575; }
.ceasefire-page .end-facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 8px;
  margin: 6px 0 10px 0; }
.ceasefire-page .end-fact { background: #f5f5f5; border-radius: 6px; padding: 6px 10px; }
.ceasefire-page .end-fact b { display: block; font-size: 18px; }
.ceasefire-page .end-fact span { font-size: 12px; color: #616161; }
"""


def _num(value: float | None, fmt: str = ".3f") -> str:
    return "–" if value is None or not np.isfinite(value) else format(value, fmt)


# --------------------------------------------------------------------------- truce timeline


def truce_timeline(run: views.Run, t: int) -> str:
    """Weeks along the run, green under a ceasefire, red where fighting went on, dark red where a truce broke; the
    week being looked at is outlined. Long runs are shown in bins of several weeks."""
    cf = run.ceasefire()
    turns = max(run.turns, 1)
    found = views.truces(run, t)
    broke = {tr.broken_at for tr in found if tr.broken_at is not None}
    width = int(np.ceil(turns / 260))  # weeks per cell
    cells = []
    for first in range(1, turns + 1, width):
        last = min(first + width - 1, turns)
        played = [w for w in range(first, last + 1) if w <= t]
        if not played:
            kind, tip = "", f"week {first}" + (f"-{last}" if last > first else "") + ": not played yet"
        elif any(w in broke for w in played):
            kind, tip = "broke", f"week {first}: a truce broke"
        elif all(cf[w] for w in played):
            kind, tip = "truce", f"week {first}" + (f"-{last}" if last > first else "") + ": ceasefire in force"
        else:
            kind, tip = "fighting", f"week {first}" + (f"-{last}" if last > first else "") + ": no ceasefire"
        viewed = " viewed" if first <= t <= last and t > 0 else ""
        cells.append(f'<div class="truce-cell {kind}{viewed}" title="{escape(tip)}"></div>')
    stats = views.truce_stats(run, t)
    facts = [f"<b>{stats['weeks_under_ceasefire']}</b> of {t} weeks played under a ceasefire",
             f"{stats['truces']} truce{'s' if stats['truces'] != 1 else ''}"
             + (f" (longest {stats['longest_truce']} week{'s' if stats['longest_truce'] != 1 else ''})" if stats["truces"] else "")]
    for tr in found:
        if tr.broken_at is not None:
            who = ", ".join(tr.breakers) or "nobody's margin"
            facts.append(f"weeks {tr.start}-{tr.end} broken in week {tr.broken_at} by {escape(who)}"
                         if tr.end > tr.start else f"week {tr.start} broken in week {tr.broken_at} by {escape(who)}")
        else:
            facts.append(f"holding since week {tr.start}")
    return (f'<div class="truce-timeline"><div class="truce-strip">{"".join(cells)}</div>'
            f'<div class="truce-axis"><span>week 1</span><span>week {turns}</span></div>'
            f'<div class="truce-facts">{" · ".join(facts)}.</div></div>')


# --------------------------------------------------------------------------- who can block or break the deal


def parties_table(run: views.Run, t: int) -> str:
    """The parties that can block or break the deal at turn t: deal value, BATNA, margin (and belief and failure
    risk where the model records them), the most negative margin first."""
    rows = sorted(views.party_rows(run, t), key=lambda r: r["margin"])
    colours = actor_colours(run.structure)
    index = {a: i for i, a in enumerate(run.structure.actor_ids)}
    extra = [c for c in ("belief", "p_fail") if rows and c in rows[0]]
    heads = ["party", "role", "deal value", "BATNA", "margin"] + [
        {"belief": "belief it prevails", "p_fail": "failure risk"}[c] for c in extra]
    out = ['<div class="table-scroll"><table class="page-table parties-table"><thead><tr>']
    out += [f"<th>{h}</th>" for h in heads]
    out.append("</tr></thead><tbody>")
    for r in rows:
        cls = "margin-pos" if r["margin"] >= 0 else "margin-neg"
        colour = colours[index[r["actor"]]]
        out.append(f'<tr data-actor="{escape(r["actor"])}"><td><span class="swatch" style="background:{colour}"></span>'
                   f'{escape(r["name"])} ({escape(r["actor"])})</td><td>{views.ROLE_LABELS[r["role"]]}</td>'
                   f'<td class="num">{_num(r["deal_value"])}</td><td class="num">{_num(r["batna"])}</td>'
                   f'<td class="num {cls}">{views.margin_text(r["margin"])}</td>')
        out += [f'<td class="num">{_num(r[c], ".0%")}</td>' for c in extra]
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


# --------------------------------------------------------------------------- event log


def event_log(lines: list[str]) -> str:
    if not lines:
        return '<div class="event-log"><div class="event-log-empty">Nothing to show yet.</div></div>'
    out = ['<div class="event-log">']
    for line in lines:
        kind = views.log_kind(line)
        extra = " agreed" if ("AGREED" in line or "SIGNED" in line) else (" collapses" if "COLLAPSES" in line else "")
        out.append(f'<div class="event-log-line kind-{kind}{extra}">{escape(line)}</div>')
    out.append("</div>")
    return "".join(out)


# --------------------------------------------------------------------------- end of run


def end_of_run(run: views.Run) -> str:
    """Outcome, weeks under ceasefire, longest truce, collapses, US concession and utility, and every actor's
    utility and casualties (as `ceasefire run` prints them)."""
    s = views.end_summary(run)
    outcome = str(s.get("outcome", ""))
    facts = [(views.outcome_label(outcome).capitalize(), "outcome")]
    if "durable" in s:
        facts.append(("yes" if s["durable"] else "no", "durable"))
    facts += [(f"{s['weeks_under_ceasefire']} of {s.get('turns_played', run.turn)}", "weeks under ceasefire"),
              (f"{s['longest_truce']} week{'s' if s['longest_truce'] != 1 else ''}", "longest truce"),
              (str(s.get("n_ceasefires", s.get("truces", 0))), "ceasefires agreed"),
              (str(s["n_collapses"]), "collapses")]
    if s.get("first_agreed_turn") is not None:
        facts.append((f"week {s['first_agreed_turn']}", "first ceasefire"))
    if "us_concession" in s:
        facts.append((_num(s["us_concession"]), "US concession (salience-weighted)"))
    if "us_utility" in s:
        facts.append((_num(s["us_utility"]), "US utility"))
    if "casualties" in s:
        facts.append((_num(s["casualties"], ".1f"), "casualties, all parties (force points)"))
    out = ['<div class="end-of-run"><div class="end-facts">']
    out += [f'<div class="end-fact"><b>{escape(str(v))}</b><span>{escape(k)}</span></div>' for v, k in facts]
    out.append("</div>")
    terms = s.get("terms")
    if terms:
        out.append('<div class="end-terms" style="font-size:13px;margin-bottom:6px">Last terms: '
                   + escape(", ".join(f"{k} {v:.2f}" for k, v in terms.items())) + "</div>")
    rows = views.actor_outcomes(run, s)
    colours = actor_colours(run.structure)
    out.append('<div class="table-scroll"><table class="page-table end-table"><thead><tr><th>actor</th><th>camp</th>'
               '<th>utility of the outcome</th><th>casualties (force lost)</th></tr></thead><tbody>')
    for i, r in enumerate(rows):
        out.append(f'<tr><td><span class="swatch" style="background:{colours[i]}"></span>{escape(r["name"])} '
                   f'({escape(r["actor"])})</td><td>{escape(r["camp"] or "none")}</td>'
                   f'<td class="num">{_num(r["utility"])}</td><td class="num">{_num(r["casualties"], ".1f")}</td></tr>')
    out.append("</tbody></table></div>")
    by_camp = s.get("casualties_by_camp") or {}
    if by_camp:
        out.append('<div style="font-size:12px;color:#616161;margin-top:4px">Casualties by camp: '
                   + escape(", ".join(f"{c} {v:.1f}" for c, v in by_camp.items())) + "</div>")
    out.append("</div>")
    return "".join(out)


# --------------------------------------------------------------------------- compare


def _bar(share: float, lo: float, hi: float, colour: str) -> str:
    """A share as a bar with its 95% interval drawn across it, and the number beside it."""
    return (f'<div class="bar-cell" title="{share:.1%} (95% interval {lo:.1%} to {hi:.1%})"><div class="bar">'
            f'<span style="left:0;width:{share * 100:.1f}%;background:{colour};opacity:0.45"></span>'
            f'<span class="ci" style="left:{lo * 100:.1f}%;width:{max(hi - lo, 0.004) * 100:.1f}%"></span></div>'
            f'<span class="bar-value">{share:.1%}</span></div>')


def ranked_table(table: pd.DataFrame) -> str:
    """The comparison, best strategy first (the charts use the same order): a bar per outcome share with its 95%
    interval, and the median week of the first ceasefire."""
    outcomes = [o for o in (*views.OUTCOME_ORDER, "ever_agreed") if o in table.columns]
    heads = ["#", "US strategy"] + [views.outcome_label(o) for o in outcomes] + ["median week of first ceasefire"]
    out = ['<div class="table-scroll"><table class="page-table ranked-table"><thead><tr>']
    out += [f"<th>{escape(h)}</th>" for h in heads]
    out.append("</tr></thead><tbody>")
    for _, row in table.iterrows():
        name = str(row["US strategy"])
        desc = views.strategy_description(name)
        out.append(f'<tr data-strategy="{escape(name)}"><td class="num">{int(row["rank"])}</td>'
                   f'<td title="{escape(desc)}"><span class="swatch" style="background:{strategy_colour(name)}"></span>'
                   f'<b>{escape(name)}</b><div style="font-size:11px;color:#616161;max-width:260px">{escape(desc)}</div></td>')
        for o in outcomes:
            share, lo, hi = row[o]
            out.append(f"<td>{_bar(share, lo, hi, OUTCOME_COLOURS.get(o, '#607d8b'))}</td>")
        median = row.get("median_first_week")
        out.append(f'<td class="num">{"–" if median is None or pd.isna(median) else f"week {median:.0f}"}</td></tr>')
    out.append("</tbody></table></div>")
    return "".join(out)


def runs_note(table: pd.DataFrame) -> str:
    n = int(table["runs"].iloc[0]) if len(table) else 0
    return f"{len(table)} US strategies × {n:,} runs each; 95% Wilson intervals; replicate r has the same random numbers under every strategy."


