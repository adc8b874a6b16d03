"""Mechanism constants: one set for every scenario, each with the reason for its value.

A scenario describes a situation (who, wants what, with what force); these constants describe how the world
works, and they are the same for every case. `validate` runs all historical cases with this one set, so a value
here must never be changed to make one case pass. A user may still override any of them per run
(`--set NAME=VALUE`, or an experiment's `params.NAME` uncertainty) to study its effect.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Mechanism:
    """How negotiation, fighting and coercion work, independent of any one case."""

    horizon: float = 12.0
    """Turns (weeks) over which a party weighs the no-deal path: about a quarter, the span over which
    governments plan campaigns and budgets. Plays the role of the costs of war in Fearon (1995): the longer the
    horizon, the more the costs of fighting count against the lottery of war."""

    gamma: float = 2.0
    """Decisiveness of force in the contest success function P_c = S_c^gamma / sum S^gamma (Tullock 1980,
    Hirshleifer 1989). 1 is proportional; 2 means a 2:1 edge in resolve-weighted force wins four times in five,
    the usual middle of estimates for conventional wars."""

    attrition: float = 0.02
    """Force destroyed per turn per unit of enemy fire (Lanchester's square law, weekly). Judgement: a side
    facing an equal enemy at war intensity loses about 1% of its combat power a week, the order of magnitude of
    the Syrian war's losses in 2016 (tens of thousands killed a year in armies of ~100k-200k)."""

    war_intensity: float = 0.5
    """Intensity of ordinary fighting (0 none, 1 all-out). Used for the expected losses of the no-deal path."""

    limited_escalation: float = 0.75
    """Intensity of 'limited force' (Russia's 2016 approach): more than ordinary fighting, short of all-out."""

    escalation_intensity: float = 1.0
    """Intensity of all-out escalation (tit-for-tat retaliation, punishment strikes)."""

    ceasefire_floor: float = 0.05
    """Residual intensity while a ceasefire holds: violations never stop entirely (2016 truces saw daily ones)."""

    fight_noise: float = 0.3
    """Log-normal spread of weekly losses: fortune of war."""

    escalation_cost: float = 0.005
    """Share of its own force an escalator exposes per unit of intensity above ordinary fighting."""

    loss_weight: float = 1.0
    """Utility lost per unit share of one's force destroyed: losing a tenth of one's force is worth 0.1 of the
    [0, 1] utility scale. Judgement; it makes casualties and policy outcomes commensurable."""

    resolve_wear: float = 1.0
    """Resolve falls by this times the share of force lost in a turn (war weariness; Mueller 1973)."""

    decision_noise: float = 0.02
    """Spread of the noise added to every accept/defect judgement: misjudgement, domestic politics."""

    defection_threshold: float = 0.02
    """Margin by which the alternative must beat a ceasefire in force before a party breaks it: the
    reputational cost of breaking one's word (Fortna 2004 on the stickiness of agreements)."""

    incident_shock: float = 0.1
    """Deal value lost, for every party, in a turn with an incident (a strike on the wrong troops, a convoy hit)."""

    concession_step: float = 0.1
    """How far a conceding party moves its demand per turn (a tenth of an issue's range)."""

    token_step: float = 0.01
    """A token move: enough to be reported as movement, too little to change anyone's calculation."""

    threat_period: int = 4
    """Turns between a threat and its deadline (about a month, as in 2013-2016 US ultimatums)."""

    punish_fraction: float = 0.15
    """Share of the target camp's force (other than the threatened state itself) destroyed by a punishment
    carried out: strikes on regime air power. Judgement: Shayrat 2017 destroyed ~20 aircraft, ~20% of the
    operational fleet."""

    credibility_learning: float = 0.5
    """How far credibility moves toward 1 (threat carried out) or 0 (backed down) at each deadline."""

    supply_rate: float = 0.02
    """Share of a client's initial force a patron adds per turn by supplying it (arms, training)."""

    betrayal_cost: float = 0.05
    """What a party loses, beyond its alternative, when a deal it kept fails: the other side regrouped under the
    truce (the regime's use of the 2016 truces around Aleppo). It makes the risk of failure count against a deal,
    not just dilute it."""

    spoiler_uncertainty: float = 0.1
    """How well parties can judge whether another armed party will break a deal: the spread (utility units) of
    their estimate of its alternative. Judgement: a tenth of the scale, the same order as the noise on force
    estimates; it turns 'its alternative beats the terms by 0.1' into an 84% expected chance of defection."""

    collapse_distrust: float = 0.5
    """After a ceasefire collapses, parties expect a new one to fail this much more often (p_fail rises toward 1
    by this share). Judgement: Fortna (2004) finds peace after a failed ceasefire markedly less likely to hold."""

    trust_recovery: float = 0.05
    """Share of that distrust that fades each turn (half-life ~ 3 months)."""

    sanction_cost: float = 0.2
    """Share of the harm a sanction does to its target that the sanctioner pays itself (lost trade)."""


MECHANISM = Mechanism()
"""The one set of constants every scenario runs with."""

MECHANISM_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Mechanism))
INTEGER_MECHANISM_NAMES: frozenset[str] = frozenset({"threat_period"})
