"""Fund down the ranking (rule 15): award in rank order while the budget lasts.

It stops at the first application that cannot be funded in full, and says which and why:
skipping it to fund a cheaper one further down would break the ranking the panel made.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from alliance.models import User
from config.errors import RuleBroken
from config.money import gbp
from grants.access import require_commissioner_of_programme
from grants.models import Decision, DecisionMethod, DecisionOutcome, Round, RoundPhase
from grants.services.awards import decide_locked
from grants.services.locks import lock_applications, lock_programme_and_round
from grants.services.ranking import round_ranking


@dataclass
class FundDownResult:
    decisions: list[Decision] = field(default_factory=list)
    stopped_at: int | None = None
    reason: str = ""


def round_fund_down_ranking(*, round_: Round, by: User, conditions: str = "") -> FundDownResult:
    require_commissioner_of_programme(by, round_.programme_id, "fund down the ranking")
    if round_.decision_method == DecisionMethod.OFFICER:
        raise RuleBroken(
            "This round is decided by officers one at a time; it has no ranking to fund down.",
            rule="grants.decision_method",
        )
    result = FundDownResult()
    with transaction.atomic():
        programme, locked_round = lock_programme_and_round(round_.pk)
        if locked_round.phase() in (RoundPhase.UPCOMING, RoundPhase.OPEN):
            raise RuleBroken(
                "The ranking can be funded only after the round closes.",
                rule="grants.decide_after_close",
            )
        ranking = round_ranking(locked_round)
        waiting = [entry for entry in ranking if entry.status == "submitted"]
        applications = lock_applications(entry.application_id for entry in waiting)
        for entry in waiting:
            application = applications[entry.application_id]
            amount = application.amount_requested
            stop = _why_stop(entry, locked_round, programme, amount)
            if stop:
                result.stopped_at, result.reason = application.pk, stop
                break
            result.decisions.append(
                decide_locked(
                    application=application,
                    programme=programme,
                    round_=locked_round,
                    by=by,
                    outcome=DecisionOutcome.AWARD,
                    amount=amount,
                    conditions=conditions,
                    reason="",
                    ranking=ranking,
                )
            )
        if result.stopped_at is None:
            result.reason = (
                "Every ranked application waiting for a decision was funded."
                if waiting
                else "No application is waiting for a decision."
            )
    return result


def _why_stop(entry, round_, programme, amount) -> str:
    place = f"Stopped at number {entry.rank}, '{entry.title}'"
    if round_.decision_method == DecisionMethod.PANEL and entry.score is None:
        return f"{place}: it has not been scored yet."
    if round_.decision_method == DecisionMethod.COMMUNITY_VOTE and not entry.votes:
        return f"{place}: it has no votes."
    if amount > round_.remaining:
        return (
            f"{place}: it asks for {gbp(amount)} but only {gbp(round_.remaining)} is left "
            "in the round's budget."
        )
    left = programme.budget - programme.awarded_total
    if amount > left:
        return (
            f"{place}: it asks for {gbp(amount)} but only {gbp(left)} is left in the "
            "programme's budget."
        )
    return ""
