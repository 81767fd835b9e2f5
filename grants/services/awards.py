"""Decisions and awards. Rule 14: awards never over-commit, even under concurrency.

A budget is guarded three times: the locked read (programme, then round, always in that
order), a conditional UPDATE of the running total, and a CheckConstraint in the database.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from alliance.events import publish_on_commit
from alliance.models import User
from config.errors import Conflict, RuleBroken
from config.money import gbp, to_money
from grants import notifications
from grants.access import require_commissioner_of_programme
from grants.events import GrantAwarded
from grants.history import record_event, record_history
from grants.models import (
    Application,
    ApplicationStatus,
    Decision,
    DecisionMethod,
    DecisionOutcome,
    Grant,
    Programme,
    ReportTier,
    Round,
    RoundPhase,
    Tranche,
)
from grants.services.locks import lock_application, lock_programme_and_round
from grants.services.ranking import round_ranking


def application_decide(
    *,
    application: Application,
    by: User,
    outcome: str,
    amount: Decimal | None = None,
    conditions: str = "",
    reason: str = "",
) -> Decision:
    """Award (up to the amount requested, with conditions) or decline (with a reason the
    applicant sees). The method and the ranking at the time are kept with the decision."""
    require_commissioner_of_programme(by, application.round.programme_id, "decide this application")
    if outcome == DecisionOutcome.AWARD and (amount is None or amount <= 0):
        raise RuleBroken(
            "Say how much to award.", rule="grants.award_amount", fields={"amount": ["Required."]}
        )
    if outcome == DecisionOutcome.DECLINE and not reason.strip():
        raise RuleBroken(
            "Give the group a reason: they will see it.",
            rule="grants.decline_reason",
            fields={"reason": ["Required when declining."]},
        )
    with transaction.atomic():
        programme, round_ = lock_programme_and_round(application.round_id)
        locked = lock_application(application.pk)
        ranking = round_ranking(round_)
        return decide_locked(
            application=locked,
            programme=programme,
            round_=round_,
            by=by,
            outcome=outcome,
            amount=to_money(amount) if amount is not None else None,
            conditions=conditions,
            reason=reason,
            ranking=ranking,
        )


def decide_locked(
    *, application, programme, round_, by, outcome, amount, conditions, reason, ranking
) -> Decision:
    """The decision itself; the caller holds the programme, round and application locks."""
    if application.status in (ApplicationStatus.AWARDED, ApplicationStatus.DECLINED):
        raise Conflict("This application has already been decided.", rule="grants.decided_once")
    if application.status != ApplicationStatus.SUBMITTED:
        raise RuleBroken(
            f"This application is {application.get_status_display().lower()}; only a "
            "submitted application can be decided.",
            rule="grants.decide_submitted_only",
        )
    if round_.decision_method != DecisionMethod.OFFICER and round_.phase() in (
        RoundPhase.UPCOMING,
        RoundPhase.OPEN,
    ):
        raise RuleBroken(
            "Panel and community-vote rounds are decided after they close.",
            rule="grants.decide_after_close",
        )
    if outcome == DecisionOutcome.AWARD:
        if amount > application.amount_requested:
            raise RuleBroken(
                f"An award cannot be more than the {gbp(application.amount_requested)} asked for.",
                rule="grants.award_within_request",
                fields={"amount": [f"At most {gbp(application.amount_requested)}."]},
            )
        _commit_budget(programme=programme, round_=round_, amount=amount, by=by)
    rank = next((e.rank for e in ranking if e.application_id == application.pk), None)
    decision = Decision(
        application=application,
        outcome=outcome,
        method=round_.decision_method,
        amount=amount if outcome == DecisionOutcome.AWARD else None,
        conditions=conditions,
        reason=reason,
        rank=rank,
        ranking=[entry.as_json() for entry in ranking],
        decided_by=by,
    )
    decision._history_user = by
    decision.save()
    before = application.status
    application.status = (
        ApplicationStatus.AWARDED
        if outcome == DecisionOutcome.AWARD
        else ApplicationStatus.DECLINED
    )
    application._history_user = by
    application.save(update_fields=["status", "updated_at"])
    grant = None
    if outcome == DecisionOutcome.AWARD:
        grant = _grant_create(application, programme, amount, conditions, by)
    record_event(
        application=application,
        grant=grant,
        action="decided",
        by=by,
        from_status=before,
        to_status=application.status,
        comment=reason or conditions,
        data={"method": decision.method, "rank": rank, "amount": str(amount) if amount else None},
    )
    transaction.on_commit(lambda: notifications.application_decided(application.pk))
    if grant is not None:
        publish_on_commit(GrantAwarded(grant_id=grant.pk, programme_id=programme.pk))
    return decision


def _commit_budget(*, programme: Programme, round_: Round, amount: Decimal, by: User) -> None:
    if round_.awarded_total + amount > round_.budget:
        raise RuleBroken(
            f"There is only {gbp(round_.remaining)} left in {round_.name}'s budget of "
            f"{gbp(round_.budget)}; this award of {gbp(amount)} would overspend it.",
            rule="grants.round_budget",
        )
    if programme.awarded_total + amount > programme.budget:
        raise RuleBroken(
            f"There is only {gbp(programme.budget - programme.awarded_total)} left in the "
            f"{programme.name} budget; this award of {gbp(amount)} would overspend it.",
            rule="grants.programme_budget",
        )
    for model, row in ((Programme, programme), (Round, round_)):
        changed = model.objects.filter(pk=row.pk, awarded_total__lte=F("budget") - amount).update(
            awarded_total=F("awarded_total") + amount
        )
        if changed != 1:
            # Only reachable if a writer skipped the locks: refuse rather than overspend.
            raise Conflict(
                "The budget changed while this award was being made. Please try again.",
                rule="grants.budget_changed",
            )
        row.refresh_from_db(fields=["awarded_total"])
        record_history(row, by=by, reason=f"Award of {gbp(amount)}")


def report_tier_for(programme: Programme, amount: Decimal) -> str:
    if amount <= programme.light_report_up_to:
        return ReportTier.LIGHT
    if amount <= programme.standard_report_up_to:
        return ReportTier.STANDARD
    return ReportTier.FULL


def _grant_create(application, programme, amount, conditions, by) -> Grant:
    grant = Grant(
        application=application,
        identifier=f"{programme.identifier_prefix}-{application.pk}",
        amount=amount,
        conditions=conditions,
        report_tier=report_tier_for(programme, amount),
    )
    grant._history_user = by
    grant.save()
    # Small awards are paid at once; larger ones three quarters now, the rest at the end.
    today = timezone.localdate()
    if amount <= programme.light_report_up_to:
        schedule = [(amount, today)]
    else:
        first = to_money(amount * Decimal("0.75"))
        later = application.ends_on or today + timedelta(days=90)
        schedule = [(first, today), (amount - first, max(later, today))]
    for position, (part, due_on) in enumerate(schedule, start=1):
        tranche = Tranche(grant=grant, position=position, amount=part, due_on=due_on)
        tranche._history_user = by
        tranche.save()
    return grant
