"""What the page (`runs/app.py`) shows, as plain functions: settings and their validation, the model's history,
matplotlib figures, the banner, the event log and the strategy comparison. No Solara here, so every view can be
tested without a browser (`tests/test_app_components.py`).

Figures are `matplotlib.figure.Figure` objects (never pyplot): nothing global, safe per browser session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from agents.strategies import RUSSIA_STRATEGIES, US_STRATEGIES
from model import recording
from model import scenario as scenario_module
from model.errors import CeasefireError
from model.mesa_model import CeasefireModel
from model.scenario import Scenario

DEFAULT_SCENARIO = "syria-2016"
OUTCOMES: tuple[str, ...] = ("holding", "collapsed", "no_deal")
OUTCOME_LABELS = {"holding": "ceasefire holding at the end", "collapsed": "agreed, then collapsed", "no_deal": "never agreed"}
OUTCOME_COLOURS = {"holding": "#2e7d32", "collapsed": "#ef6c00", "no_deal": "#9e9e9e"}
CAMP_COLOURS = ("#c62828", "#1565c0", "#6a1b9a", "#00838f")
NO_CAMP_COLOUR = "#757575"
EDGE_STYLE = {  # kind -> (colour, line style, legend label)
    "threat": ("#d32f2f", "dashed", "threat (or else)"),
    "strike": ("#b71c1c", "solid", "threat carried out"),
    "escalation": ("#ff6f00", "solid", "escalation"),
    "sanction": ("#6d4c41", "dotted", "sanctions"),
    "supply": ("#1e88e5", "solid", "arms supply"),
    "concession": ("#2e7d32", "solid", "concession"),
}
PRESSURE_KINDS = frozenset({"threat", "strike", "escalation", "sanction", "supply"})
_EPS = 1e-9
MAX_SEED = 2**63 - 1


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class Settings:
    """Everything the controls set; `build_model(settings)` is the run they describe."""

    scenario: str = DEFAULT_SCENARIO
    us_strategy: str | None = None  # None: the scenario has no USA
    russia_strategy: str | None = None  # None: the scenario has no RUS
    us_credibility: float | None = None
    us_commitment: float | None = None
    russia_resolve: float | None = None
    perception_noise: float = 0.1
    incident_rate: float = 0.05
    turns: int = 52
    seed: int = 0

    @classmethod
    def defaults(cls, scenario: str = DEFAULT_SCENARIO, seed: int = 0) -> Settings:
        """The scenario's own values for every control."""
        spec = load_scenario(scenario)
        usa, rus = actor(spec, "USA"), actor(spec, "RUS")
        return cls(
            scenario=scenario,
            us_strategy=usa.strategy if usa else None,
            russia_strategy=rus.strategy if rus else None,
            us_credibility=usa.credibility if usa else None,
            us_commitment=usa.commitment if usa else None,
            russia_resolve=rus.resolve if rus else None,
            perception_noise=float(spec.params.perception_noise),
            incident_rate=float(spec.params.incident_rate),
            turns=int(spec.params.turns),
            seed=seed,
        )

    def strategies(self) -> dict[str, str]:
        return {"RUS": self.russia_strategy} if self.russia_strategy else {}

    def params(self) -> dict[str, float]:
        """The model's `params` overrides for these settings (turns go separately)."""
        out = {"params.perception_noise": self.perception_noise, "params.incident_rate": self.incident_rate}
        if self.us_credibility is not None:
            out["USA.credibility"] = self.us_credibility
        if self.us_commitment is not None:
            out["USA.commitment"] = self.us_commitment
        if self.russia_resolve is not None:
            out["RUS.resolve"] = self.russia_resolve
        return out

    def describe(self) -> str:
        """One line naming every value the run was built with."""
        parts = [self.scenario]
        if self.us_strategy:
            parts.append(f"US: {self.us_strategy}")
        if self.russia_strategy:
            parts.append(f"Russia: {self.russia_strategy}")
        if self.us_credibility is not None:
            parts.append(f"US credibility {self.us_credibility:.2f}")
        if self.us_commitment is not None:
            parts.append(f"US commitment {self.us_commitment:.2f}")
        if self.russia_resolve is not None:
            parts.append(f"Russian resolve {self.russia_resolve:.2f}")
        parts += [f"perception noise {self.perception_noise:.2f}", f"incident rate {self.incident_rate:.2f}",
                  f"{self.turns} turns", f"seed {self.seed}"]
        return " · ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)


def load_scenario(name: str) -> Scenario:
    return scenario_module.load(name)


def scenario_names() -> list[str]:
    return scenario_module.builtin_names()


def actor(spec: Scenario, actor_id: str):
    return next((a for a in spec.actors if a.id == actor_id), None)


def us_strategy_options(spec: Scenario) -> list[str]:
    usa = actor(spec, "USA")
    if usa is None:
        return []
    return list(US_STRATEGIES) + ([usa.strategy] if usa.strategy not in US_STRATEGIES else [])


def russia_strategy_options(spec: Scenario) -> list[str]:
    rus = actor(spec, "RUS")
    if rus is None:
        return []
    return list(RUSSIA_STRATEGIES) + ([rus.strategy] if rus.strategy not in RUSSIA_STRATEGIES else [])


def _parse_whole(text: str | int, name: str, low: int, high: int, allowed: str) -> int:
    """A whole number in [low, high] typed into a control (CeasefireError with a one-line message otherwise)."""
    raw = str(text).strip()
    try:
        value = int(raw)
    except ValueError:
        raise CeasefireError(f"{name} {raw!r}: not a whole number; use {allowed}") from None
    if not low <= value <= high:
        raise CeasefireError(f"{name} {value}: out of range; use {allowed}")
    return value


def parse_seed(text: str | int) -> int:
    """An integer seed >= 0."""
    return _parse_whole(text, "seed", 0, MAX_SEED, "an integer from 0 to 2**63-1")


def parse_turns(text: str | int) -> int:
    """A number of turns from 1 to 10,000."""
    return _parse_whole(text, "turns", 1, 10_000, "an integer from 1 to 10000")


def build_model(settings: Settings) -> CeasefireModel:
    """The model the settings describe (CeasefireError on a bad value), with its turn-0 state kept for the views."""
    model = CeasefireModel(settings.scenario, us_strategy=settings.us_strategy, strategies=settings.strategies(),
                           turns=settings.turns, params=settings.params(), rng=settings.seed)
    model.app_settings = settings
    model.app_turn0 = (recording.model_columns(model.world), recording.actor_columns(model.world))
    return model


# --------------------------------------------------------------------------- history


def model_history(model: CeasefireModel) -> pd.DataFrame:
    """Per-turn model table with turn 0 (the state before the first move) prepended."""
    turn0 = getattr(model, "app_turn0", None) or (recording.model_columns(model.world), recording.actor_columns(model.world))
    row = pd.DataFrame({"turn": [0]} | {name: [values[0].item()] for name, values in turn0[0].items()})
    if model.turn == 0:
        return row
    return pd.concat([row, model.model_table()], ignore_index=True)


def actor_history(model: CeasefireModel) -> pd.DataFrame:
    """Per-turn actor table (turn, actor, force, deal_value, batna, demand_<issue>, ...) with turn 0."""
    turn0 = getattr(model, "app_turn0", None) or (recording.model_columns(model.world), recording.actor_columns(model.world))
    ids = list(model.world.actor_ids)
    row = pd.DataFrame({"turn": [0] * len(ids), "actor": ids} | {name: values[0].tolist() for name, values in turn0[1].items()})
    if model.turn == 0:
        return row
    table = model.actor_table()
    return pd.concat([row, table[row.columns]], ignore_index=True)


def ceasefire_spans(history: pd.DataFrame) -> list[tuple[float, float]]:
    """(start, end) turn ranges with a ceasefire in force, for shading."""
    spans, start = [], None
    for turn, cf in zip(history["turn"], history["ceasefire"].astype(bool), strict=True):
        if cf and start is None:
            start = turn - 0.5
        if not cf and start is not None:
            spans.append((start, turn - 0.5))
            start = None
    if start is not None:
        spans.append((start, float(history["turn"].iloc[-1]) + 0.5))
    return spans


def _shade_ceasefire(ax, spans) -> None:
    for lo, hi in spans:
        ax.axvspan(lo, hi, color="#a5d6a7", alpha=0.35, lw=0, zorder=0)


def camp_colour(model: CeasefireModel, index: int) -> str:
    c = int(model.world.camp[index])
    return CAMP_COLOURS[c % len(CAMP_COLOURS)] if c >= 0 else NO_CAMP_COLOUR


# --------------------------------------------------------------------------- network


def turn_edges(model: CeasefireModel) -> list[tuple[str, str, str]]:
    """(from actor id, to actor id, kind) for the pressure and concessions of the last turn played."""
    report = model.last_report
    if report is None:
        return []
    w = model.world
    ids = w.actor_ids
    war = float(w.p["war_intensity"][0])
    edges: list[tuple[str, str, str]] = []
    for i, act in enumerate(report.actions):
        cp = int(w.counterpart[i])
        if report.pressure.threatened[0, i] and cp != i:
            edges.append((ids[i], ids[cp], "threat"))
        if report.pressure.carried_out[0, i]:
            for j in np.flatnonzero(report.pressure.punished_force[0] > 0):
                edges.append((ids[i], ids[j], "strike"))
        if w.intensity[0, i] > war + _EPS and w.force[0, i] > 0:
            target = cp if w.enemy[i, cp] else None
            if target is None:
                enemies = np.flatnonzero(w.enemy[i])
                leaders = [int(w.camp_leader[c]) for c in range(len(w.camp_ids)) if int(w.camp_leader[c]) in enemies]
                target = leaders[0] if leaders else (int(enemies[0]) if enemies.size else None)
            if target is not None:
                edges.append((ids[i], ids[target], "escalation"))
        if act.sanction[0] and w.engaged[0, i] and cp != i:
            edges.append((ids[i], ids[cp], "sanction"))
        if act.supply[0] and w.engaged[0, i]:
            for j in np.flatnonzero((w.patron == i) & (report.pressure.supplied[0] > 0)):
                edges.append((ids[i], ids[j], "supply"))
        if w.concession[0, i] > _EPS and cp != i:
            edges.append((ids[i], ids[cp], "concession"))
    return edges


def network_layout(model: CeasefireModel) -> dict[str, tuple[float, float]]:
    """Fixed positions: one column per camp (leader on top), actors without a camp along the bottom."""
    w = model.world
    pos: dict[str, tuple[float, float]] = {}
    n_camps = len(w.camp_ids)
    for c in range(n_camps):
        members = [i for i in range(w.n_actors) if w.camp[i] == c]
        members.sort(key=lambda i: (i != w.camp_leader[c], i))
        x = -1.0 if n_camps == 1 else -1.0 + 2.0 * c / (n_camps - 1)
        for r, i in enumerate(members):
            pos[w.actor_ids[i]] = (x + (0.25 if r % 2 else 0.0) * (1 if x <= 0 else -1), 1.0 - 2.0 * r / max(1, len(members)))
    loose = [i for i in range(w.n_actors) if w.camp[i] < 0]
    for r, i in enumerate(loose):
        if n_camps:
            pos[w.actor_ids[i]] = (-0.3 + 0.6 * (r + 0.5) / len(loose), -1.2)
        else:  # no camps at all: a circle
            angle = 2 * np.pi * r / len(loose) + np.pi / 2
            pos[w.actor_ids[i]] = (np.cos(angle), np.sin(angle))
    return pos


def network_figure(model: CeasefireModel) -> Figure:
    """The actors: node size = force, colour = camp, arrows = this turn's pressure and concessions."""
    import networkx as nx

    w = model.world
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(w.actor_ids)
    edges = turn_edges(model)
    pos = network_layout(model)
    fig = Figure(figsize=(6.4, 4.8), dpi=100)
    ax = fig.subplots()
    force = np.asarray(w.force[0], dtype=float)
    sizes = 600 + 2400 * np.sqrt(force / max(float(force.max()), _EPS))
    colours = [camp_colour(model, i) for i in range(w.n_actors)]
    edgecolors = ["black" if w.veto[i] else "white" for i in range(w.n_actors)]
    nx.draw_networkx_nodes(graph, pos, ax=ax, node_size=sizes, node_color=colours, edgecolors=edgecolors,
                           linewidths=2.0, alpha=[0.9 if w.engaged[0, i] else 0.3 for i in range(w.n_actors)])
    nx.draw_networkx_labels(graph, pos, ax=ax, labels={a: a for a in w.actor_ids}, font_color="white", font_size=9,
                            font_weight="bold")
    seen: dict[tuple[str, str], int] = {}
    for src, dst, kind in edges:
        n = seen.get((src, dst), 0)
        seen[(src, dst)] = n + 1
        colour, style, _ = EDGE_STYLE[kind]
        nx.draw_networkx_edges(graph, pos, ax=ax, edgelist=[(src, dst)], edge_color=colour, style=style, width=2.5,
                               arrows=True, arrowstyle="-|>", arrowsize=16, node_size=list(sizes),
                               connectionstyle=f"arc3,rad={0.12 + 0.12 * n}")
    handles = [Line2D([], [], marker="o", ls="", color=CAMP_COLOURS[c % len(CAMP_COLOURS)], ms=9, label=f"{camp} camp")
               for c, camp in enumerate(w.camp_ids)]
    if (w.camp < 0).any():
        handles.append(Line2D([], [], marker="o", ls="", color=NO_CAMP_COLOUR, ms=9, label="no camp"))
    for kind in dict.fromkeys(k for _, _, k in edges):
        colour, style, label = EDGE_STYLE[kind]
        handles.append(Line2D([], [], color=colour, ls=style, lw=2.5, label=label))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=4, fontsize=8, frameon=False)
    names = ", ".join(f"{a}={n}" for a, n in zip(w.actor_ids, w.actor_names, strict=True) if a != n)
    title = f"Actors at turn {model.turn}" + ("" if edges else (" (no moves yet)" if model.turn == 0 else " (no pressure or concessions)"))
    ax.set_title(title + "\nnode size = force; black ring = veto player; arrows = this turn's moves", fontsize=9)
    if names:
        fig.text(0.01, 0.005, names, fontsize=6, color="#555", wrap=True)
    ax.set_axis_off()
    ax.margins(0.18)
    fig.subplots_adjust(left=0.02, right=0.98, top=0.9, bottom=0.18)
    return fig


# --------------------------------------------------------------------------- time series


def _x_axis(ax, model: CeasefireModel) -> None:
    ax.set_xlim(-0.5, max(model.turns, 1) + 0.5)


def demands_figure(model: CeasefireModel) -> Figure:
    """Demands on each issue over time, with the deal on offer (black dashed) and ceasefires shaded green."""
    hist, actors = model_history(model), actor_history(model)
    w = model.world
    issues = list(w.issue_ids)
    spec_issues = {i.id: i for i in model.spec.issues}
    cols = min(3, len(issues))
    rows = int(np.ceil(len(issues) / cols))
    fig = Figure(figsize=(4.2 * cols, 2.7 * rows + 0.6), dpi=100)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False).ravel())
    spans = ceasefire_spans(hist)
    for ax, issue in zip(axes, issues, strict=False):
        _shade_ceasefire(ax, spans)
        for i, aid in enumerate(w.actor_ids):
            sub = actors[actors["actor"] == aid]
            veto = bool(w.veto[i])
            ax.plot(sub["turn"], sub[f"demand_{issue}"], color=camp_colour(model, i), lw=2.2 if veto else 0.9,
                    alpha=1.0 if veto else 0.45, label=w.actor_names[i] if veto else None)
        ax.plot(hist["turn"], hist[f"offer_{issue}"], color="black", ls="--", lw=1.8, label="deal on offer")
        spec = spec_issues.get(issue)
        ax.set_title(issue, fontsize=10, fontweight="bold", pad=16)
        if spec is not None and (spec.low or spec.high):
            ax.text(0.5, 1.02, f"0 = {_short(spec.low)}  ·  1 = {_short(spec.high)}", transform=ax.transAxes, ha="center",
                    va="bottom", fontsize=7, color="#444")
        ax.tick_params(axis="y", labelsize=8)
        ax.set_ylim(-0.05, 1.05)
        _x_axis(ax, model)
        ax.tick_params(axis="x", labelsize=8)
    for ax in axes[len(issues):]:
        ax.set_axis_off()
    handles, labels = axes[0].get_legend_handles_labels()
    handles.append(Line2D([], [], color=NO_CAMP_COLOUR, lw=0.9, alpha=0.6))
    labels.append("other actors (thin, camp colour)")
    handles.append(plt_patch("#a5d6a7", 0.6))
    labels.append("ceasefire in force")
    fig.legend(handles, labels, loc="lower center", ncol=min(5, len(labels)), fontsize=8, frameon=False)
    fig.suptitle(f"Demands per issue over time (turn {model.turn})", fontsize=11)
    fig.subplots_adjust(left=0.04, right=0.98, top=1 - 0.75 / fig.get_figheight(), bottom=0.75 / fig.get_figheight(),
                        wspace=0.18, hspace=0.6)
    return fig


def plt_patch(colour: str, alpha: float):
    from matplotlib.patches import Patch

    return Patch(color=colour, alpha=alpha)


def forces_figure(model: CeasefireModel) -> Figure:
    """Each actor's force over time, coloured by camp."""
    actors, hist = actor_history(model), model_history(model)
    w = model.world
    fig = Figure(figsize=(6.4, 3.6), dpi=100)
    ax = fig.subplots()
    _shade_ceasefire(ax, ceasefire_spans(hist))
    styles = ["-", "--", ":", "-."]
    seen_camp: dict[int, int] = {}
    for i, aid in enumerate(w.actor_ids):
        c = int(w.camp[i])
        n = seen_camp.get(c, 0)
        seen_camp[c] = n + 1
        sub = actors[actors["actor"] == aid]
        ax.plot(sub["turn"], sub["force"], color=camp_colour(model, i), ls=styles[n % len(styles)],
                lw=2.2 if w.veto[i] else 1.4, label=w.actor_names[i])
    _x_axis(ax, model)
    ax.set_xlabel("turn (week)")
    ax.set_ylabel(f"force ({model.spec.name} units)" if not model.spec.force_unit else "force")
    ax.set_title(f"Forces over time (turn {model.turn})", fontsize=11)
    ax.legend(fontsize=7, ncol=1, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    fig.subplots_adjust(left=0.1, right=0.72, top=0.9, bottom=0.14)
    return fig


def deal_batna_figure(model: CeasefireModel) -> Figure:
    """Each veto player's value of the deal at stake against its best alternative (BATNA), over time."""
    actors, hist = actor_history(model), model_history(model)
    w = model.world
    vetoes = [i for i in range(w.n_actors) if w.veto[i]] or list(range(min(2, w.n_actors)))
    fig = Figure(figsize=(6.4, 2.3 * len(vetoes) + 0.5), dpi=100)
    axes = np.atleast_1d(fig.subplots(len(vetoes), 1, squeeze=False).ravel())
    spans = ceasefire_spans(hist)
    for ax, i in zip(axes, vetoes, strict=True):
        sub = actors[actors["actor"] == w.actor_ids[i]]
        t, deal, batna = sub["turn"].to_numpy(), sub["deal_value"].to_numpy(), sub["batna"].to_numpy()
        _shade_ceasefire(ax, spans)
        ax.plot(t, deal, color="#1b5e20", lw=2.2, marker="o" if len(t) < 15 else None, ms=3, label="deal value V")
        ax.plot(t, batna, color="#b71c1c", lw=2.2, ls="--", label="BATNA (best alternative)")
        ax.fill_between(t, deal, batna, where=deal >= batna, color="#66bb6a", alpha=0.25, interpolate=True, lw=0)
        ax.fill_between(t, deal, batna, where=deal < batna, color="#ef5350", alpha=0.2, interpolate=True, lw=0)
        verdict = "deal beats its alternative" if deal[-1] >= batna[-1] else "its alternative beats the deal"
        ax.set_title(f"{w.actor_names[i]}: {verdict} ({deal[-1]:.2f} vs {batna[-1]:.2f})", fontsize=10)
        ax.set_ylabel("value", fontsize=8)
        _x_axis(ax, model)
        ax.legend(fontsize=7, loc="lower right", frameon=False)
    axes[-1].set_xlabel("turn (week)")
    fig.suptitle("Each veto player: deal value vs BATNA (a deal needs V ≥ BATNA for all)", fontsize=10)
    h = fig.get_figheight()
    fig.subplots_adjust(left=0.1, right=0.97, top=1 - 0.75 / h, bottom=0.45 / h, hspace=0.5)
    return fig


# --------------------------------------------------------------------------- banner and log


def ceasefire_since(model: CeasefireModel) -> int | None:
    """The turn the ceasefire in force was agreed (None if none is in force)."""
    if not model.ceasefire_in_force:
        return None
    cf = model_history(model)["ceasefire"].astype(bool).to_numpy()
    start = len(cf) - 1
    while start > 0 and cf[start - 1]:
        start -= 1
    return int(model_history(model)["turn"].iloc[start])


def terms_text(model: CeasefireModel) -> str:
    terms = model.world.terms[0]
    if not np.all(np.isfinite(terms)):
        return ""
    return ", ".join(f"{issue} {terms[k]:.2f}" for k, issue in enumerate(model.world.issue_ids))


def banner(model: CeasefireModel) -> tuple[str, str]:
    """(kind, text): kind is "ceasefire", "collapsed", "fighting" or "start"; the text says the state and terms."""
    w = model.world
    finished = "" if model.running else " Run finished."
    if model.turn == 0:
        return "start", f"Turn 0 of {model.turns}: no ceasefire; the parties have not moved yet. Press Step or Play."
    if model.ceasefire_in_force:
        since = ceasefire_since(model)
        return "ceasefire", (f"CEASEFIRE IN FORCE since turn {since} (turn {model.turn} of {model.turns}); "
                             f"terms: {terms_text(model)}.{finished}")
    n = int(w.n_ceasefires[0])
    if n > 0:
        return "collapsed", (f"NO CEASEFIRE: {n} agreed so far, none in force (turn {model.turn} of {model.turns}); "
                             f"last terms: {terms_text(model)}.{finished}")
    return "fighting", f"NO CEASEFIRE: no deal yet, fighting goes on (turn {model.turn} of {model.turns}).{finished}"


def log_newest_first(lines: list[str], limit: int | None = None) -> list[str]:
    """The event log newest turn first (lines within a turn keep their order)."""
    by_turn: dict[str, list[str]] = {}
    for line in lines:
        by_turn.setdefault(line.split(":", 1)[0], []).append(line)
    out = [line for turn in reversed(list(by_turn)) for line in by_turn[turn]]
    return out[:limit] if limit is not None else out


# --------------------------------------------------------------------------- compare


def compare_strategies(settings: Settings, runs: int = 1000, progress: Callable[[int, int], None] | None = None,
                       us_strategies: tuple[str, ...] = US_STRATEGIES) -> pd.DataFrame:
    """Every US strategy over `runs` replicates with the other settings unchanged (ensemble engine; common random
    numbers: replicate r has the same seed under every strategy). One row per run. `progress(done, total)` is called
    as runs finish."""
    from runs.compare import run_strategies

    if settings.us_strategy is None:
        raise CeasefireError(f"{settings.scenario}: no US actor, so there are no US strategies to compare")
    if not 1 <= runs <= 200_000:
        raise CeasefireError(f"replicates {runs}: use a whole number from 1 to 200000")
    spec = load_scenario(settings.scenario)
    params = settings.params() | {"params.turns": settings.turns}
    total, done = runs * len(us_strategies), [0]

    def advance(n: int) -> None:
        done[0] += n
        if progress is not None:
            progress(done[0], total)

    others = {k: v for k, v in settings.strategies().items() if k != "USA"}
    return run_strategies(spec, us_strategies, runs, settings.seed, params=params, progress=advance, strategies=others)


def outcome_shares(runs: pd.DataFrame) -> pd.DataFrame:
    """Per US strategy and outcome: count, share and 95% Wilson interval (plus "ever agreed")."""
    from runs.stats import wilson_interval

    rows = []
    for strategy, group in runs.groupby(runs["us_strategy"].astype(str), sort=False):
        n = len(group)
        outcome = group["outcome"].astype(str)
        counts = {o: int((outcome == o).sum()) for o in OUTCOMES}
        counts["ever_agreed"] = int(group["ever_agreed"].astype(bool).sum())
        for outcome, k in counts.items():
            lo, hi = wilson_interval(k, n)
            rows.append({"us_strategy": strategy, "outcome": outcome, "runs": n, "count": k, "share": k / n,
                         "lo": lo, "hi": hi})
    return pd.DataFrame(rows)


def shares_table(shares: pd.DataFrame) -> pd.DataFrame:
    """Wide table for display: one row per strategy, "share [lo, hi]" per outcome, best holding share first."""
    wide = {}
    for (strategy, outcome), row in shares.set_index(["us_strategy", "outcome"]).iterrows():
        wide.setdefault(strategy, {"US strategy": strategy, "runs": int(row["runs"])})
        wide[strategy][outcome] = f"{row['share']:.1%} [{row['lo']:.1%}, {row['hi']:.1%}]"
        if outcome == "holding":
            wide[strategy]["_key"] = row["share"]
    table = pd.DataFrame(list(wide.values())).sort_values("_key", ascending=False).drop(columns="_key")
    return table.rename(columns={"holding": "holding at end", "collapsed": "agreed then collapsed",
                                 "no_deal": "never agreed", "ever_agreed": "ever agreed"})


def outcome_figure(shares: pd.DataFrame) -> Figure:
    """Outcome shares per US strategy with 95% Wilson intervals."""
    strategies = list(dict.fromkeys(shares["us_strategy"]))
    fig = Figure(figsize=(7.0, 0.55 * len(strategies) + 1.6), dpi=100)
    ax = fig.subplots()
    y = np.arange(len(strategies))
    height = 0.8 / len(OUTCOMES)
    for n, outcome in enumerate(OUTCOMES):
        sub = shares[shares["outcome"] == outcome].set_index("us_strategy").loc[strategies]
        offset = (n - (len(OUTCOMES) - 1) / 2) * height
        err = np.clip(np.vstack([sub["share"] - sub["lo"], sub["hi"] - sub["share"]]), 0.0, None)
        ax.barh(y + offset, sub["share"], height=height, color=OUTCOME_COLOURS[outcome], xerr=err,
                error_kw={"elinewidth": 1, "capsize": 2, "ecolor": "black"}, label=OUTCOME_LABELS[outcome])
    ax.set_yticks(y, strategies, fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of runs (95% Wilson interval)")
    n_runs = int(shares["runs"].iloc[0]) if len(shares) else 0
    ax.set_title(f"Outcome by US strategy ({n_runs:,} runs each)", fontsize=11)
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.5 / fig.get_figheight() - 0.05), ncol=3, frameon=False)
    h = fig.get_figheight()
    fig.subplots_adjust(left=0.22, right=0.97, top=1 - 0.35 / h, bottom=0.95 / h)
    return fig


def time_to_ceasefire(runs: pd.DataFrame, turns: int) -> pd.DataFrame:
    """Share of runs with a first ceasefire by each turn (0..turns), per US strategy: columns = strategies."""
    from runs.compare import agreed_by_turn

    return agreed_by_turn(runs, turns)


def time_to_ceasefire_figure(runs: pd.DataFrame, turns: int) -> Figure:
    """Time-to-first-ceasefire curves: share of runs agreed by each turn, per US strategy."""
    curves = time_to_ceasefire(runs, turns)
    fig = Figure(figsize=(7.0, 3.8), dpi=100)
    ax = fig.subplots()
    cmap = __import__("matplotlib").colormaps["tab10"]
    for n, strategy in enumerate(curves.columns):
        ax.step(curves.index, curves[strategy], where="post", color=cmap(n % 10), lw=2, label=strategy)
    ax.set_xlim(0, turns)
    ax.set_ylim(0, 1)
    ax.set_xlabel("turn (week)")
    ax.set_ylabel("share of runs with a first ceasefire")
    ax.set_title("Time to first ceasefire", fontsize=11)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.grid(alpha=0.3)
    fig.subplots_adjust(left=0.1, right=0.74, top=0.9, bottom=0.13)
    return fig


def _short(text: str, n: int = 30) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
