"""Which strategy each actor plays in a run, with which parameters: the scenario's defaults, overridden per run.

A strategy's parameters are given per strategy name (`--strategy-param or_else.deadline=6`: every actor playing
`or_else` in the run gets deadline 6). The chosen strategy of an actor is then an `agents.strategies.Choice`: a
string equal to the plain name, so every table keyed by strategy names works unchanged, that carries its parameters
to `instances`. One parameter reaches into the rules: an ultimatum's deadline, which the compiled rules read as the
run's `params.threat_period` (one per run, not per actor); `rule_overrides` gives that override, and the engines'
callers merge it into the run's parameters.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from agents import strategies
from agents.strategies import Choice, StrategyParamError
from model.errors import CeasefireError
from model.scenario import Scenario

RULE_PARAMS: dict[str, str] = {"deadline": "params.threat_period"}
"""Strategy parameters the rules read as a run's parameter: field name -> override name."""


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


def parse_strategy_params(pairs: Mapping[str, Any], option: str = "--strategy-param") -> dict[str, dict[str, Any]]:
    """`STRATEGY.PARAM` -> value, as {strategy: {param: value}} (values are validated when the strategy is built).

    Raises:
        CeasefireError: a key that is not STRATEGY.PARAM or names an unknown strategy.
    """
    out: dict[str, dict[str, Any]] = {}
    for key, value in pairs.items():
        strategy, dot, param = str(key).partition(".")
        if not dot or not strategy or not param:
            raise CeasefireError(f"{option} {key}={value}: expected STRATEGY.PARAM=VALUE, e.g. or_else.deadline=6")
        check_strategy_name(strategy, f"{option} {key}")
        out.setdefault(strategy, {})[param] = value
    return out


def check_strategy_params(strategy_params: Mapping[str, Mapping[str, Any]], in_use: Iterable[str],
                          option: str = "--strategy-param") -> None:
    """Every parameter names a strategy in use and a value it allows (one-line CeasefireError otherwise)."""
    used = sorted({str(s) for s in in_use})
    for name, values in strategy_params.items():
        check_strategy_name(name, option)
        if name not in used:
            first = next(iter(values), "PARAM")
            raise CeasefireError(f"{option} {name}.{first}: {name} is not played in this run; "
                                 f"strategies in use: {', '.join(used)}")
        try:
            strategies.get(name, **dict(values))
        except StrategyParamError as exc:
            raise CeasefireError(f"{option} {exc}") from None


def parse_choice(text: str, where: str = "strategy") -> str:
    """A strategy written as data: `NAME` or `NAME(PARAM=VALUE, ...)` (as `Choice.label` writes it), e.g. an
    experiment file's lever value `"or_else(deadline=6, enforce=false)"`.

    Raises:
        CeasefireError: an unknown strategy, a malformed text, or a parameter it does not allow.
    """
    text = str(text).strip()
    name, paren, rest = text.partition("(")
    name = name.strip()
    params: dict[str, str] = {}
    if paren:
        if not rest.endswith(")"):
            raise CeasefireError(f"{where} {text!r}: expected NAME or NAME(PARAM=VALUE, ...)")
        for part in filter(None, (p.strip() for p in rest[:-1].split(","))):
            key, eq, value = part.partition("=")
            if not eq or not key.strip() or not value.strip():
                raise CeasefireError(f"{where} {text!r}: expected PARAM=VALUE, got {part!r}")
            params[key.strip()] = value.strip()
    check_strategy_name(name, where)
    try:
        return choose(name, {name: params}) if params else name
    except CeasefireError as exc:
        raise CeasefireError(f"{where}: {str(exc).removeprefix('--strategy-param ')}") from None


def choose(name: str, strategy_params: Mapping[str, Mapping[str, Any]] | None = None, noise: float = 0.0) -> str:
    """`name` as a Choice with its parameters from `strategy_params` (and those it already carries); the plain
    name when there are none and no noise."""
    params = dict(getattr(name, "params", ())) | dict((strategy_params or {}).get(str(name), {}))
    noise = max(noise, getattr(name, "noise", 0.0))
    if not params and noise == 0.0:
        return str(name)
    try:
        built = strategies.get(str(name), **params)
    except StrategyParamError as exc:
        raise CeasefireError(f"--strategy-param {exc}") from None
    # Keep the values as the strategy read them (6, not "6"; False, not "false").
    return Choice(str(name), {k: getattr(built.params, k) for k in params}, noise)


def assign(scenario: Scenario, us_strategy: str | None = None, overrides: Mapping[str, str] | None = None,
           strategy_params: Mapping[str, Mapping[str, Any]] | None = None, in_use_only: bool = False) -> dict[str, str]:
    """Strategy per actor id: scenario defaults, then `us_strategy` for USA, then `overrides`, each with its
    parameters from `strategy_params` ({strategy: {param: value}}). With `in_use_only`, parameters for strategies
    no actor plays are passed over (one run of a comparison that checked them against all its runs).

    Raises:
        CeasefireError: an unknown actor or strategy, `us_strategy` for a scenario without a USA, or a strategy
            parameter that is unknown, out of range, or for a strategy no actor plays.
    """
    chosen: dict[str, str] = {a.id: a.strategy for a in scenario.actors}
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
    if strategy_params and in_use_only:
        strategy_params = {k: v for k, v in strategy_params.items() if k in chosen.values()}
    if strategy_params:
        check_strategy_params(strategy_params, chosen.values())
    return {actor_id: choose(name, strategy_params) for actor_id, name in chosen.items()}


def rule_overrides(chosen: Mapping[str, str], params: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The run parameters that strategy parameters set (an ultimatum's deadline is the run's threat_period).

    Raises:
        CeasefireError: two actors ask for different deadlines, or `params` already sets a different one.
    """
    out: dict[str, Any] = {}
    source: dict[str, str] = {}
    for actor_id, name in chosen.items():
        for field, value in getattr(name, "params", ()):
            target = RULE_PARAMS.get(field)
            if target is None or value is None:
                continue
            if target in out and out[target] != value:
                raise CeasefireError(f"{name}.{field}={value} ({actor_id}) and {source[target]}: the rules read one "
                                     f"{target} per run; give the same value")
            out[target] = value
            source[target] = f"{name}.{field}={value} ({actor_id})"
    for target, value in out.items():
        given = (params or {}).get(target)
        if given is not None and not _same(given, value):
            raise CeasefireError(f"{source[target]} and --set {target.removeprefix('params.')}={given}: the rules read "
                                 f"one {target} per run; give one of them")
    return out


def _same(given: Any, value: Any) -> bool:
    import numpy as np

    return bool(np.all(np.asarray(given, dtype=np.float64) == float(value)))


def configure(scenario: Scenario, us_strategy: str | None = None, overrides: Mapping[str, str] | None = None,
              strategy_params: Mapping[str, Mapping[str, Any]] | None = None,
              params: Mapping[str, Any] | None = None, in_use_only: bool = False) -> tuple[dict[str, str], dict[str, Any]]:
    """`assign`, and the run parameters with the strategies' rule overrides merged in."""
    chosen = assign(scenario, us_strategy, overrides, strategy_params, in_use_only)
    return chosen, dict(params or {}) | rule_overrides(chosen, params)


def instances(scenario: Scenario, chosen: Mapping[str, str]) -> list[strategies.Strategy]:
    """Fresh strategy objects in actor order, each with its parameters (and trembles)."""
    out = []
    for a in scenario.actors:
        try:
            out.append(strategies.build(chosen[a.id]))
        except StrategyParamError as exc:
            raise CeasefireError(f"{scenario.label}: {a.id}: {exc}") from None
    return out
