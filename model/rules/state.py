"""The bundle of arrays every rule reads and writes.

Shapes: B runs, A actors, K issues, C camps. Structure arrays (who is in which camp, who has a veto) are shared by
the batch; every number may differ per run. Column names of the 2-D and 3-D arrays are in `model.layout`.

Python code holds the arrays as a named tuple (`Arrays`); the compiled rules take the same arrays packed into one
struct (`pack`), read with the same names (`s.actor_state[b, i, FORCE]`). Why two forms: numba counts references
to every member of a tuple each time a function receives it, so handing the 27-array tuple to a rule cost ~0.3 us
of atomic reference counting, most of the turn's time; the struct is one reference. The struct shares the tuple's
memory: what a rule writes, Python reads.
"""

from __future__ import annotations

from collections import namedtuple

from numba import config, njit, types
from numba.experimental import structref
from numba.extending import overload

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


@structref.register
class StateType(types.StructRef):
    """The numba type of the packed arrays: one field per member of `Arrays`, typed as that member."""

    def preprocess_fields(self, fields):
        return tuple((name, types.unliteral(typ)) for name, typ in fields)


class State(structref.StructRefProxy):
    """The packed arrays as Python sees them: an opaque handle to pass back to compiled rules."""


structref.define_boxing(StateType, State)


def _new_state(arrays):
    raise NotImplementedError("compiled only")


_SOURCE = "def impl(arrays):\n    st = structref.new(state_type)\n" + "".join(
    f"    st.{name} = arrays.{name}\n" for name in Arrays._fields) + "    return st\n"


@overload(_new_state)
def _new_state_overload(arrays):
    state_type = StateType(list(zip(Arrays._fields, arrays.types, strict=True)))
    scope = {"structref": structref, "state_type": state_type}
    exec(_SOURCE, scope)  # one assignment per field: numba cannot loop over a struct's fields
    return scope["impl"]


@njit(cache=True)
def _pack(arrays):
    return _new_state(arrays)


def pack(arrays: Arrays) -> State | Arrays:
    """The arrays as the compiled rules take them (the tuple itself when numba's compilation is disabled)."""
    if config.DISABLE_JIT:
        return arrays
    return _pack(arrays)
