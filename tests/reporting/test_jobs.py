"""Jobs: asked for once per key, claimed by exactly one run, failures recorded and retried."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from config.errors import Conflict, NotAllowed, RuleBroken
from reporting.models import Job, JobEvent, JobState
from reporting.services.dispatch import jobs_dispatch_pending
from reporting.services.jobs import job_request, job_retry, job_run
from reporting.tasks import dispatch_pending_jobs, run_job
from tests.reporting.conftest import celery_broker, closed_port
from tests.reporting.factories import JobFactory

pytestmark = pytest.mark.django_db


def _request(by, key="recorded:a", **params):
    return job_request(kind="recorded", key=key, params=params, by=by)


def test_a_job_is_queued_in_the_callers_transaction_and_sent_after_commit(
    recorder, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = _request(member)
        assert job.state == JobState.QUEUED
        assert job.dispatched_at is None
        assert recorder.calls == []  # nothing runs before commit
    assert len(callbacks) == 1
    callbacks[0]()  # the commit: eager Celery runs it at once
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED
    assert job.result == {"call": 1, "echo": {}}
    assert job.attempts == 1
    assert [(e.from_state, e.to_state) for e in job.events.all()] == [
        ("", "queued"),
        ("queued", "running"),
        ("running", "succeeded"),
    ]
    assert job.events.first().actor == member


def test_asking_again_while_queued_returns_the_same_job(recorder, member, commissioner):
    first = _request(member)
    second = _request(commissioner)
    assert second.pk == first.pk
    assert Job.objects.count() == 1


def test_asking_again_after_it_finished_makes_a_new_job(
    recorder, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = _request(member)
    with django_capture_on_commit_callbacks(execute=True):
        second = _request(member)
    assert second.pk != first.pk
    assert len(recorder.calls) == 2


def test_a_rolled_back_request_sends_nothing(recorder, member, django_capture_on_commit_callbacks):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _request(member)
        raise RuntimeError("the caller's own work failed")
    assert callbacks == []
    assert not Job.objects.exists()
    assert recorder.calls == []


def test_an_unknown_kind_is_refused_and_nothing_is_saved(member):
    with pytest.raises(RuleBroken) as error:
        job_request(kind="no_such_kind", key="no_such_kind", params={}, by=member)
    assert error.value.rule == "jobs.known_kind"
    assert not Job.objects.exists()


@pytest.mark.parametrize("key", ["", "other:a", "recordedx", "recorded:" + "x" * 200])
def test_a_key_must_name_the_work_under_its_kind(recorder, member, key):
    with pytest.raises(RuleBroken) as error:
        _request(member, key=key)
    assert error.value.rule == "jobs.key_names_work"
    assert not Job.objects.exists()


def test_only_those_the_kind_allows_may_ask_for_it(member, outsider):
    with pytest.raises(NotAllowed) as error:
        job_request(
            kind="organisation_register_export",
            key="organisation_register_export",
            by=member,
        )
    assert "only a commissioner" in error.value.message
    assert not Job.objects.exists()


def test_the_system_may_ask_for_any_kind_without_a_person(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_request(
            kind="organisation_register_export", key="organisation_register_export", by=None
        )
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED
    assert job.requested_by is None


def test_a_duplicate_delivery_runs_the_handler_once(recorder, member):
    job = JobFactory(kind="recorded", key="recorded:dup")
    run_job.apply(args=[job.pk])
    run_job.apply(args=[job.pk])
    assert job_run(job.pk) is None
    assert len(recorder.calls) == 1
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED
    assert job.attempts == 1
    assert job.events.filter(to_state=JobState.RUNNING).count() == 1


def test_a_failing_job_records_why_and_can_be_retried(recorder, commissioner):
    job = JobFactory(kind="recorded", key="recorded:fail", params={"fail": "no register"})
    job_run(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert "ValueError: no register" in job.error
    assert job.finished_at is not None
    # Fixed: the next attempt will succeed.
    Job.objects.filter(pk=job.pk).update(params={})
    retried = job_retry(job=job, by=commissioner)
    assert retried.state == JobState.QUEUED
    event = job.events.get(from_state=JobState.FAILED)
    assert event.actor == commissioner
    assert "no register" in event.comment
    job_run(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED
    assert job.error == ""
    assert job.attempts == 2


def test_retrying_sends_the_job_after_commit(
    recorder, commissioner, django_capture_on_commit_callbacks
):
    job = JobFactory(kind="recorded", key="recorded:r", state=JobState.FAILED, error="boom")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job_retry(job=job, by=commissioner)
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED


def test_only_a_commissioner_retries(recorder, member):
    job = JobFactory(kind="recorded", key="recorded:r", state=JobState.FAILED, requested_by=member)
    with pytest.raises(NotAllowed):
        job_retry(job=job, by=member)
    job.refresh_from_db()
    assert job.state == JobState.FAILED


def test_retrying_a_queued_job_is_harmless(recorder, commissioner):
    job = JobFactory(kind="recorded", key="recorded:q")
    assert job_retry(job=job, by=commissioner).state == JobState.QUEUED
    assert not job.events.exists()


def test_a_succeeded_job_cannot_be_retried(recorder, commissioner):
    job = JobFactory(kind="recorded", key="recorded:s", state=JobState.SUCCEEDED)
    with pytest.raises(Conflict) as error:
        job_retry(job=job, by=commissioner)
    assert error.value.rule == "jobs.retry_failed_only"


def test_a_failed_job_is_not_retried_while_the_same_work_is_queued(recorder, commissioner):
    failed = JobFactory(kind="recorded", key="recorded:k", state=JobState.FAILED)
    newer = JobFactory(kind="recorded", key="recorded:k", state=JobState.QUEUED)
    with pytest.raises(Conflict) as error:
        job_retry(job=failed, by=commissioner)
    assert str(newer.pk) in error.value.message
    failed.refresh_from_db()
    assert failed.state == JobState.FAILED


def test_a_transient_error_is_retried_with_backoff_then_succeeds(
    recorder, settings, django_capture_on_commit_callbacks
):
    settings.JOBS_RETRY_BACKOFF = 30
    job = JobFactory(kind="recorded", key="recorded:t", params={"transient": 1})
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=False):
        job_run(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.QUEUED
    assert job.run_after >= before + timedelta(seconds=30)
    assert "briefly unavailable" in job.error
    # Not sent again before its time...
    assert jobs_dispatch_pending().sent == 0
    # ...and run once it is due.
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
    assert jobs_dispatch_pending().sent == 1
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED
    assert job.attempts == 2


def test_a_transient_error_gives_up_after_the_last_attempt(recorder, settings):
    settings.JOBS_MAX_ATTEMPTS = 2
    job = JobFactory(kind="recorded", key="recorded:t", params={"transient": 99}, attempts=1)
    job_run(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.error.startswith("Gave up after 2 attempts.")


def test_a_job_whose_worker_was_killed_is_queued_again_and_completes_once(recorder, settings):
    # Simulate a worker killed mid-run: running, claimed, started beyond the time limit.
    job = JobFactory(
        kind="recorded",
        key="recorded:killed",
        state=JobState.RUNNING,
        attempts=1,
        started_at=timezone.now() - timedelta(seconds=settings.JOBS_STALE_AFTER + 1),
    )
    report = dispatch_pending_jobs.apply().get()
    assert report["requeued"] == 1
    assert report["sent"] == 1
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED
    assert job.attempts == 2
    assert len(recorder.calls) == 1
    assert job.events.filter(from_state="running", to_state="queued").count() == 1
    # Running the dispatcher again finds nothing to do.
    assert dispatch_pending_jobs.apply().get() == {
        "requeued": 0,
        "gave_up": 0,
        "sent": 0,
        "unsent": 0,
    }
    assert len(recorder.calls) == 1


def test_a_job_still_within_its_time_limit_is_left_running(recorder, settings):
    job = JobFactory(
        kind="recorded",
        key="recorded:slow",
        state=JobState.RUNNING,
        attempts=1,
        started_at=timezone.now() - timedelta(seconds=settings.JOBS_STALE_AFTER - 30),
    )
    assert jobs_dispatch_pending().requeued == 0
    job.refresh_from_db()
    assert job.state == JobState.RUNNING


def test_a_job_killed_on_its_last_attempt_fails_with_the_reason(recorder, settings):
    settings.JOBS_MAX_ATTEMPTS = 2
    job = JobFactory(
        kind="recorded",
        key="recorded:killed",
        state=JobState.RUNNING,
        attempts=2,
        started_at=timezone.now() - timedelta(seconds=settings.JOBS_STALE_AFTER + 1),
    )
    assert jobs_dispatch_pending().gave_up == 1
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert "stopped, 2 times" in job.error
    assert recorder.calls == []


def test_a_presumed_dead_run_that_finishes_late_does_not_overwrite_its_replacement(
    recorder, settings
):
    job = JobFactory(kind="recorded", key="recorded:late")

    def meanwhile(call):
        if call == 1:
            # While the first run is still working, the dispatcher decides its worker
            # died and runs the job again (eagerly here), which succeeds as call 2.
            stale = timezone.now() - timedelta(seconds=settings.JOBS_STALE_AFTER + 1)
            Job.objects.filter(pk=job.pk).update(started_at=stale)
            jobs_dispatch_pending()

    recorder.during = meanwhile
    job_run(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED
    assert job.result["call"] == 2  # the replacement's outcome stands
    assert job.events.filter(to_state=JobState.SUCCEEDED).count() == 1


def test_a_job_of_a_kind_no_longer_registered_fails_with_the_reason():
    job = JobFactory(kind="retired_kind", key="retired_kind")
    job_run(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert "no kind of job called 'retired_kind'" in job.error


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_requests_for_the_same_work_make_one_job(recorder, member, other_member):
    barrier = threading.Barrier(6)
    jobs, errors = [], []

    def ask(person):
        try:
            barrier.wait()
            jobs.append(_request(person, key="recorded:same").pk)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    # The broker is away, so the job stays queued: run eagerly, it could finish before
    # the last thread asks, and a new request after that rightly makes a new job.
    with celery_broker(f"redis://127.0.0.1:{closed_port()}/0"):
        threads = [threading.Thread(target=ask, args=[p]) for p in [member, other_member] * 3]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert errors == []
    assert len(set(jobs)) == 1
    job = Job.objects.get(key="recorded:same")
    assert job.state == JobState.QUEUED
    assert set(job.requests.values_list("user", flat=True)) == {member.pk, other_member.pk}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_deliveries_run_the_handler_once(recorder):
    job = JobFactory(kind="recorded", key="recorded:race")
    barrier = threading.Barrier(6)
    errors = []

    def deliver():
        try:
            barrier.wait()
            job_run(job.pk)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(recorder.calls) == 1
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED
    assert JobEvent.objects.filter(job=job, to_state=JobState.RUNNING).count() == 1


def test_a_job_that_runs_out_of_time_says_so(recorder, settings):
    from celery.exceptions import SoftTimeLimitExceeded

    def out_of_time(call):
        raise SoftTimeLimitExceeded()

    recorder.during = out_of_time
    job = JobFactory(kind="recorded", key="recorded:slow")
    job_run(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.error.startswith("It ran out of time")


@pytest.mark.django_db(transaction=True)
def test_a_database_blip_during_a_job_is_retried_not_failed(recorder):
    from django.db import OperationalError

    def database_away(call):
        if call == 1:
            raise OperationalError("server closed the connection unexpectedly")

    recorder.during = database_away
    job = JobFactory(kind="recorded", key="recorded:blip")
    job_run(job.pk)  # requeued after commit; eager Celery runs the retry at once
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED
    assert job.attempts == 2
    retry = job.events.get(from_state="running", to_state="queued")
    assert "server closed the connection" in retry.comment
