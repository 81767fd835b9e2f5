"""End-of-grant reports (rule 15: the smaller the grant, the less it asks) and reminders.

Reports ask for counts and an anonymised story, never personal data about families
(rule 17).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from alliance.events import publish_on_commit
from alliance.models import User
from config.errors import RuleBroken
from grants import notifications
from grants.access import require_applicant
from grants.events import GrantReportSubmitted
from grants.history import record_event
from grants.models import EndOfGrantReport, ReportStatus, ReportTier
from grants.services.locks import lock_grant
from grants.services.payments import complete_if_done

STORY = "Tell us a story of the difference it made. Please leave out names and anything that could identify a family."  # noqa: E501
QUESTIONS: dict[str, dict[str, str]] = {
    ReportTier.LIGHT: {
        "what_happened": "What did you do with the grant?",
        "people_reached": "Roughly how many people took part?",
        "story": STORY,
    },
}
QUESTIONS[ReportTier.STANDARD] = {
    **QUESTIONS[ReportTier.LIGHT],
    "what_went_well": "What went well, and what would you do differently?",
    "spending": "How did you spend the money? Say if it differed from your budget.",
}
QUESTIONS[ReportTier.FULL] = {
    **QUESTIONS[ReportTier.STANDARD],
    "outcomes": "What changed for the families you worked with? Give numbers where you can.",
    "what_next": "What happens next: will the work carry on, and how?",
}
NUMBER_QUESTIONS = {"people_reached"}
# Reminders go out this many days before a report is due, and again once it is overdue.
REMIND_DAYS_BEFORE = 14
REMIND_EVERY_DAYS = 7


def report_submit(
    *, report: EndOfGrantReport, by: User, answers: dict[str, Any]
) -> EndOfGrantReport:
    grant = report.grant
    require_applicant(by, grant.application.organisation_id, "send this report")
    questions = QUESTIONS[report.tier]
    errors: dict[str, list[str]] = {}
    for key in sorted(set(answers) - set(questions)):
        errors[key] = ["This report does not ask this question."]
    for key, question in questions.items():
        value = answers.get(key)
        if value in (None, ""):
            errors[key] = [f"Please answer: {question}"]
        elif key in NUMBER_QUESTIONS and not (isinstance(value, int) and value >= 0):
            errors[key] = ["Give a whole number, 0 or more."]
        elif key not in NUMBER_QUESTIONS and not isinstance(value, str):
            errors[key] = ["Answer in words."]
    if errors:
        raise RuleBroken(
            "Some of the report's answers are missing or need correcting.",
            rule="grants.report_complete",
            fields=errors,
        )
    with transaction.atomic():
        locked_grant = lock_grant(grant.pk)
        locked = EndOfGrantReport.objects.select_for_update().get(pk=report.pk)
        if locked.status == ReportStatus.SUBMITTED:
            return locked  # sending twice is harmless; the first answers stand
        late = locked.is_overdue
        locked.answers = answers
        locked.status = ReportStatus.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.submitted_by = by
        locked._history_user = by
        locked.save(update_fields=["answers", "status", "submitted_at", "submitted_by"])
        record_event(
            application=locked_grant.application,
            grant=locked_grant,
            action="report_submitted",
            by=by,
            from_status=ReportStatus.DUE,
            to_status=ReportStatus.SUBMITTED,
            data={"late": late},
        )
        complete_if_done(locked_grant, by=by)
        publish_on_commit(GrantReportSubmitted(grant_id=locked_grant.pk))
    return locked


def reports_remind_due(*, today=None) -> int:
    """E-mail groups whose report is due soon or overdue; at most once a week each."""
    today = today or timezone.localdate()
    now = timezone.now()
    due = EndOfGrantReport.objects.filter(
        status=ReportStatus.DUE, due_on__lte=today + timedelta(days=REMIND_DAYS_BEFORE)
    ).exclude(reminded_at__gt=now - timedelta(days=REMIND_EVERY_DAYS))
    count = 0
    for report_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            report = EndOfGrantReport.objects.select_for_update().get(pk=report_id)
            recent = report.reminded_at and report.reminded_at > now - timedelta(
                days=REMIND_EVERY_DAYS
            )
            if report.status != ReportStatus.DUE or recent:
                continue  # another worker got here first
            report.reminded_at = now
            report.save(update_fields=["reminded_at"])
            transaction.on_commit(lambda pk=report.pk: notifications.report_due(pk))
            count += 1
    return count
