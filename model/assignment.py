"""Which strategy each actor plays in a run: the scenario's defaults, overridden per run."""

from __future__ import annotations

from collections.abc import Mapping

from agents import strategies
from model.errors import CeasefireError
from model.scenario import Scenario


def check_strategy_name(name: str, where: str) -> str:
    if name not in strategies.names():
        raise CeasefireError(f"{where}: unknown strategy {name!r}; allowed: {', '.join(strategies.names())}")
    return name


def written_for(name: str) -> str:
    """The actor a strategy is written for (its classifier's `for`): an actor id, or 'any'."""
    return str(strategies.get(name).classifier.get("for", "any"))


def check_strategy_for(name: str, actor_id: str, where: str) -> str:
    """`name`, if it is a known strategy that `actor_id` may play (CeasefireError naming the ones it may)."""
    check_strategy_name(name, where)
    target = written_for(name)
    if target not in ("any", actor_id):
        allowed = [n for n in strategies.names() if written_for(n) in ("any", actor_id)]
        raise CeasefireError(f"{where}: {name!r} is a strategy for {target} only, not for {actor_id}; allowed for "
                             f"{actor_id}: {', '.join(allowed)}")
    return name


def assign(scenario: Scenario, us_strategy: str | None = None, overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Strategy name per actor id: scenario defaults, then `us_strategy` for USA, then `overrides`.

    Raises:
        CeasefireError: an unknown actor or strategy, a strategy for an actor it is not written for (its
            classifier's `for`), or `us_strategy` for a scenario without a USA.
    """
    chosen = {a.id: a.strategy for a in scenario.actors}
    for actor_id, name in chosen.items():
        check_strategy_for(name, actor_id, f"{scenario.label}: actors ({actor_id}).strategy")
    if us_strategy is not None:
        if "USA" not in chosen:
            raise CeasefireError(f"{scenario.label}: a US strategy needs an actor USA, and this scenario has none; "
                                 f"actors: {', '.join(chosen)}")
        chosen["USA"] = check_strategy_for(us_strategy, "USA", "US strategy")
    for actor_id, name in (overrides or {}).items():
        if actor_id not in chosen:
            raise CeasefireError(f"{scenario.label}: --strategy {actor_id}=...: unknown actor; allowed: {', '.join(chosen)}")
        chosen[actor_id] = check_strategy_for(name, actor_id, f"--strategy {actor_id}")
    return chosen


def instances(scenario: Scenario, chosen: Mapping[str, str]) -> list[strategies.Strategy]:
    """Fresh strategy objects in actor order."""
    return [strategies.get(chosen[a.id]) for a in scenario.actors]
