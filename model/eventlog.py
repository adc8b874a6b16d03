"""The human-readable event log: one line per action or event, written from a turn's report and events.

Example: "turn 7: Russia escalates (intensity 0.75)", "turn 9: CEASEFIRE SIGNED on terms ...",
"turn 12: Syrian regime breaks the truce (its alternative beats keeping it by 0.04)". Fighting lines start with
"fighting:" so a reader (or the page) can filter diplomacy from the war.
"""

from __future__ import annotations

import numpy as np

from model import layout
from model.rules.bargaining import acceptable_terms
from model.turn import TurnReport
from model.world import World

_EPS = 1e-9
ROUTINE_PREFIXES = ("fighting:", "battle:")
"""Lines that start with these are the war's routine; everything else is diplomacy and coercion."""


def _moves(world: World, name: str, verb: str, before: np.ndarray, after: np.ndarray) -> list[str]:
    lines = []
    for k in np.flatnonzero(np.abs(after - before) >= 0.005):  # what the two decimals shown can show
        lines.append(f"{name} {verb} {world.issue_ids[k]}, {before[k]:.2f} -> {after[k]:.2f}")
    return lines


def _apart(world: World, demand: np.ndarray, b: int) -> list[str]:
    """Issues under negotiation on which no terms meet every engaged veto player's public demand (S14)."""
    lo, hi = acceptable_terms(world.ideal[b], demand, np.flatnonzero(world.veto & world.engaged[b]))
    return [issue for k, issue in enumerate(world.issue_ids) if world.on_table[b, k] and lo[k] > hi[k] + _EPS]


def _terms(world: World, terms: np.ndarray) -> str:
    return ", ".join(f"{issue}={terms[k]:.2f}" for k, issue in enumerate(world.issue_ids))


def describe(world: World, report: TurnReport, b: int = 0) -> list[str]:
    """Lines for run b of the turn just played (world is the state after the turn)."""
    names = world.actor_names
    events = {name: world.event(name) for name in layout.ACTOR_EVENTS}
    ev = events.__getitem__
    out: list[str] = []
    war = float(world.p["war_intensity"][b])
    signed = bool(world.run_event("agreed")[b])
    for i, act in enumerate(report.actions):
        name = names[i]
        before = report.demand_before[b, i]
        if act.withdraw[b] and report.engaged_before[b, i]:
            out.append(f"{name} withdraws from the talks and the theatre")
            continue
        # The moves the rules applied (a strategy's ask can be scaled down: S14), not the ask itself.
        applied_link, applied_concede = world.arrays.link[b, i], world.arrays.concede[b, i]
        linked, conceded = (np.abs(applied_link) > _EPS).any(), (np.abs(applied_concede) > _EPS).any()
        if linked or conceded:
            after = before + applied_concede + applied_link
            asked = np.clip(before + act.concede[b] + act.link[b], 0.0, 1.0)
            short = np.abs(asked - before).sum() > np.abs(after - before).sum() + _EPS
            cost = float(ev("retreat")[b, i])
            paid = (f" (audience cost {cost:.3f}{', all its pain of no deal could pay for' if short else ''})"
                    if cost > _EPS and not signed and not ev("backed_down")[b, i] else "")
            ideal = world.ideal[b, i]
            back = bool(np.all(np.abs(after - ideal) <= np.abs(before - ideal) + _EPS))  # toward its own ideal
            verb = "takes back a concession on" if back else "links a concession on" if linked else "concedes on"
            moves = _moves(world, name, verb, before, after)
            out += [line + paid for line in moves]
        if ev("struck")[b, i]:
            victims = [names[j] for j in np.flatnonzero(ev("punished")[b] > 0)]
            out.append(f"{name} carries out its threat: strikes on {', '.join(victims) or 'nobody in reach'}; "
                       f"credibility {ev('credibility_before')[b, i]:.2f} -> {world.credibility[b, i]:.2f}")
        if ev("backed_down")[b, i]:
            out.append(f"{name} backs down at its deadline; credibility {ev('credibility_before')[b, i]:.2f} -> "
                       f"{world.credibility[b, i]:.2f}")
        if ev("threatened")[b, i]:
            target = names[world.counterpart[i]]
            clause = "; kept as an enforcement clause after a deal" if world.enforcing[b, i] > 0.5 else ""
            deadline = report.turn + int(world.p["threat_period"][b])
            out.append(f"{name} issues an ultimatum to {target}: a deal by week {deadline}, "
                       f"or a strike (credibility {world.credibility[b, i]:.2f}){clause}")
        if act.sanction[b] > 0.5 and world.engaged[b, i] and world.sanctioning[b, i] > 0.5:
            out.append(f"{name} sanctions {names[world.counterpart[i]]}")
        if act.sanction[b] < -0.5 and world.engaged[b, i]:
            pass  # lifting sanctions that were not imposed is not news
        if ev("supplying")[b, i]:
            clients = [names[j] for j in np.flatnonzero((ev("supplied")[b] > 0) & (world.patron == i))]
            out.append(f"{name} supplies {', '.join(clients)}")
        if world.intensity[b, i] > war + _EPS and world.force[b, i] > 0:
            out.append(f"{name} escalates (intensity {world.intensity[b, i]:.2f})")
        if ev("violated")[b, i] and not report.violating_before[b, i]:
            out.append(f"{name} breaks the truce and fights on: its alternative beats keeping it by "
                       f"{-world.margin[b, i]:.3f}")
        elif report.violating_before[b, i] and world.ceasefire[b] and not ev("violated")[b, i]:
            out.append(f"{name} returns to the truce")
    lost = ev("losses")[b]
    if lost.sum() > _EPS:
        by_camp = ", ".join(f"{camp} {lost[world.camp == c].sum():.1f}" for c, camp in enumerate(world.camp_ids))
        out.append(f"fighting: force lost {lost.sum():.1f} ({by_camp})")
    winner = int(world.run_event("battle_winner")[b])
    if winner >= 0:
        out.append(f"battle: the {world.camp_ids[winner]} camp wins most of the week's engagements")
    incident = int(world.run_event("incident_by")[b])
    if incident >= 0:
        out.append(f"incident during the truce: a unit of {names[incident]} fires on the other camp")
    if world.run_event("collapsed")[b]:
        who = []
        for j in np.flatnonzero(ev("walked_out")[b] > 0.5):
            clients = [names[c] for c in np.flatnonzero((world.patron == j) & (ev("violated")[b] > 0.5))]
            why = (f"cannot restrain {', '.join(clients)}" if clients
                   else f"its alternative beats keeping the truce by {-world.margin[b, j]:.3f}")
            who.append(f"{names[j]} ({why})")
        out.append(f"CEASEFIRE COLLAPSES: {'; '.join(who)} {'walks out' if len(who) == 1 else 'walk out'}")
    if world.run_event("agreed")[b]:
        costs = [f"{names[i]} {ev('retreat')[b, i]:.3f}" for i in np.flatnonzero(ev("retreat")[b] > _EPS)
                 if world.veto[i]]
        out.append(f"CEASEFIRE SIGNED on terms {_terms(world, world.terms[b])}"
                   + (f"; audience costs of retreating to them: {', '.join(costs)}" if costs else ""))
    apart, apart_before = _apart(world, world.demand[b], b), _apart(world, report.demand_before[b], b)
    if not world.ceasefire[b] and apart and (report.turn == 1 or apart != apart_before):
        out.append(f"no deal: public demands still apart on {', '.join(apart)}")
    blocker = int(world.run_event("blocker")[b])
    just_met = not apart and bool(apart_before)
    if blocker >= 0 and not world.ceasefire[b] and not apart and (blocker != report.blocker_before[b] or just_met):
        out.append(f"no deal: {names[blocker]} blocks it (its alternative beats the offer by "
                   f"{-float(world.run_event('blocker_margin')[b]):.3f})")
    return [f"turn {report.turn}: {line}" for line in out]
