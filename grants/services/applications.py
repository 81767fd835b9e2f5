"""An application's life before the decision: draft, edit, submit, withdraw.

Drafts accept partial data: whatever a group has typed is kept, and everything is
checked together only when they submit (rule 12).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from alliance.models import Organisation, User
from config.errors import Conflict, RuleBroken
from grants import notifications
from grants.access import require_applicant
from grants.history import record_event
from grants.models import Application, ApplicationStatus, BudgetLine, Round, RoundPhase
from grants.services import eligibility
from grants.services.locks import lock_application, lock_programme_and_round

DRAFT_FIELDS = (
    "title",
    "summary",
    "amount_requested",
    "ward_codes",
    "expected_beneficiaries",
    "themes",
    "starts_on",
    "ends_on",
)


def _unknown(data: dict[str, Any]) -> None:
    unknown = set(data) - set(DRAFT_FIELDS) - {"budget_lines"}
    if unknown:
        raise RuleBroken("These details cannot be set here: " + ", ".join(sorted(unknown)) + ".")


def _replace_budget_lines(application: Application, lines: list[dict[str, Any]], by: User) -> None:
    # One by one, not in bulk: each removal and addition is kept in the history (rule 16).
    for line in application.budget_lines.all():
        line._history_user = by
        line.delete()
    for position, line in enumerate(lines):
        budget_line = BudgetLine(
            application=application,
            position=position,
            description=line.get("description", ""),
            amount=line.get("amount"),
        )
        budget_line._history_user = by
        budget_line.save()


def application_create(
    *, round_: Round, organisation: Organisation, by: User, data: dict[str, Any]
) -> Application:
    require_applicant(by, organisation.pk, "apply for it")
    _unknown(data)
    if round_.phase() not in (RoundPhase.UPCOMING, RoundPhase.OPEN):
        raise RuleBroken(
            f"{round_.name} closed on {timezone.localtime(round_.closes_at):%d %B %Y at %H:%M}, "
            "so new applications cannot be started. Look for a round that is open.",
            rule="grants.round_open",
        )
    fields = {name: data[name] for name in DRAFT_FIELDS if name in data}
    with transaction.atomic():
        application = Application(round=round_, organisation=organisation, created_by=by, **fields)
        application._history_user = by
        application.save()
        _replace_budget_lines(application, data.get("budget_lines", []), by)
        record_event(application=application, action="created", by=by, to_status="draft")
    return application


def application_update(*, application: Application, by: User, data: dict[str, Any]) -> Application:
    require_applicant(by, application.organisation_id, "change this application")
    _unknown(data)
    with transaction.atomic():
        locked = lock_application(application.pk)
        if locked.status != ApplicationStatus.DRAFT:
            raise Conflict(
                f"This application is {locked.get_status_display().lower()}, so it can no "
                "longer be changed.",
                rule="grants.only_drafts_change",
            )
        fields = [name for name in DRAFT_FIELDS if name in data]
        for name in fields:
            setattr(locked, name, data[name])
        locked._history_user = by
        locked.save(update_fields=[*fields, "updated_at"])
        if "budget_lines" in data:
            _replace_budget_lines(locked, data["budget_lines"], by)
    return locked


def application_submit(*, application: Application, by: User) -> Application:
    """Rule 11 (only while the round is open) and rule 12 (every failure listed)."""
    require_applicant(by, application.organisation_id, "submit this application")
    with transaction.atomic():
        # Programme and round are locked so that two submissions from one group cannot
        # both pass the one-live-application check.
        programme, round_ = lock_programme_and_round(application.round_id)
        locked = lock_application(application.pk)
        if locked.status == ApplicationStatus.SUBMITTED:
            return locked  # submitting twice is harmless
        if locked.status != ApplicationStatus.DRAFT:
            raise Conflict(
                f"This application is {locked.get_status_display().lower()}; only a draft "
                "can be submitted.",
                rule="grants.only_drafts_submit",
            )
        now = timezone.now()
        if round_.phase(now) != RoundPhase.OPEN:
            raise RuleBroken(_closed_message(round_, now), rule="grants.round_open")
        problems = eligibility.problems_for(locked, round_, programme)
        if problems:
            raise RuleBroken(
                "Your application cannot be submitted yet. Your draft is saved: please "
                "put right the points listed, then submit again.",
                rule="grants.eligibility",
                problems=problems,
            )
        locked.status = ApplicationStatus.SUBMITTED
        locked.submitted_at = now
        locked._history_user = by
        locked.save(update_fields=["status", "submitted_at", "updated_at"])
        record_event(
            application=locked,
            action="submitted",
            by=by,
            from_status="draft",
            to_status="submitted",
        )
        transaction.on_commit(lambda: notifications.application_submitted(locked.pk))
    return locked


def _closed_message(round_: Round, now) -> str:
    opens = timezone.localtime(round_.opens_at)
    closes = timezone.localtime(round_.closes_at)
    if now < round_.opens_at:
        return (
            f"{round_.name} opens on {opens:%d %B %Y at %H:%M}. Your draft is saved; "
            "submit it once the round is open."
        )
    return (
        f"{round_.name} closed on {closes:%d %B %Y at %H:%M}, so applications can no longer "
        "be submitted. Your draft is kept."
    )


def application_withdraw(*, application: Application, by: User, reason: str = "") -> Application:
    require_applicant(by, application.organisation_id, "withdraw this application")
    with transaction.atomic():
        locked = lock_application(application.pk)
        if locked.status == ApplicationStatus.WITHDRAWN:
            return locked
        if locked.status not in (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED):
            raise Conflict(
                "A decision has already been made on this application, so it cannot be withdrawn.",
                rule="grants.withdraw_before_decision",
            )
        before = locked.status
        locked.status = ApplicationStatus.WITHDRAWN
        locked._history_user = by
        locked.save(update_fields=["status", "updated_at"])
        record_event(
            application=locked,
            action="withdrawn",
            by=by,
            from_status=before,
            to_status="withdrawn",
            comment=reason,
        )
    return locked
