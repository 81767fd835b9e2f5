"""The outbox: a request that asks for a job answers quickly when the broker is down, and
the job runs once, when the broker is back. Real Celery workers against real Redis.
"""

import os
import shutil
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from reporting.models import Job, JobState
from reporting.services.dispatch import jobs_dispatch_pending
from reporting.tasks import dispatch_pending_jobs, run_job
from tests.conftest import client_for
from tests.reporting.conftest import celery_broker, closed_port
from tests.reporting.factories import JobFactory

EXPORT = "/api/v1/exports/organisation-register/"
ROOT = Path(__file__).resolve().parents[2]
# A correctness bound on the broker timeouts in config/settings.py, not a benchmark: a
# refused connection is noticed in milliseconds; two seconds is the connect timeout.
FAST = 2.0


@pytest.mark.django_db
def test_a_request_answers_quickly_when_the_broker_is_down_and_the_job_waits(
    commissioner, django_capture_on_commit_callbacks
):
    with celery_broker(f"redis://127.0.0.1:{closed_port()}/0"):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(commissioner).post(EXPORT)
        elapsed = time.monotonic() - started
    assert response.status_code == 202
    assert elapsed < FAST, f"took {elapsed:.2f}s with the broker down"
    job = Job.objects.get()
    assert job.state == JobState.QUEUED
    assert job.dispatched_at is None  # still in the outbox
    # The broker is back (eager here): the dispatcher sends it and it runs once.
    assert dispatch_pending_jobs.apply().get()["sent"] == 1
    assert dispatch_pending_jobs.apply().get()["sent"] == 0
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED
    assert job.attempts == 1


@pytest.mark.django_db
def test_the_dispatcher_stops_at_the_first_failure_while_the_broker_is_still_down(recorder):
    jobs = [JobFactory(kind="recorded", key=f"recorded:{n}") for n in range(3)]
    with celery_broker(f"redis://127.0.0.1:{closed_port()}/0"):
        report = jobs_dispatch_pending()
    assert (report.sent, report.unsent) == (0, 3)
    assert all(Job.objects.get(pk=job.pk).dispatched_at is None for job in jobs)
    assert recorder.calls == []


@pytest.mark.django_db
def test_a_job_sent_long_ago_but_never_started_is_sent_again(recorder, settings):
    lost = JobFactory(
        kind="recorded",
        key="recorded:lost",
        dispatched_at=timezone.now() - timedelta(seconds=settings.JOBS_REDISPATCH_AFTER + 1),
    )
    recent = JobFactory(kind="recorded", key="recorded:recent", dispatched_at=timezone.now())
    assert jobs_dispatch_pending().sent == 1
    assert Job.objects.get(pk=lost.pk).state == JobState.SUCCEEDED
    assert Job.objects.get(pk=recent.pk).state == JobState.QUEUED
    assert len(recorder.calls) == 1


def test_beat_runs_the_dispatcher_every_minute():
    entry = django_settings.CELERY_BEAT_SCHEDULE["reporting-dispatch-pending-jobs"]
    assert entry["task"] == dispatch_pending_jobs.name
    assert entry["schedule"] == 60.0


# --- Real Redis, real workers -------------------------------------------------------------


def _test_database_url() -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{quote(db['USER'])}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


class Worker:
    """`celery -A config worker` in a subprocess, on the pytest test database."""

    def __init__(self, broker_url: str, log: Path, *extra_args: str):
        env = {
            **os.environ,
            "DATABASE_URL": _test_database_url(),
            "REDIS_URL": broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
        }
        self.log = log
        self._out = open(log, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "config", "worker",
                "--pool=solo", "--loglevel=INFO", "--without-gossip", "--without-mingle",
                "--without-heartbeat", "-n", f"test-{uuid.uuid4().hex[:8]}@%h", *extra_args,
            ],
            cwd=ROOT, env=env, stdout=self._out, stderr=subprocess.STDOUT,
        )  # fmt: skip

    def wait_for(self, job: Job, *, deadline_seconds: float = 60) -> Job:
        """Poll the job until it has finished, failing with the worker's log at the deadline."""
        deadline = time.monotonic() + deadline_seconds
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.state in (JobState.SUCCEEDED, JobState.FAILED):
                return job
            try:
                self.process.wait(timeout=0.25)  # doubles as the pause between polls
            except subprocess.TimeoutExpired:
                continue
            raise AssertionError(f"The worker stopped:\n{self.log.read_text()}")
        raise AssertionError(f"Job {job.pk} is still {job.state}:\n{self.log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self._out.close()


@pytest.fixture
def worker_factory(tmp_path):
    workers = []

    def start(broker_url: str, *extra_args: str) -> Worker:
        worker = Worker(broker_url, tmp_path / f"worker-{len(workers)}.log", *extra_args)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def clean_redis():
    """This test run's Redis database, emptied: no message left from an earlier run."""
    url = django_settings.REDIS_URL
    redis.Redis.from_url(url).flushdb()
    yield url
    redis.Redis.from_url(url).flushdb()


class OwnRedis:
    """A redis-server of our own on a spare port, to stop and start at will."""

    def __init__(self, tmp_path: Path):
        self.port = closed_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.dir = tmp_path
        self.process = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is needed on PATH for the broker outage test"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                try:
                    self.process.wait(timeout=0.1)
                    raise AssertionError("redis-server stopped at start-up") from None
                except subprocess.TimeoutExpired:
                    continue

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None


@pytest.fixture
def own_redis(tmp_path):
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_requested_job_through_real_redis(
    commissioner, organisation, clean_redis, worker_factory
):
    worker = worker_factory(clean_redis)
    client = client_for(commissioner)
    with celery_broker(clean_redis):
        response = client.post(EXPORT)
        assert response.status_code == 202
        job = worker.wait_for(Job.objects.get(pk=response.json()["id"]))
    assert job.state == JobState.SUCCEEDED, job.error
    assert job.attempts == 1
    assert job.dispatched_at is not None  # it went through Redis, after commit
    assert job.result["organisations"] == 2
    download = client.get(f"/api/v1/jobs/{job.pk}/download/")
    assert organisation.org_id in b"".join(download.streaming_content).decode("utf-8-sig")


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_redis_stops_the_request_still_succeeds_and_the_job_runs_once_it_is_back(
    commissioner, own_redis, worker_factory
):
    client = client_for(commissioner)
    with celery_broker(own_redis.url):
        # The web process has been talking to Redis (a harmless message: no such job)...
        run_job.apply_async(args=[0])
        # ...then Redis stops.
        own_redis.stop()
        started = time.monotonic()
        response = client.post(EXPORT)
        elapsed = time.monotonic() - started
        assert response.status_code == 202
        assert elapsed < FAST, f"took {elapsed:.2f}s with Redis stopped"
        job = Job.objects.get(pk=response.json()["id"])
        assert (job.state, job.dispatched_at) == (JobState.QUEUED, None)

        # Redis is back; beat's next tick sends the job, and a worker runs it.
        own_redis.start()
        report = dispatch_pending_jobs.apply().get()
        assert report["sent"] == 1, report
        worker = worker_factory(own_redis.url)
        job = worker.wait_for(job)
        # A second tick (and a duplicate message) change nothing.
        assert dispatch_pending_jobs.apply().get()["sent"] == 0
        run_job.apply_async(args=[job.pk])
    assert job.state == JobState.SUCCEEDED, job.error
    assert job.attempts == 1
    assert job.events.filter(to_state=JobState.RUNNING).count() == 1


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_duplicate_message_through_real_redis_runs_the_job_once(
    commissioner, clean_redis, worker_factory
):
    job = JobFactory(requested_by=commissioner, key="organisation_register_export")
    with celery_broker(clean_redis):
        for _ in range(3):
            run_job.apply_async(args=[job.pk])
        worker = worker_factory(clean_redis)
        job = worker.wait_for(job)
        # Let the worker drain the duplicates: a marker job queued behind them finishes last.
        marker = JobFactory(key="organisation_register_export:marker")
        run_job.apply_async(args=[marker.pk])
        worker.wait_for(marker)
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED
    assert job.attempts == 1
    assert job.events.filter(to_state=JobState.RUNNING).count() == 1
