"""The jobs API: who sees a job, who retries it, who downloads its file; the export."""

import csv
import io

import pytest
from django.core.files.base import ContentFile

from reporting.models import Job, JobState
from tests.alliance.factories import OrganisationFactory
from tests.conftest import client_for
from tests.reporting.factories import JobEventFactory, JobFactory

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "member", "other_member", "outsider", "commissioner"]


def _client(request, persona):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    return client_for(user)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 401),
        ("member", 200),  # asked for it
        ("other_member", 404),
        ("outsider", 404),
        ("commissioner", 200),
    ],
)
def test_a_job_is_seen_by_its_requester_and_commissioners(request, member, persona, expected):
    job = JobFactory(requested_by=member, state=JobState.FAILED, error="It went wrong.")
    JobEventFactory(job=job, to_state="queued", actor=member)
    response = _client(request, persona).get(f"/api/v1/jobs/{job.pk}/")
    assert response.status_code == expected
    if expected == 200:
        body = response.json()
        assert body["state"] == "failed"
        assert body["error"] == "It went wrong."
        assert body["kind_title"] == "the organisation register export"
        assert body["events"][0]["to_state"] == "queued"
        assert body["download_url"] is None


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 401),
        ("member", 403),  # sees it, may not retry it
        ("other_member", 404),
        ("outsider", 404),
        ("commissioner", 200),
    ],
)
def test_only_commissioners_retry_a_failed_job(
    request, member, persona, expected, django_capture_on_commit_callbacks
):
    job = JobFactory(requested_by=member, state=JobState.FAILED, error="It went wrong.")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _client(request, persona).post(f"/api/v1/jobs/{job.pk}/retry/")
    assert response.status_code == expected
    job.refresh_from_db()
    if expected == 200:
        assert response.json()["state"] == "queued"
        assert job.state == JobState.QUEUED
        assert len(callbacks) == 1
    else:
        assert job.state == JobState.FAILED  # nothing changed
        assert callbacks == []
    if expected == 403:
        assert response.json()["message"] == "Only a commissioner can retry a job."


def test_retrying_a_succeeded_job_is_a_clear_conflict(commissioner):
    job = JobFactory(state=JobState.SUCCEEDED)
    response = client_for(commissioner).post(f"/api/v1/jobs/{job.pk}/retry/")
    assert response.status_code == 409
    assert response.json()["rule"] == "jobs.retry_failed_only"


def _succeeded_export(requested_by):
    job = JobFactory(requested_by=requested_by, state=JobState.SUCCEEDED, result={})
    job.file.save("register.csv", ContentFile(b"id,org_id\n"), save=True)
    return job


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 401),
        ("member", 403),  # asked for it while a commissioner, no longer one
        ("other_member", 404),
        ("outsider", 404),
        ("commissioner", 200),
    ],
)
def test_an_exports_file_is_downloaded_by_commissioners_only(request, member, persona, expected):
    job = _succeeded_export(requested_by=member)
    response = _client(request, persona).get(f"/api/v1/jobs/{job.pk}/download/")
    assert response.status_code == expected
    if expected == 200:
        assert b"".join(response.streaming_content) == b"id,org_id\n"
        assert "attachment" in response["Content-Disposition"]


def test_a_file_is_not_ready_before_the_job_succeeds(commissioner):
    job = JobFactory(requested_by=commissioner, state=JobState.RUNNING)
    response = client_for(commissioner).get(f"/api/v1/jobs/{job.pk}/download/")
    assert response.status_code == 409
    assert response.json()["message"] == "The file is not ready: the job is running."


def test_a_job_without_a_file_has_nothing_to_download(commissioner):
    job = JobFactory(requested_by=commissioner, state=JobState.SUCCEEDED)
    assert client_for(commissioner).get(f"/api/v1/jobs/{job.pk}/download/").status_code == 404


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 401),
        ("member", 403),
        ("other_member", 403),
        ("outsider", 403),
        ("commissioner", 202),
    ],
)
def test_only_commissioners_ask_for_the_register_export(
    request, persona, expected, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        response = _client(request, persona).post("/api/v1/exports/organisation-register/")
    assert response.status_code == expected
    assert Job.objects.exists() == (expected == 202)


def test_the_register_export_lists_every_organisation_with_its_org_id(
    commissioner, organisation, django_capture_on_commit_callbacks
):
    OrganisationFactory(name='=HYPERLINK("http://evil.example")', contact_email="a@b.example")
    client = client_for(commissioner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/exports/organisation-register/", {}, format="json")
    assert response.status_code == 202
    job_url = f"/api/v1/jobs/{response.json()['id']}/"
    job = client.get(job_url).json()
    assert job["state"] == "succeeded"
    assert job["result"]["organisations"] == 3  # the council, the organisation, the one above
    assert job["download_url"].endswith(f"{job_url}download/")
    download = client.get(f"{job_url}download/")
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    by_name = {row["name"]: row for row in rows}
    assert by_name[organisation.name]["org_id"] == organisation.org_id
    assert by_name[organisation.name]["ward_code"] == organisation.ward.code
    # A name typed by the public is never run as a spreadsheet formula.
    assert '\'=HYPERLINK("http://evil.example")' in by_name
    assert "a@b.example" not in text  # no personal contact details


def test_asking_for_the_export_twice_while_queued_returns_the_same_job(
    commissioner, django_capture_on_commit_callbacks
):
    client = client_for(commissioner)
    with django_capture_on_commit_callbacks(execute=False):
        first = client.post("/api/v1/exports/organisation-register/")
        second = client.post("/api/v1/exports/organisation-register/")
    assert first.json()["id"] == second.json()["id"]
    assert Job.objects.count() == 1


def test_the_export_takes_no_options(commissioner):
    response = client_for(commissioner).post(
        "/api/v1/exports/organisation-register/", {"format": "xlsx"}, format="json"
    )
    assert response.status_code == 400
    assert "format" in response.json()["fields"]
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 401),
        ("member", "own"),
        ("other_member", "none"),
        ("outsider", "none"),
        ("commissioner", "all"),
    ],
)
def test_the_job_list_shows_what_each_person_may_see(request, member, persona, expected):
    own = JobFactory(requested_by=member)
    system = JobFactory(requested_by=None)
    response = _client(request, persona).get("/api/v1/jobs/")
    if expected == 401:
        assert response.status_code == 401
        return
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert ids == {"own": {own.pk}, "none": set(), "all": {own.pk, system.pk}}[expected]


def test_the_job_list_filters_by_state_and_kind(commissioner):
    failed = JobFactory(state=JobState.FAILED)
    JobFactory(state=JobState.SUCCEEDED)
    JobFactory(kind="other", key="other:1", state=JobState.FAILED)
    response = client_for(commissioner).get(
        "/api/v1/jobs/", {"state": "failed", "kind": "organisation_register_export"}
    )
    assert [row["id"] for row in response.json()["results"]] == [failed.pk]


@pytest.mark.parametrize("rows", [10, 100])
@pytest.mark.parametrize("persona", ["member", "commissioner"])
def test_the_job_list_costs_the_same_queries_for_10_or_100_jobs(
    request, member, persona, rows, django_assert_num_queries
):
    JobFactory.create_batch(rows, requested_by=member)
    client = _client(request, persona)
    # 1. is the person a commissioner (alliance.access), 2. count for the page,
    # 3. the page of jobs. Kind titles come from the registry, not the database.
    with django_assert_num_queries(3):
        response = client.get("/api/v1/jobs/", {"page_size": 200})
    assert len(response.json()["results"]) == rows


def test_the_job_detail_costs_the_same_queries_however_many_events(
    member, django_assert_num_queries
):
    job = JobFactory(requested_by=member)
    JobEventFactory.create_batch(30, job=job)
    # 1. commissioner?, 2. the job, 3. its events.
    with django_assert_num_queries(3):
        response = client_for(member).get(f"/api/v1/jobs/{job.pk}/")
    assert len(response.json()["events"]) == 30


def test_whoever_asked_for_work_already_queued_may_follow_that_job(
    recorder, member, other_member, outsider, django_capture_on_commit_callbacks
):
    from reporting.services.jobs import job_request

    with django_capture_on_commit_callbacks(execute=False):
        first = job_request(kind="recorded", key="recorded:shared", by=member)
        second = job_request(kind="recorded", key="recorded:shared", by=other_member)
    assert second.pk == first.pk
    assert second.requested_by == member
    assert client_for(other_member).get(f"/api/v1/jobs/{first.pk}/").status_code == 200
    assert client_for(outsider).get(f"/api/v1/jobs/{first.pk}/").status_code == 404
