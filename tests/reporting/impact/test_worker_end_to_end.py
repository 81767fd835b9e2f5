"""The collective impact compile end to end: a return accepted through the API, the job
sent by the outbox to a real Redis (our own redis-server on a free port), and run by a
real `celery -A config worker` on the test database. Exactly one snapshot per scope, with
the accepted return's figures; a duplicate delivery of the job changes nothing."""

import shutil

import pytest

from alliance.models import Figure
from reporting.impact.compile import number
from reporting.impact.models import ImpactSnapshot, Scope
from reporting.impact.services import KIND, impact_key, impact_request
from reporting.models import Job, JobState
from reporting.services.dispatch import jobs_dispatch_pending
from reporting.tasks import run_job
from tests.alliance.test_returns import _ready
from tests.conftest import client_for
from tests.reporting.conftest import celery_broker

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    # Committed rows: the worker is another process, on its own connection.
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]

WORKER_DEADLINE = 30  # seconds; the worker starts in a few and compiles in well under one


def _expected(return_) -> dict[str, dict]:
    """What the compile must show for each indicator, from the return's own figures."""
    expected = {}
    for figure in Figure.objects.filter(return_record=return_).select_related(
        "indicator_version__indicator"
    ):
        code = figure.indicator_version.indicator.code
        if figure.indicator_version.aggregation == "ratio":
            expected[code] = {
                "numerator": number(figure.numerator),
                "denominator": number(figure.denominator),
            }
        else:
            expected[code] = {"value": number(figure.value)}
        wards = list(figure.wards.values_list("ward__code", "value"))
        if wards:
            expected[code]["wards"] = {code: number(value) for code, value in wards}
    return expected


def _shown(payload: dict, organisation) -> dict[str, dict]:
    shown = {}
    for entry in payload["indicators"]:
        [partner] = [p for p in entry["partners"] if p["organisation_id"] == organisation.pk] or [
            None
        ]
        if partner is None:
            continue
        figures = (
            {"numerator": entry["numerator"], "denominator": entry["denominator"]}
            if entry["aggregation"] == "ratio"
            else {"value": entry["value"]}
        )
        if entry.get("wards") and entry["wards"]["cells"]:
            [cells] = entry["wards"]["cells"]  # one partner reported
            figures["wards"] = {
                w["code"]: v for w, v in zip(entry["wards"]["wards"], cells, strict=True)
            }
        shown[entry["code"]] = figures
    return shown


def test_an_accepted_return_is_compiled_once_by_a_real_worker_and_a_duplicate_changes_nothing(
    own_redis, worker_factory, commissioner, contract, period, draft, lead, organisation, ward
):
    from alliance.services.review import return_submit

    return_submit(return_=_ready(draft, lead, ward), by=lead)
    with celery_broker(own_redis.url):
        # Started first: it gets ready while the request is answered.
        worker = worker_factory(own_redis.url)
        response = client_for(commissioner).post(
            f"/api/v1/returns/{draft.pk}/accept/", {"rating": "good"}, format="json"
        )
        assert response.status_code == 200, response.content
        # Accepting published ReturnAccepted; after commit the compile was queued and sent.
        job = Job.objects.get(kind=KIND, key=impact_key(contract.pk, period.pk))
        assert job.dispatched_at is not None, "the outbox did not send the job after commit"
        job = worker.wait_for(job, deadline_seconds=WORKER_DEADLINE)
        assert job.state == JobState.SUCCEEDED, job.error

        # The same compile asked for again, and its message delivered twice (with the
        # finished job's once more); a later job queued behind them shows they were read.
        again = impact_request(contract=contract, period=period)
        run_job.apply_async(args=[again.pk])
        run_job.apply_async(args=[job.pk])
        later = contract.periods.order_by("starts_on")[1]
        marker = impact_request(contract=contract, period=later)
        assert jobs_dispatch_pending().sent == 0  # everything went out after its commit
        again = worker.wait_for(again, deadline_seconds=WORKER_DEADLINE)
        worker.wait_for(marker, deadline_seconds=WORKER_DEADLINE)

    snapshots = ImpactSnapshot.objects.filter(contract=contract, period=period)
    assert sorted(snapshots.values_list("scope", flat=True)) == sorted(
        [Scope.PERIOD, Scope.TO_DATE]
    )
    expected = _expected(draft)
    assert set(expected) == {"FE1", "FC1", "DT1"}
    for snapshot in snapshots:
        assert snapshot.version == 1
        assert snapshot.job_id == job.pk
        # The first period: to date is the period itself.
        assert _shown(snapshot.payload, organisation) == expected
        assert [r["return_id"] for r in _returns_used(snapshot.payload)] == [draft.pk]

    job.refresh_from_db()
    assert (job.attempts, job.events.filter(to_state=JobState.RUNNING).count()) == (1, 1)
    assert again.state == JobState.SUCCEEDED, again.error
    assert again.attempts == 1
    assert again.events.filter(to_state=JobState.RUNNING).count() == 1
    # It compiled the same figures again: same content hash, so no new version.
    assert {scope: out["new_version"] for scope, out in again.result.items()} == {
        "period": False,
        "to_date": False,
    }
    assert again.result == {
        scope: {**out, "new_version": False} for scope, out in job.result.items()
    }


def _returns_used(payload: dict) -> list[dict]:
    used = payload["returns_used"]
    if payload["scope"] == Scope.PERIOD:
        return used
    return [{"return_id": pk} for group in used for pk in group["return_ids"]]
