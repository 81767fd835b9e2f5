"""The jobs admin: commissioners follow jobs and retry failed ones through the service."""

import pytest

from reporting.models import JobState
from tests.alliance.factories import MembershipFactory
from tests.conftest import admin_client_for
from tests.reporting.factories import JobFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/reporting/job/"


def test_a_commissioner_retries_failed_jobs_from_the_admin(
    commissioner, django_capture_on_commit_callbacks
):
    failed = JobFactory(state=JobState.FAILED, error="It went wrong.")
    succeeded = JobFactory(state=JobState.SUCCEEDED)
    client = admin_client_for(commissioner)
    assert client.get(CHANGELIST).status_code == 200
    assert client.get(f"{CHANGELIST}{failed.pk}/change/").status_code == 200
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            CHANGELIST,
            {"action": "retry_jobs", "_selected_action": [failed.pk, succeeded.pk]},
            follow=True,
        )
    assert response.status_code == 200
    failed.refresh_from_db()
    succeeded.refresh_from_db()
    assert failed.state == JobState.QUEUED
    assert failed.events.get().actor == commissioner
    assert succeeded.state == JobState.SUCCEEDED
    assert len(callbacks) == 1
    messages = [str(m) for m in response.context["messages"]]
    assert f"Job {succeeded.pk}: This job has already succeeded" in " ".join(messages)


def test_staff_who_are_not_commissioners_see_no_jobs(organisation):
    staff = MembershipFactory(organisation=organisation, role="alliance_lead").user
    JobFactory(state=JobState.FAILED)
    assert admin_client_for(staff).get(CHANGELIST).status_code == 403
