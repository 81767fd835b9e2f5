"""A Celery worker killed with SIGKILL in the middle of a job: the dispatcher puts the job
back once it is stale, another worker runs it, and it completes once, with one result."""

import os
import signal
import subprocess
import time

import pytest

from reporting import kinds
from reporting.models import Job, JobState
from reporting.services.dispatch import jobs_dispatch_pending
from reporting.services.jobs import job_request
from tests.reporting.conftest import celery_broker

SECONDS = 4  # long enough to be killed mid-job, short enough for a test


@pytest.fixture
def slow_kind():
    from tests.faults.slow_kind import NAME, SLOW

    kinds.register(SLOW)
    yield NAME
    kinds.unregister(NAME)


def _wait_running(job: Job, worker, deadline_seconds: float = 30) -> None:
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.state == JobState.RUNNING:
            return
        try:
            worker.process.wait(timeout=0.1)  # doubles as the pause between polls
        except subprocess.TimeoutExpired:
            continue
        raise AssertionError(f"The worker stopped:\n{worker.log.read_text()}")
    raise AssertionError(f"Job {job.pk} never started:\n{worker.log.read_text()}")


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_job_completes_once(own_redis, worker_factory, slow_kind, settings):
    include = ("--include", "tests.faults.slow_kind")
    with celery_broker(own_redis.url):
        first = worker_factory(own_redis.url, *include)
        job = job_request(kind=slow_kind, key=slow_kind, params={"seconds": SECONDS})
        _wait_running(job, first)
        os.kill(first.process.pid, signal.SIGKILL)
        first.process.wait(timeout=10)
        job.refresh_from_db()
        assert job.state == JobState.RUNNING  # killed mid-job: nothing recorded it ending

        # The dispatcher treats a job running past the hard time limit as stalled; here the
        # limit is made zero so the test need not wait the real half hour.
        settings.JOBS_STALE_AFTER = 0
        report = jobs_dispatch_pending()
        assert (report.requeued, report.sent) == (1, 1), report
        second = worker_factory(own_redis.url, *include)
        job = second.wait_for(job, deadline_seconds=60)
        settings.JOBS_STALE_AFTER = 3600
        assert jobs_dispatch_pending().as_dict() == {
            "requeued": 0,
            "gave_up": 0,
            "sent": 0,
            "unsent": 0,
        }

    assert job.state == JobState.SUCCEEDED, job.error
    assert job.result == {"worked_seconds": SECONDS, "counted": True}
    assert job.attempts == 2  # the killed run, and the one that finished
    assert job.events.filter(to_state=JobState.SUCCEEDED).count() == 1
    assert Job.objects.filter(key=slow_kind).count() == 1
