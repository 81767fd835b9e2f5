"""The one daily reminder job: registered, scheduled by beat each morning, retried when
the mail server is briefly away, and never recording an e-mail that did not go."""

import smtplib
from datetime import timedelta

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.utils import timezone

from grants.models import EndOfGrantReport
from reporting.models import ReminderSent
from reporting.reminders.services import TransientMailError, is_transient, reminders_send
from tests.reporting.reminders.backends import FlakyBackend
from tests.reporting.reminders.conftest import days_before, grant_report

FLAKY = "tests.reporting.reminders.backends.FlakyBackend"


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = FLAKY
    FlakyBackend.reset()
    yield FlakyBackend
    FlakyBackend.reset(error=lambda m: smtplib.SMTPServerDisconnected("Connection lost"))


@pytest.fixture
def eager_retries():
    """Eager `apply()` runs a task's retries in line, but only when errors are not
    propagated straight out of the first attempt (tests set CELERY_TASK_EAGER_PROPAGATES)."""
    from config.celery import app

    saved = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = saved


def test_the_task_is_registered_and_beat_runs_it_once_each_morning():
    from config.celery import app

    assert "reporting.tasks.send_reminders" in app.tasks
    entries = [
        (name, entry)
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if "remind" in entry["task"]
    ]
    assert [name for name, _ in entries] == ["reporting-send-reminders"]
    entry = entries[0][1]
    assert entry["task"] == "reporting.tasks.send_reminders"
    assert entry["schedule"] == crontab(hour=7, minute=30)
    assert settings.CELERY_TIMEZONE == "Europe/London"
    assert "grants.remind_reports_due" not in app.tasks  # folded into the one daily job


@pytest.mark.django_db
def test_the_daily_task_sends_a_grant_report_reminder_for_today(small_group, group_applicant):
    from reporting.tasks import send_reminders

    grant_report(small_group, timezone.localdate() + timedelta(days=3), title="Picnic")
    assert send_reminders.apply().get() == {
        "people": 1,
        "sent": 1,
        "already_sent": 0,
        "refused": 0,
    }
    assert "Picnic" in mail.outbox[-1].body
    assert ReminderSent.objects.get().sent_on == timezone.localdate()


@pytest.mark.django_db
def test_a_failed_send_leaves_no_record_claiming_it_was_sent(flaky, period, member):
    flaky.reset(failures=1)
    with pytest.raises(TransientMailError):
        reminders_send(today=days_before(period, 2))
    assert not ReminderSent.objects.exists()
    assert mail.outbox == []
    run = reminders_send(today=days_before(period, 2))  # the retry
    assert run.sent == 1
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert ReminderSent.objects.get().person == member


@pytest.mark.django_db
def test_the_task_retries_while_the_mail_server_is_away_and_sends_each_once(
    flaky, eager_retries, period, member, contributor, other_member, commissioner
):
    from reporting.tasks import send_reminders

    # Today the contract's first year is long past: its returns are overdue for the
    # partners' people and their commissioner. The first send fails twice; the retries
    # skip nobody and repeat nobody.
    flaky.reset(failures=2)
    result = send_reminders.apply()
    assert result.get() == {"people": 4, "sent": 4, "already_sent": 0, "refused": 0}
    assert flaky.attempts == 6  # 2 failures, then 4 deliveries
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        u.email for u in (member, contributor, other_member, commissioner)
    )
    assert ReminderSent.objects.count() == 4


@pytest.mark.django_db
def test_an_address_refused_for_good_does_not_stop_the_others(flaky, period, member, other_member):
    flaky.reset(
        failures=1,
        error=lambda m: smtplib.SMTPRecipientsRefused({m.to[0]: (550, b"No such mailbox")}),
    )
    run = reminders_send(today=days_before(period, 2))
    assert (run.sent, run.refused) == (1, 1)
    assert ReminderSent.objects.count() == 1
    refused = set(u.pk for u in (member, other_member)) - {ReminderSent.objects.get().person_id}
    assert len(refused) == 1


@pytest.mark.django_db
def test_a_permanent_mail_error_fails_the_task_without_retrying(
    flaky, eager_retries, period, member
):
    from reporting.tasks import send_reminders

    flaky.reset(
        failures=10,
        error=lambda m: smtplib.SMTPAuthenticationError(535, b"Authentication failed"),
    )
    with pytest.raises(smtplib.SMTPAuthenticationError):
        send_reminders.apply().get()
    assert flaky.attempts == 1
    assert not ReminderSent.objects.exists()


@pytest.mark.parametrize(
    "error, transient",
    [
        (smtplib.SMTPServerDisconnected("lost"), True),
        (ConnectionRefusedError(111, "refused"), True),
        (TimeoutError("timed out"), True),
        (smtplib.SMTPResponseException(421, b"Try again later"), True),
        (smtplib.SMTPDataError(451, b"Local error"), True),
        (smtplib.SMTPDataError(554, b"Rejected"), False),
        (smtplib.SMTPAuthenticationError(535, b"Bad login"), False),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (450, b"Mailbox busy")}), True),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"No such user")}), False),
        (ValueError("a bug"), False),
    ],
)
def test_only_errors_worth_waiting_for_are_transient(error, transient):
    assert is_transient(error) is transient


@pytest.mark.django_db
def test_the_report_reminded_at_is_set_only_when_an_email_went(flaky, small_group, group_applicant):
    today = timezone.localdate()
    report = grant_report(small_group, today - timedelta(days=2))
    flaky.reset(failures=1)
    with pytest.raises(TransientMailError):
        reminders_send(today=today)
    assert EndOfGrantReport.objects.get(pk=report.pk).reminded_at is None
    reminders_send(today=today)
    assert EndOfGrantReport.objects.get(pk=report.pk).reminded_at is not None
