"""At most one reminder per person per day when several workers run at once, on
PostgreSQL: the unique (person, sent_on) row is inserted in the transaction that sends, so
a second worker waits on it and then finds it."""

import threading
from collections import Counter

import pytest
from django.core import mail
from django.db import connection

from reporting.models import ReminderSent
from reporting.reminders.services import TransientMailError, reminders_send
from tests.reporting.reminders.backends import FlakyBackend
from tests.reporting.reminders.conftest import days_before

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def slow_mail(settings):
    settings.EMAIL_BACKEND = "tests.reporting.reminders.backends.FlakyBackend"
    FlakyBackend.reset(slow=0.2)  # each e-mail takes a while: the workers overlap
    yield FlakyBackend
    FlakyBackend.reset()


def _run_at_once(workers: int, today) -> tuple[list, list]:
    barrier = threading.Barrier(workers)
    runs, errors = [], []
    lock = threading.Lock()

    def work():
        try:
            barrier.wait()
            run = reminders_send(today=today)
            with lock:
                runs.append(run)
        except Exception as exc:
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return runs, errors


def test_workers_running_at_once_send_each_person_one_email(
    slow_mail, period, member, contributor, other_member
):
    runs, errors = _run_at_once(4, days_before(period, 3))
    assert errors == []
    # The workers really overlapped: another was waiting on a sender's row lock.
    assert slow_mail.lock_waiters_seen >= 1
    people = {member.email, contributor.email, other_member.email}
    assert Counter(m.to[0] for m in mail.outbox) == dict.fromkeys(people, 1)
    assert sum(run.sent for run in runs) == 3
    assert sum(run.already_sent for run in runs) == 3 * 3
    assert ReminderSent.objects.count() == 3


def test_a_worker_whose_send_fails_leaves_the_person_to_the_other(
    slow_mail, period, member, contributor, other_member, commissioner
):
    slow_mail.reset(failures=1, slow=0.1)
    runs, errors = _run_at_once(2, days_before(period, -2))
    assert [type(e) for e in errors] == [TransientMailError]  # that worker stops; Celery retries
    # overdue: the commissioner hears about both partners' returns too
    people = {member.email, contributor.email, other_member.email, commissioner.email}
    assert Counter(m.to[0] for m in mail.outbox) == dict.fromkeys(people, 1)
    assert ReminderSent.objects.count() == 4
