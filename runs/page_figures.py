"""The page's charts as Plotly figures in plain dicts (drawn by `runs/page_plotly.py`): the actors and this turn's
moves, each party's margin (deal value - BATNA), demands per issue, forces, and the strategy comparison.

One colour per actor everywhere: its camp's hue (the camp leader darkest), or a colour of its own for an actor
outside the camps (the US in syria-2016 is gold, never grey). Every axis names its unit. A figure built for turn t
of a run carries `revision` "run:turn", which the drawn chart copies to its element's `data-revision`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from agents.strategies import US_STRATEGIES
from runs import views

CAMP_PALETTES: tuple[tuple[str, ...], ...] = (
    ("#b71c1c", "#e65100", "#ad1457", "#d84315", "#880e4f"),  # first camp: reds and oranges
    ("#0d47a1", "#00838f", "#3949ab", "#0288d1", "#004d40"),  # second camp: blues and teals
    ("#4a148c", "#8e24aa", "#6a1b9a", "#7b1fa2"),
    ("#3e2723", "#6d4c41", "#8d6e63"),
)
NO_CAMP_PALETTE = ("#b8860b", "#5d4037", "#546e7a", "#827717", "#37474f")  # gold first: the US where it has no camp
DASHES = ("solid", "dash", "dot", "dashdot", "longdash")
ROLE_DASH = {"veto": "solid", "spoiler": "dash", "armed": "dot"}
OUTCOME_COLOURS = {"durable": "#1b5e20", "holding": "#2e7d32", "collapsed": "#ef6c00", "no_deal": "#9e9e9e",
                   "ever_agreed": "#1565c0"}
STRATEGY_COLOURS = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9", "#000000", "#999933",
                    "#882255", "#44aa99")
EDGE_STYLE = {  # kind -> (colour, legend label)
    "threat": ("#d32f2f", "threat (or else)"),
    "strike": ("#7f0000", "threat carried out"),
    "escalation": ("#ff6f00", "escalation"),
    "sanction": ("#6d4c41", "sanctions"),
    "supply": ("#1e88e5", "arms supply"),
    "concession": ("#2e7d32", "concession"),
    "violation": ("#000000", "breaks the truce"),
}
CEASEFIRE_FILL = "rgba(102, 187, 106, 0.18)"
FONT = {"family": "Roboto, Helvetica, Arial, sans-serif", "size": 12, "color": "#212121"}
WEEK_AXIS = "week (one turn = one week)"


def actor_colours(world: views.Structure) -> list[str]:
    """One colour per actor: shades of its camp's hue (leader first), or its own colour outside the camps."""
    colours = [""] * world.n_actors
    for c in range(len(world.camp_ids)):
        palette = CAMP_PALETTES[c % len(CAMP_PALETTES)]
        members = sorted((i for i in range(world.n_actors) if world.camp[i] == c), key=lambda i: (i != world.camp_leader[c], i))
        for n, i in enumerate(members):
            colours[i] = palette[n % len(palette)]
    loose = [i for i in range(world.n_actors) if world.camp[i] < 0]
    for n, i in enumerate(loose):
        colours[i] = NO_CAMP_PALETTE[n % len(NO_CAMP_PALETTE)]
    return colours


def actor_dashes(world: views.Structure) -> list[str]:
    """A line style per actor that tells camp members apart (leader solid)."""
    dashes = ["solid"] * world.n_actors
    for c in range(len(world.camp_ids)):
        members = sorted((i for i in range(world.n_actors) if world.camp[i] == c), key=lambda i: (i != world.camp_leader[c], i))
        for n, i in enumerate(members):
            dashes[i] = DASHES[n % len(DASHES)]
    return dashes


def strategy_colour(name: str) -> str:
    names = list(US_STRATEGIES)
    index = names.index(name) if name in names else len(names) + hash(name) % 2
    return STRATEGY_COLOURS[index % len(STRATEGY_COLOURS)]


def _round(values: Any, digits: int = 4) -> list:
    """Plain floats for JSON; None (a gap) where a value is missing: a NaN is not JSON, and the browser refuses the
    whole message."""
    arr = np.asarray(values, dtype=float)
    return [None if not np.isfinite(v) else round(float(v), digits) for v in arr]


def _rows(columns: list[Any], digits: int = 4) -> list[list]:
    """Columns side by side as rows (Plotly's customdata), missing values as None."""
    return [list(row) for row in zip(*(_round(c, digits) for c in columns), strict=True)]


def _base_layout(height: int, **extra: Any) -> dict[str, Any]:
    layout = {
        "height": height, "autosize": True, "font": FONT, "margin": {"l": 64, "r": 12, "t": 12, "b": 48},
        "paper_bgcolor": "white", "plot_bgcolor": "#fcfcfc", "uirevision": "keep",
        # Above the plot: Plotly grows the top margin to fit it, so it never covers a curve or the week axis.
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom", "font": {"size": 12}},
        "hoverlabel": {"font": {"size": 12}, "namelength": -1},
    }
    layout.update(extra)
    return layout


def _week_axis(run: views.Run, **extra: Any) -> dict[str, Any]:
    axis = {"title": {"text": WEEK_AXIS, "standoff": 6}, "range": [-0.5, max(run.turns, 1) + 0.5], "zeroline": False,
            "gridcolor": "#e6e6e6", "ticks": "outside"}
    axis.update(extra)
    return axis


def _ceasefire_shapes(run: views.Run, t: int, xref: str = "x", yref: str = "paper") -> list[dict[str, Any]]:
    shapes = []
    for truce in views.truces(run, t):
        shapes.append({"type": "rect", "xref": xref, "yref": yref, "x0": truce.start - 0.5, "x1": truce.end + 0.5,
                       "y0": 0, "y1": 1, "fillcolor": CEASEFIRE_FILL, "line": {"width": 0}, "layer": "below"})
    return shapes


def _ceasefire_legend() -> dict[str, Any]:
    return {"type": "scatter", "x": [None], "y": [None], "mode": "markers", "name": "ceasefire in force",
            "marker": {"symbol": "square", "size": 12, "color": "rgba(102, 187, 106, 0.45)"}, "hoverinfo": "skip"}


# --------------------------------------------------------------------------- the actors and this turn's moves


def network_figure(run: views.Run, t: int) -> dict[str, Any]:
    """The actors at turn t: node size = force, colour = actor (camp hue), black ring = veto player, faded = withdrawn;
    arrows = that turn's threats, strikes, escalation, sanctions, arms supplies and concessions."""
    w = run.structure
    snap = run.snapshots[t]
    pos = views.network_layout(run.structure)
    colours = actor_colours(w)
    force = snap.actors.get("force", np.zeros(w.n_actors))
    engaged = snap.actors.get("engaged", np.ones(w.n_actors)) > 0.5
    top = max(float(np.max(run.actor_series("force")[: t + 1])) if t >= 0 else 0.0, 1e-9)
    sizes = [round(28 + 34 * float(np.sqrt(max(f, 0.0) / top)), 1) for f in force]
    margin = run.margin()[t]
    deal, batna = snap.actors.get("deal_value"), snap.actors.get("batna")
    roles = dict(views.parties(run))
    strategies = run.model.strategy_names
    hover = []
    for i, a in enumerate(w.actor_ids):
        c = int(w.camp[i])
        lines = [f"<b>{w.actor_names[i]}</b> ({a})", f"camp: {w.camp_ids[c] if c >= 0 else 'none'}",
                 f"role: {views.ROLE_LABELS.get(roles.get(i, ''), 'cannot block the deal')}",
                 f"strategy: {strategies.get(a, '')}", f"force: {force[i]:.1f}"]
        if deal is not None and batna is not None:
            lines.append(f"deal {deal[i]:.3f} vs alternative {batna[i]:.3f} (margin {margin[i]:+.3f})")
        if not engaged[i]:
            lines.append("withdrawn")
        hover.append("<br>".join(lines))
    nodes = {
        "type": "scatter", "mode": "markers+text", "x": [pos[a][0] for a in w.actor_ids],
        "y": [pos[a][1] for a in w.actor_ids], "text": list(w.actor_ids), "textposition": "middle center",
        "textfont": {"color": "white", "size": 11, "family": FONT["family"]}, "hovertext": hover, "hoverinfo": "text",
        "marker": {"size": sizes, "color": colours, "opacity": [1.0 if e else 0.35 for e in engaged],
                   "line": {"color": ["#000000" if w.veto[i] else "#ffffff" for i in range(w.n_actors)],
                            "width": [3.5 if w.veto[i] else 1.5 for i in range(w.n_actors)]}},
        "showlegend": False,
    }
    annotations, seen, kinds = [], {}, []
    size_of = dict(zip(w.actor_ids, sizes, strict=True))
    for src, dst, kind in snap.edges:
        n = seen.get((src, dst), 0)
        seen[(src, dst)] = n + 1
        (x0, y0), (x1, y1) = pos[src], pos[dst]
        dx, dy = x1 - x0, y1 - y0
        length = max(float(np.hypot(dx, dy)), 1e-9)
        shift = 0.05 * (n - 0.5 * (n > 0))  # parallel arrows side by side
        ox, oy = -dy / length * shift, dx / length * shift
        colour, _ = EDGE_STYLE[kind]
        annotations.append({
            "x": x1 + ox, "y": y1 + oy, "ax": x0 + ox, "ay": y0 + oy, "xref": "x", "yref": "y", "axref": "x",
            "ayref": "y", "text": "", "showarrow": True, "arrowhead": 2, "arrowsize": 1.2, "arrowwidth": 2.4,
            "arrowcolor": colour, "standoff": size_of[dst] / 2 + 2, "startstandoff": size_of[src] / 2 + 2,
        })
        if kind not in kinds:
            kinds.append(kind)
    for c, camp in enumerate(w.camp_ids):
        members = [pos[a] for i, a in enumerate(w.actor_ids) if w.camp[i] == c]
        if members:
            annotations.append({"x": float(np.mean([p[0] for p in members])), "y": 1.32, "xref": "x", "yref": "y",
                                "text": f"<b>{camp} camp</b>", "showarrow": False, "font": {"size": 12, "color": "#424242"}})
    legend = [{"type": "scatter", "x": [None], "y": [None], "mode": "lines", "name": EDGE_STYLE[k][1],
               "line": {"color": EDGE_STYLE[k][0], "width": 3}, "hoverinfo": "skip"} for k in kinds]
    note = "" if kinds else ("no moves yet" if t == 0 else "no pressure or concessions this week")
    if note:
        annotations.append({"x": 0, "y": -1.62, "xref": "x", "yref": "y", "text": note, "showarrow": False,
                            "font": {"size": 12, "color": "#757575"}})
    layout = _base_layout(
        400, margin={"l": 8, "r": 8, "t": 8, "b": 8},
        xaxis={"visible": False, "range": [-1.55, 1.55], "fixedrange": False},
        yaxis={"visible": False, "range": [-1.75, 1.45]},
        annotations=annotations, showlegend=bool(legend),
        legend={"orientation": "h", "x": 0, "y": 0, "yanchor": "bottom", "bgcolor": "rgba(255,255,255,0.7)"},
        plot_bgcolor="white",
    )
    return {"data": [nodes, *legend], "layout": layout, "revision": run.revision(t)}


# --------------------------------------------------------------------------- why: margins


def margins_figure(run: views.Run, t: int) -> dict[str, Any]:
    """Each party that can block or break the deal: deal value - BATNA per week up to t (hover: both values, and
    belief and failure risk where recorded). Above zero it prefers the deal."""
    w = run.structure
    colours = actor_colours(w)
    weeks = list(range(t + 1))
    margin, deal, batna = run.margin(), run.actor_series("deal_value"), run.actor_series("batna")
    extras = [n for n in ("belief", "p_fail") if run.has_actor_column(n)]
    data = []
    for i, role in views.parties(run):
        custom = [deal[: t + 1, i], batna[: t + 1, i]] + [run.actor_series(n)[: t + 1, i] for n in extras]
        template = "%{y:+.3f} (deal %{customdata[0]:.3f}, alternative %{customdata[1]:.3f}"
        for k, n in enumerate(extras, start=2):
            template += f", {'belief it prevails' if n == 'belief' else 'failure risk'} %{{customdata[{k}]:.0%}}"
        data.append({
            "type": "scatter", "mode": "lines+markers" if t < 15 else "lines", "x": weeks, "y": _round(margin[: t + 1, i]),
            "name": f"{w.actor_ids[i]} ({views.ROLE_LABELS[role]})",
            "line": {"color": colours[i], "width": 3 if role == "veto" else 2, "dash": ROLE_DASH[role]},
            "marker": {"size": 5}, "customdata": _rows(custom),
            "hovertemplate": template + ")<extra>" + w.actor_ids[i] + "</extra>",
        })
    shapes = _ceasefire_shapes(run, t) + [
        {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": 0, "y1": 0, "line": {"color": "#212121", "width": 1.5}}]
    annotations = [{"xref": "paper", "yref": "y", "x": 1, "y": 0, "xanchor": "right", "yanchor": "bottom",
                    "text": "above 0: prefers the deal", "showarrow": False, "font": {"size": 11, "color": "#424242"}}]
    threshold = views.defection_threshold(run.model)
    if threshold:
        shapes.append({"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": -threshold, "y1": -threshold,
                       "line": {"color": "#757575", "width": 1, "dash": "dot"}})
        annotations.append({"xref": "paper", "yref": "y", "x": 1, "y": -threshold, "xanchor": "right",
                            "yanchor": "top", "text": "below: breaks a truce", "showarrow": False,
                            "font": {"size": 11, "color": "#616161"}})
    data.append(_ceasefire_legend())
    layout = _base_layout(
        400, xaxis=_week_axis(run), shapes=shapes, hovermode="x unified", annotations=annotations,
        yaxis={"title": {"text": "deal value − BATNA (utility)", "standoff": 4}, "zeroline": False,
               "gridcolor": "#e6e6e6", "tickformat": "+.2f"},
    )
    return {"data": data, "layout": layout, "revision": run.revision(t)}


def deal_batna_figure(run: views.Run, t: int) -> dict[str, Any]:
    """Small multiples: each party's deal value (solid) and BATNA (dashed) per week up to t."""
    w = run.structure
    colours = actor_colours(w)
    who = views.parties(run)
    weeks = list(range(t + 1))
    deal, batna = run.actor_series("deal_value"), run.actor_series("batna")
    cols = 2
    rows = int(np.ceil(len(who) / cols))
    axes, data, annotations, shapes = {}, [], [], []
    gap_x, gap_y = 0.08, 0.12 / max(rows, 1) * 2
    for n, (i, role) in enumerate(who):
        r, c = divmod(n, cols)
        k = n + 1
        suffix = "" if k == 1 else str(k)
        x0 = c * (1 + gap_x) / cols
        y1 = 1 - r / rows
        axes[f"xaxis{suffix}"] = _week_axis(run, domain=[x0, x0 + (1 - gap_x) / cols], anchor=f"y{suffix}",
                                            title={"text": "week", "standoff": 2, "font": {"size": 11}})
        axes[f"yaxis{suffix}"] = {"domain": [y1 - 1 / rows + gap_y, y1 - 0.02], "anchor": f"x{suffix}",
                                  "title": {"text": "utility", "standoff": 2, "font": {"size": 11}},
                                  "gridcolor": "#e6e6e6"}
        for series, name, dash in ((deal, "deal value", "solid"), (batna, "BATNA", "dash")):
            data.append({"type": "scatter", "mode": "lines", "x": weeks, "y": _round(series[: t + 1, i]),
                         "xaxis": f"x{suffix}", "yaxis": f"y{suffix}", "name": name, "showlegend": False,
                         "line": {"color": colours[i], "dash": dash, "width": 2},
                         "hovertemplate": f"{w.actor_ids[i]} {name} %{{y:.3f}}<extra></extra>"})
        annotations.append({"xref": "x" + suffix + " domain", "yref": "y" + suffix + " domain", "x": 0, "y": 1,
                            "xanchor": "left", "yanchor": "bottom", "showarrow": False,
                            "text": f"<b>{w.actor_names[i]}</b> ({views.ROLE_LABELS[role]})", "font": {"size": 12}})
        shapes += _ceasefire_shapes(run, t, xref=f"x{suffix}", yref=f"y{suffix} domain")
    data += [{"type": "scatter", "x": [None], "y": [None], "mode": "lines", "name": name, "hoverinfo": "skip",
              "line": {"color": "#424242", "dash": dash, "width": 2}}
             for name, dash in (("deal value", "solid"), ("BATNA (best alternative)", "dash"))]
    layout = _base_layout(170 * rows + 80, annotations=annotations, shapes=shapes, hovermode="x unified",
                          margin={"l": 56, "r": 12, "t": 40, "b": 44}, **axes)
    return {"data": data, "layout": layout, "revision": run.revision(t)}


# --------------------------------------------------------------------------- demands and forces


def demands_figure(run: views.Run, t: int, issue: str) -> dict[str, Any]:
    """Demands on one issue per week up to t (veto players thick), with the deal on offer (black dashed)."""
    w = run.structure
    colours, dashes = actor_colours(w), actor_dashes(w)
    spec = next((i for i in run.model.spec.issues if i.id == issue), None)
    weeks = list(range(t + 1))
    demands = run.actor_series(f"demand_{issue}")
    data = []
    for i, a in enumerate(w.actor_ids):
        veto = bool(w.veto[i])
        data.append({"type": "scatter", "mode": "lines", "x": weeks, "y": _round(demands[: t + 1, i]), "name": a,
                     "line": {"color": colours[i], "width": 3 if veto else 1.6, "dash": dashes[i]},
                     "opacity": 1.0 if veto else 0.75,
                     "hovertemplate": f"{w.actor_names[i]}: %{{y:.2f}}<extra></extra>"})
    data.append({"type": "scatter", "mode": "lines", "x": weeks, "y": _round(run.model_series(f"offer_{issue}")[: t + 1]),
                 "name": "deal on offer", "line": {"color": "#000000", "width": 2.5, "dash": "dash"},
                 "hovertemplate": "deal on offer: %{y:.2f}<extra></extra>"})
    data.append(_ceasefire_legend())
    layout = _base_layout(
        360, xaxis=_week_axis(run), shapes=_ceasefire_shapes(run, t), hovermode="x unified",
        yaxis={"title": {"text": f"{issue} (0-1 scale)", "standoff": 4}, "range": [-0.04, 1.04], "gridcolor": "#e6e6e6",
               "tickvals": [0, 0.25, 0.5, 0.75, 1]},
    )
    return {"data": data, "layout": layout, "revision": run.revision(t)}


def issue_scale(run: views.Run, issue: str) -> str:
    """What 0 and 1 mean on an issue, from the scenario."""
    spec = next((i for i in run.model.spec.issues if i.id == issue), None)
    low = spec.low if spec is not None and spec.low else "the low end"
    high = spec.high if spec is not None and spec.high else "the high end"
    return f"0 = {low}; 1 = {high}."


def force_unit(run: views.Run) -> tuple[str | None, str]:
    """(short unit for the axis, the scenario's full description); None if force does not enter the scenario."""
    text = " ".join((run.model.spec.force_unit or "").split())
    if text.lower().startswith("not used"):
        return None, text
    if not text:
        return "force points", ""
    short = text.split(",")[0].split(";")[0].split(".")[0].split(":")[0].strip()
    return _short(short, 40), text


def forces_figure(run: views.Run, t: int) -> dict[str, Any]:
    """Each armed actor's force per week up to t (actors that never have any are left out)."""
    w = run.structure
    colours, dashes = actor_colours(w), actor_dashes(w)
    force = run.actor_series("force")
    weeks = list(range(t + 1))
    unit, _ = force_unit(run)
    label = f"force ({unit})" if unit else "force (not used in this scenario)"
    data = []
    for i, a in enumerate(w.actor_ids):
        if not np.any(force[:, i] > 0):
            continue
        data.append({"type": "scatter", "mode": "lines", "x": weeks, "y": _round(force[: t + 1, i], 2), "name": a,
                     "line": {"color": colours[i], "width": 3 if w.veto[i] else 2, "dash": dashes[i]},
                     "hovertemplate": f"{w.actor_names[i]}: %{{y:.1f}}<extra></extra>"})
    data.append(_ceasefire_legend())
    layout = _base_layout(360, xaxis=_week_axis(run), shapes=_ceasefire_shapes(run, t), hovermode="x unified",
                          yaxis={"title": {"text": label, "standoff": 4}, "rangemode": "tozero", "gridcolor": "#e6e6e6"})
    return {"data": data, "layout": layout, "revision": run.revision(t)}


# --------------------------------------------------------------------------- compare


def outcome_figure(shares: pd.DataFrame, order: list[str], revision: str = "") -> dict[str, Any]:
    """Outcome shares per US strategy (best first, as in the table) with 95% Wilson intervals."""
    outcomes = [o for o in views.OUTCOME_ORDER if o in set(shares["outcome"])]
    data = []
    for outcome in outcomes:
        sub = shares[shares["outcome"] == outcome].set_index("us_strategy").loc[order]
        data.append({
            "type": "bar", "orientation": "h", "y": order, "x": _round(sub["share"]), "name": views.outcome_label(outcome),
            "marker": {"color": OUTCOME_COLOURS.get(outcome, "#607d8b")},
            "error_x": {"type": "data", "symmetric": False, "array": _round(sub["hi"] - sub["share"]),
                        "arrayminus": _round(sub["share"] - sub["lo"]), "thickness": 1.2, "width": 3, "color": "#212121"},
            "customdata": _rows([sub["lo"], sub["hi"], sub["count"], sub["runs"]]),
            "hovertemplate": "%{y}: %{x:.1%} [%{customdata[0]:.1%}, %{customdata[1]:.1%}] (%{customdata[2]} of "
                             "%{customdata[3]} runs)<extra>" + views.outcome_label(outcome) + "</extra>",
        })
    layout = _base_layout(
        60 + 46 * len(order), barmode="group", bargap=0.25,
        xaxis={"title": {"text": "share of runs (95% Wilson interval)"}, "range": [0, 1], "tickformat": ".0%",
               "gridcolor": "#e6e6e6"},
        yaxis={"title": {"text": "US strategy (best first)"}, "categoryorder": "array", "categoryarray": order,
               "autorange": "reversed"},
        margin={"l": 130, "r": 12, "t": 8, "b": 48},
    )
    layout["height"] = max(layout["height"], 360)
    return {"data": data, "layout": layout, "revision": revision}


def time_to_ceasefire_figure(curves: pd.DataFrame, revision: str = "") -> dict[str, Any]:
    """Share of runs with a first ceasefire by each week, per US strategy (in the table's order)."""
    data = [{"type": "scatter", "mode": "lines", "x": list(map(int, curves.index)), "y": _round(curves[s]), "name": s,
             "line": {"color": strategy_colour(s), "width": 2.5, "shape": "hv"},
             "hovertemplate": f"{s}: %{{y:.1%}} by week %{{x}}<extra></extra>"} for s in curves.columns]
    layout = _base_layout(
        380, hovermode="x unified",
        xaxis={"title": {"text": WEEK_AXIS}, "range": [0, int(curves.index[-1]) if len(curves) else 1], "gridcolor": "#e6e6e6"},
        yaxis={"title": {"text": "share of runs with a first ceasefire"}, "range": [0, 1], "tickformat": ".0%",
               "gridcolor": "#e6e6e6"},
    )
    return {"data": data, "layout": layout, "revision": revision}


def _short(text: str, n: int = 30) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
