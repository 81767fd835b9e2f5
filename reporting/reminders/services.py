"""Sending the daily reminders: at most one e-mail per person per day.

The promise is kept by the database, not by the scheduler: for each person the run
inserts a `ReminderSent` row for (person, today) and sends the e-mail in that same
transaction. A second run the same day (a retry, a redelivered message, beat started
twice) or a second worker at the same moment finds the row, or waits on the unique index
until the first commits and then finds it, and sends nothing.

Why the e-mail is sent inside the transaction and not on commit: the row must never claim
an e-mail that did not go. Sent inside, a failure to send raises and rolls the row back,
so the next attempt (Celery's retry, or tomorrow's run) sends it. The price is the other
way round: if the database failed in the instant between a successful send and the commit,
that person would get the day's reminder twice. A duplicate reminder is the smaller harm
than a missed one, and the window is one commit wide. Each person has their own short
transaction, so one slow send holds nobody else's row.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import asdict, dataclass
from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from grants.models import EndOfGrantReport
from reporting.reminders import message
from reporting.reminders.collect import Person, reminders_due
from reporting.reminders.models import ReminderSent

log = logging.getLogger(__name__)


class TransientMailError(Exception):
    """The mail server is briefly away or busy: the run is worth trying again later."""


def is_transient(exc: BaseException) -> bool:
    """SMTP 4xx answers and lost connections pass; 5xx answers (a bad address, a refused
    login) will not get better by waiting."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(exc, smtplib.SMTPException):
        return False
    return isinstance(exc, OSError)  # refused, reset, timed out, name not resolved


@dataclass
class ReminderRun:
    people: int = 0  # with something due or overdue today
    sent: int = 0
    already_sent: int = 0  # an earlier run (or another worker) sent today's
    refused: int = 0  # the mail server refused the address for good

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _send_one(person: Person, today: date, connection) -> bool:
    """Claim (person, today) and send; False if it was already claimed."""
    with transaction.atomic():
        _, created = ReminderSent.objects.get_or_create(
            person_id=person.id,
            sent_on=today,
            defaults={"items": [item.as_json(today) for item in person.sorted_items()]},
        )
        if not created:
            return False
        email = EmailMessage(
            message.subject(person, today),
            message.body(person, today),
            settings.DEFAULT_FROM_EMAIL,
            [person.email],
            connection=connection,
        )
        try:
            email.send()
        except Exception as exc:
            if is_transient(exc):
                raise TransientMailError(f"{exc.__class__.__name__}: {exc}") from exc
            raise
    return True


def _mark_reports_reminded(person: Person) -> None:
    """`reminded_at` says when a group was last reminded about its report. No code reads
    it now (the reminder's own record is `ReminderSent`); it is kept true for whoever
    reads the row. Set after the person's transaction commits, one row per statement, so that no
    report is held locked while an e-mail is sent and two workers cannot deadlock."""
    now = timezone.now()
    for report_id in sorted(i.report_id for i in person.items.values() if i.report_id):
        EndOfGrantReport.objects.filter(pk=report_id).update(reminded_at=now)


def reminders_send(*, today: date | None = None) -> ReminderRun:
    """E-mail everyone with a return or end-of-grant report due within a week or overdue:
    one e-mail each, listing all of it. Safe to run again: see the module's docstring."""
    today = today or timezone.localdate()
    people = reminders_due(today=today)
    run = ReminderRun(people=len(people))
    connection = get_connection()
    try:
        # The same order in every worker, so two runs meet on the same person first.
        for person_id in sorted(people):
            person = people[person_id]
            try:
                sent = _send_one(person, today, connection)
            except smtplib.SMTPRecipientsRefused:
                # Transient refusals were raised as TransientMailError; this one is for good.
                log.warning("Reminder to user %s refused by the mail server", person_id)
                run.refused += 1
                continue
            if not sent:
                run.already_sent += 1
                continue
            run.sent += 1
            _mark_reports_reminded(person)
    finally:
        connection.close()
    return run
