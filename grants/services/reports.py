"""End-of-grant reports (rule 15: the smaller the grant, the less it asks).

Reminders for reports due or overdue are part of the one daily reminder e-mail
(reporting/reminders/), with quarterly returns.

Reports ask for counts and an anonymised story, never personal data about families
(rule 17).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from alliance.events import publish_on_commit
from alliance.models import User
from config.errors import RuleBroken
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
