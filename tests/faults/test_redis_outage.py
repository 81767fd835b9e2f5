"""Redis stopped while people submit applications and a commissioner accepts a return:
every request still answers within two seconds, and every job runs exactly once after
Redis is back. A redis-server of the test's own is stopped, never the machine's."""

import time

import pytest

from alliance.services.review import return_submit
from reporting.models import Job, JobState
from reporting.services.dispatch import jobs_dispatch_pending
from reporting.services.jobs import job_request
from reporting.tasks import run_job
from tests.alliance.factories import MembershipFactory
from tests.alliance.test_returns import _ready
from tests.conftest import client_for
from tests.grants.factories import ApplicationFactory, RoundFactory
from tests.reporting.conftest import celery_broker
from tests.reporting.test_outbox import EXPORT, FAST

APPLICATIONS = 5
EXPORT_KEY = "organisation_register_export"


def _timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_redis_stopped_during_submissions(
    own_redis, worker_factory, commissioner, council, draft, lead, ward
):
    round_ = RoundFactory(programme__funder=council)
    applications = [ApplicationFactory(round=round_) for _ in range(APPLICATIONS)]
    applicants = [
        MembershipFactory(organisation=app.organisation, role="applicant").user
        for app in applications
    ]
    return_submit(return_=_ready(draft, lead, ward), by=lead)

    with celery_broker(own_redis.url):
        run_job.apply_async(args=[0])  # the web process has been talking to Redis...
        own_redis.stop()  # ...and then Redis stops.

        answers = []
        for application, applicant in zip(applications, applicants, strict=True):
            answers.append(
                _timed(
                    lambda a=application, u=applicant: client_for(u).post(
                        f"/api/v1/applications/{a.pk}/submit/"
                    )
                )
            )
        answers.append(
            _timed(
                lambda: client_for(commissioner).post(
                    f"/api/v1/returns/{draft.pk}/accept/", {"rating": "good"}, format="json"
                )
            )
        )
        export, export_took = _timed(lambda: client_for(commissioner).post(EXPORT))
        answers.append((export, export_took))
        # Two more jobs asked for by the system while Redis is away (e.g. by schedules).
        started = time.monotonic()
        system_jobs = [
            job_request(kind="organisation_register_export", key=f"{EXPORT_KEY}:{n}")
            for n in range(2)
        ]
        system_took = time.monotonic() - started

        for response, took in answers:
            assert response.status_code in (200, 202), response.content
            assert took < FAST, f"{response.request['PATH_INFO']} took {took:.2f}s"
        assert system_took < 2 * FAST
        for application in applications:
            application.refresh_from_db()
            assert application.status == "submitted"
        draft.refresh_from_db()
        assert draft.status == "accepted"
        # Accepting the return queued its collective impact compile (ReturnAccepted).
        compile_job = Job.objects.get(key__startswith="collective_impact:")
        jobs = [Job.objects.get(pk=export.json()["id"]), compile_job, *system_jobs]
        assert [job.dispatched_at for job in Job.objects.filter(pk__in=[j.pk for j in jobs])] == [
            None
        ] * len(jobs)

        # Redis is back on the same port; the dispatcher (beat's tick) sends what waited.
        own_redis.start()
        report = jobs_dispatch_pending()
        assert report.sent == len(jobs), report
        worker = worker_factory(own_redis.url)
        finished = [worker.wait_for(job) for job in jobs]
        assert jobs_dispatch_pending().sent == 0  # a second tick sends nothing again

    for job in finished:
        assert job.state == JobState.SUCCEEDED, job.error
        assert job.attempts == 1
        assert job.events.filter(to_state=JobState.RUNNING).count() == 1
        assert job.events.filter(to_state=JobState.SUCCEEDED).count() == 1
