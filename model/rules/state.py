"""The bundle of arrays every rule reads and writes (a named tuple, which numba compiles as a struct).

Shapes: B runs, A actors, K issues, C camps. Structure arrays (who is in which camp, who has a veto) are shared by
the batch; every number may differ per run. Column names of the 2-D and 3-D arrays are in `model.layout`.
"""

from __future__ import annotations

from collections import namedtuple

Arrays = namedtuple("Arrays", [
    "keys",          # (B,) uint64 stream key of each run
    "camp",          # (A,) camp index, -1 for none
    "side",          # (A,) the camp it wants to prevail: its own, or its clients' for a patron outside the camps
    "veto",          # (A,) 1 where its signature is needed
    "patron",        # (A,) the veto player that signs for it, -1 for none
    "counterpart",   # (A,) whom it bargains with and aims its pressure at
    "contested",     # (K,) 1 where force decides the issue without a deal
    "leader",        # (C,) the actor whose ideal a camp imposes on contested issues if it prevails
    "ideal",         # (B, A, K)
    "salience",      # (B, A, K)
    "status_quo",    # (B, K)
    "war_utility",   # (B, A, C+1) utility of actor i if camp c prevails; last column: no camp prevails (status quo)
    "actor_params",  # (B, A, len(ACTOR_PARAMS))
    "actor_state",   # (B, A, len(ACTOR_STATE))
    "run_state",     # (B, len(RUN_STATE))
    "params",        # (B, len(PARAMS))
    "demand",        # (B, A, K) public demands
    "on_table",      # (B, K) 1 where the issue is negotiated
    "offer",         # (B, K) the mediator's proposal
    "terms",         # (B, K) terms of the ceasefire in force or last signed (nan before any)
    "delta",         # (B, A, C) each actor's belief: log-odds tilt of each camp's chance against the truth
    "precision",     # (B, A, C) evidence behind that belief, in battles
    "concede",       # (B, A, K) this turn's demand moves chosen by strategies
    "link",          # (B, A, K) this turn's linked concessions
    "actions",       # (B, A, len(ACTIONS)) this turn's scalar actions
    "actor_events",  # (B, A, len(ACTOR_EVENTS))
    "run_events",    # (B, len(RUN_EVENTS))
])
