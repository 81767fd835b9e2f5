"""After the award: the group accepts it, and payments are recorded (rule 14: never more
than the award)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from alliance.events import publish_on_commit
from alliance.models import User
from config.errors import Conflict, RuleBroken
from config.money import gbp, to_money
from grants import notifications
from grants.access import require_applicant, require_commissioner_of_programme
from grants.events import GrantPaymentRecorded
from grants.history import record_event, record_history
from grants.models import EndOfGrantReport, Grant, GrantStatus, Payment, ReportStatus, Tranche
from grants.services.locks import lock_grant


def grant_accept(*, grant: Grant, by: User) -> Grant:
    """The group accepts the award and its conditions; its end-of-grant report is then due."""
    require_applicant(by, grant.application.organisation_id, "accept this grant")
    with transaction.atomic():
        locked = lock_grant(grant.pk)
        if locked.status != GrantStatus.OFFERED:
            return locked  # accepting twice is harmless
        locked.status = GrantStatus.ACCEPTED
        locked.accepted_at = timezone.now()
        locked.accepted_by = by
        locked._history_user = by
        locked.save(update_fields=["status", "accepted_at", "accepted_by"])
        application = locked.application
        programme = application.round.programme
        ends = application.ends_on or timezone.localdate()
        report = EndOfGrantReport(
            grant=locked,
            tier=locked.report_tier,
            due_on=ends + timedelta(days=programme.report_due_days),
        )
        report._history_user = by
        report.save()
        record_event(
            application=application,
            grant=locked,
            action="grant_accepted",
            by=by,
            from_status=GrantStatus.OFFERED,
            to_status=GrantStatus.ACCEPTED,
        )
    return locked


def payment_record(
    *,
    grant: Grant,
    by: User,
    amount: Decimal,
    paid_on: date,
    reference: str,
    tranche: Tranche | None = None,
) -> Payment:
    require_commissioner_of_programme(
        by, grant.application.round.programme_id, "record this grant's payments"
    )
    amount = to_money(amount)
    if amount <= 0:
        raise RuleBroken(
            "A payment must be more than £0.00.",
            rule="grants.payment_positive",
            fields={"amount": ["Must be more than zero."]},
        )
    if tranche is not None and tranche.grant_id != grant.pk:
        raise RuleBroken(
            "That tranche belongs to another grant.",
            rule="grants.tranche_of_grant",
            fields={"tranche": ["Not a tranche of this grant."]},
        )
    with transaction.atomic():
        locked = lock_grant(grant.pk)
        if locked.status == GrantStatus.OFFERED:
            raise RuleBroken(
                "The group has not accepted this grant yet, so it cannot be paid.",
                rule="grants.pay_accepted_grants",
            )
        if locked.payments.filter(reference=reference).exists():
            raise Conflict(
                f"A payment with reference {reference} is already recorded for this grant.",
                rule="grants.payment_recorded_once",
                fields={"reference": ["Already recorded."]},
            )
        if locked.paid_total == locked.amount:
            raise RuleBroken(
                f"This grant has already been paid in full ({gbp(locked.amount)}).",
                rule="grants.payments_within_award",
                fields={"amount": ["Nothing is left to pay."]},
            )
        if locked.paid_total + amount > locked.amount:
            raise RuleBroken(
                f"This payment of {gbp(amount)} would take the total paid past the award of "
                f"{gbp(locked.amount)}: {gbp(locked.amount - locked.paid_total)} is left to pay.",
                rule="grants.payments_within_award",
                fields={"amount": [f"At most {gbp(locked.amount - locked.paid_total)}."]},
            )
        changed = Grant.objects.filter(pk=locked.pk, paid_total__lte=F("amount") - amount).update(
            paid_total=F("paid_total") + amount
        )
        if changed != 1:
            raise Conflict("The grant changed while paying it. Please try again.")
        locked.refresh_from_db(fields=["paid_total"])
        record_history(locked, by=by, reason=f"Payment of {gbp(amount)}")
        payment = Payment(
            grant=locked,
            tranche=tranche,
            amount=amount,
            paid_on=paid_on,
            reference=reference,
            recorded_by=by,
        )
        payment._history_user = by
        payment.save()
        record_event(
            application=locked.application,
            grant=locked,
            action="paid",
            by=by,
            comment=f"{gbp(amount)} paid on {paid_on:%d %B %Y}, reference {reference}",
            data={"amount": str(amount), "paid_total": str(locked.paid_total)},
        )
        complete_if_done(locked, by=by)
        transaction.on_commit(lambda: notifications.payment_recorded(payment.pk))
        publish_on_commit(GrantPaymentRecorded(grant_id=locked.pk, payment_id=payment.pk))
    return payment


def complete_if_done(grant: Grant, *, by: User) -> None:
    """A grant is completed once it is fully paid and its report is in. Caller holds the lock."""
    report = EndOfGrantReport.objects.filter(grant=grant).first()
    if grant.status != GrantStatus.ACCEPTED or grant.paid_total != grant.amount:
        return
    if report is None or report.status != ReportStatus.SUBMITTED:
        return
    grant.status = GrantStatus.COMPLETED
    grant._history_user = by
    grant.save(update_fields=["status"])
    record_event(
        application=grant.application,
        grant=grant,
        action="grant_completed",
        by=by,
        from_status=GrantStatus.ACCEPTED,
        to_status=GrantStatus.COMPLETED,
    )
