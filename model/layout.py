"""Names of the columns of the kernel's state arrays: one place that says what every number is.

The turn is one compiled kernel (`model.turn`), so its state is a handful of arrays with a leading run
dimension: per actor `actor_state[b, i, FORCE]`, per run `run_state[b, CEASEFIRE]`, and so on. The index constants
below are plain module integers, which numba folds into the compiled code; `model.world.World` exposes each column
under the same name in lower case (`world.force`), so Python code never needs the indices.
"""

from __future__ import annotations

from model.constants import MECHANISM_NAMES


def _columns(names: str) -> tuple[str, ...]:
    return tuple(names.split())


ACTOR_PARAMS = _columns(
    "capability no_deal_cost sanction_harm leverage optimism audience_cost strike_cost exposure force0 commitment"
)
"""Per actor, fixed during a run (may differ per run). `commitment` < 0 means the actor decides at a deadline by
its own comparison; in [0, 1] it is the probability it strikes (an override for counterfactuals)."""
(CAPABILITY, NO_DEAL_COST, SANCTION_HARM, LEVERAGE, OPTIMISM, AUDIENCE_COST, STRIKE_COST, EXPOSURE, FORCE0,
 COMMITMENT) = range(len(ACTOR_PARAMS))

ACTOR_STATE = _columns(
    "force resolve credibility engaged threat_deadline enforcing sanctioning intensity war_intensity concession "
    "casualties deal_value batna margin p_fail suspended_until utility costs audience_paid strikes violating "
    "belief week_cost pain"
)
"""Per actor, changing each turn. `deal_value` is what the deal at stake is worth to the actor (the offer, or the
terms in force), `batna` its alternative (no deal, or breaking the truce), `margin` their difference, `p_fail`
the risk it anticipates that the deal fails within the horizon, `belief` its belief that its own side prevails,
`utility` its discounted utility so far, `costs` the costs it has borne, `pain` the costs of no deal it has borne
and not yet spent on public retreats (what a leader can point to at home to justify a concession)."""
(FORCE, RESOLVE, CREDIBILITY, ENGAGED, THREAT_DEADLINE, ENFORCING, SANCTIONING, INTENSITY, WAR_INTENSITY,
 CONCESSION, CASUALTIES, DEAL_VALUE, BATNA, MARGIN, P_FAIL, SUSPENDED_UNTIL, UTILITY, COSTS, AUDIENCE_PAID,
 STRIKES, VIOLATING, BELIEF, WEEK_COST, PAIN) = range(len(ACTOR_STATE))

RUN_STATE = _columns(
    "ceasefire truce_start first_agreed n_ceasefires n_collapses weeks_under_ceasefire longest_truce p_fail_public "
    "offer_feasible battles p_fail_at_first_signing first_truce_end truces_1 truces_2_4 truces_5_12 truces_13_plus "
    "demands_compatible"
)
"""Per run. `p_fail_at_first_signing` is the public anticipated risk that the first truce fails within the horizon,
as priced when it was signed; `first_truce_end` the week it ended (-1 while it holds or before any); `truces_*` count
the truces that ended, by how many weeks they lasted; `demands_compatible` whether some terms meet every
signatory's public demand (no deal can be signed while none do: DESIGN 3.7, docs/decisions.md S14)."""
(CEASEFIRE, TRUCE_START, FIRST_AGREED, N_CEASEFIRES, N_COLLAPSES, WEEKS_UNDER, LONGEST, P_FAIL_PUBLIC,
 OFFER_FEASIBLE, BATTLES, P_FAIL_AT_FIRST, FIRST_TRUCE_END, TRUCES_1, TRUCES_2_4, TRUCES_5_12,
 TRUCES_13_PLUS, DEMANDS_COMPATIBLE) = range(len(RUN_STATE))

ACTOR_EVENTS = _columns(
    "struck backed_down threatened losses punished supplied walked_out violated retreat credibility_before "
    "supplying"
)
"""What happened to each actor this turn (for the event log and the page); reset every turn."""
(E_STRUCK, E_BACKED_DOWN, E_THREATENED, E_LOSSES, E_PUNISHED, E_SUPPLIED, E_WALKED_OUT, E_VIOLATED, E_RETREAT,
 E_CREDIBILITY_BEFORE, E_SUPPLYING) = range(len(ACTOR_EVENTS))

RUN_EVENTS = _columns("agreed collapsed incident_by battle_winner blocker blocker_margin enforced_on")
"""What happened to each run this turn. `incident_by` and `blocker` are actor indices, `battle_winner` a camp
index, -1 for none."""
(R_AGREED, R_COLLAPSED, R_INCIDENT_BY, R_BATTLE_WINNER, R_BLOCKER, R_BLOCKER_MARGIN, R_ENFORCED_ON) = range(
    len(RUN_EVENTS))

SCENARIO_PARAMS = ("incident_rate",)
"""Scenario-level numbers a run uses (facts about the situation, not mechanism constants)."""
PARAMS: tuple[str, ...] = MECHANISM_NAMES + SCENARIO_PARAMS
"""Every per-run parameter, in the order of the columns of `World.params`."""

HORIZON = PARAMS.index("horizon")
GAMMA = PARAMS.index("gamma")
PRIOR_WEEKS = PARAMS.index("prior_weeks")
BATTLES_PER_WEEK = PARAMS.index("battles_per_week")
ATTRITION = PARAMS.index("attrition")
WAR = PARAMS.index("war_intensity")
LIMITED = PARAMS.index("limited_escalation")
ALL_OUT = PARAMS.index("escalation_intensity")
FLOOR = PARAMS.index("ceasefire_floor")
FIGHT_NOISE = PARAMS.index("fight_noise")
ESCALATION_COST = PARAMS.index("escalation_cost")
LOSS_WEIGHT = PARAMS.index("loss_weight")
RESOLVE_WEAR = PARAMS.index("resolve_wear")
REGROUP = PARAMS.index("regroup_rate")
RECRUITMENT_NOISE = PARAMS.index("recruitment_noise")
STEP = PARAMS.index("concession_step")
THREAT_PERIOD = PARAMS.index("threat_period")
PUNISH = PARAMS.index("punish_fraction")
CRED_LEARNING = PARAMS.index("credibility_learning")
SUPPLY_RATE = PARAMS.index("supply_rate")
SUPPLY_COST = PARAMS.index("supply_cost")
BETRAYAL = PARAMS.index("betrayal_cost")
MARGIN_SD = PARAMS.index("margin_uncertainty")
SUSPENSION = PARAMS.index("suspension_weeks")
INCIDENT_LOSS = PARAMS.index("incident_loss")
SANCTION_COST = PARAMS.index("sanction_cost")
DISCOUNT = PARAMS.index("discount")
DURABLE_WEEKS = PARAMS.index("durable_weeks")
INCIDENT_RATE = PARAMS.index("incident_rate")

ACTIONS = _columns("escalate threaten enforce sanction supply withdraw")
"""Per-actor scalar actions a strategy chooses (the demand moves `concede` and `link` are (K,) per actor)."""
(A_ESCALATE, A_THREATEN, A_ENFORCE, A_SANCTION, A_SUPPLY, A_WITHDRAW) = range(len(ACTIONS))
