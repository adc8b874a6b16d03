"""The human-readable event log: one line per action or event, written from a turn's report.

Example: "turn 7: Russia escalates (intensity 0.75)", "turn 7: United States concedes on assad_future, 0.90 -> 0.80".
"""

from __future__ import annotations

import numpy as np

from model.turn import TurnReport
from model.world import World

_EPS = 1e-9


def _moves(world: World, name: str, verb: str, delta: np.ndarray, before: np.ndarray) -> list[str]:
    lines = []
    for k in np.flatnonzero(np.abs(delta) > _EPS):
        issue = world.issue_ids[k]
        after = float(np.clip(before[k] + delta[k], 0.0, 1.0))
        lines.append(f"{name} {verb} {issue}, {before[k]:.2f} -> {after:.2f}")
    return lines


def _terms(world: World, terms: np.ndarray) -> str:
    return ", ".join(f"{issue}={terms[k]:.2f}" for k, issue in enumerate(world.issue_ids))


def describe(world: World, report: TurnReport, b: int = 0) -> list[str]:
    """Lines for run b of the turn just played (world is the state after the turn)."""
    names = world.actor_names
    out: list[str] = []
    war = float(world.p["war_intensity"][b])
    for i, act in enumerate(report.actions):
        name = names[i]
        before = report.position_before[b, i]
        if act.withdraw[b] and report.engaged_before[b, i]:
            out.append(f"{name} withdraws from the talks and the theatre")
        out += _moves(world, name, "concedes on", act.concede[b], before)
        out += _moves(world, name, "links", act.link[b], before + act.concede[b])
        if report.pressure.carried_out[b, i]:
            victims = [names[j] for j in np.flatnonzero(report.pressure.punished_force[b] > 0)]
            out.append(f"{name} carries out its threat: strikes on {', '.join(victims) or 'nobody in reach'}; "
                       f"credibility {report.pressure.credibility_before[b, i]:.2f} -> {world.credibility[b, i]:.2f}")
        if report.pressure.backed_down[b, i]:
            out.append(f"{name} lets its deadline pass; credibility {report.pressure.credibility_before[b, i]:.2f} -> "
                       f"{world.credibility[b, i]:.2f}")
        if report.pressure.threatened[b, i]:
            target = names[world.counterpart[i]]
            out.append(f"{name} threatens {target}: a ceasefire by turn {report.pressure.deadline[b, i]}, or else punishment "
                       f"(credibility {world.credibility[b, i]:.2f})")
        if act.sanction[b] and world.engaged[b, i]:
            out.append(f"{name} sanctions {names[world.counterpart[i]]}")
        if act.supply[b] and world.engaged[b, i]:
            clients = [names[j] for j in np.flatnonzero(report.pressure.supplied[b] > 0)]
            if clients:
                out.append(f"{name} supplies {', '.join(clients)}")
        if world.intensity[b, i] > war + _EPS and world.force[b, i] > 0:
            out.append(f"{name} escalates (intensity {world.intensity[b, i]:.2f})")
        nothing = (not np.any(np.abs(act.concede[b]) > _EPS) and not np.any(np.abs(act.link[b]) > _EPS)
                   and not report.pressure.threatened[b, i] and not report.pressure.carried_out[b, i]
                   and not report.pressure.backed_down[b, i] and world.intensity[b, i] <= war + _EPS)
        if nothing and world.veto[i] and world.engaged[b, i] and not report.ceasefire_before[b]:
            out.append(f"{name} holds its demands")
    if lost := float(report.losses[b].sum()):
        by_camp = ", ".join(f"{camp} camp {float(report.losses[b] @ world.members[:, c]):.1f}"
                            for c, camp in enumerate(world.camp_ids))
        if by_camp:
            out.append(f"fighting: force lost {lost:.1f} ({by_camp})")
    events = report.ceasefire
    if events.incident[b]:
        out.append("incident during the ceasefire: every party's trust in the deal is shaken")
    if events.collapsed[b]:
        who = [f"{names[j]} (alternative {world.batna[b, j]:.2f} beats the deal {world.deal_value[b, j]:.2f})"
               for j in np.flatnonzero(events.defectors[b])]
        out.append(f"CEASEFIRE COLLAPSES: {', '.join(who)} {'defects' if len(who) == 1 else 'defect'}")
    if events.agreed[b]:
        out.append(f"CEASEFIRE AGREED on terms {_terms(world, world.terms[b])}")
    return [f"turn {report.turn}: {line}" for line in out]
