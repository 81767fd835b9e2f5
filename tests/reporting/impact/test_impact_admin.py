"""The snapshot admin: commissioners read compiled figures and ask for a compile again
through the same service as the API."""

import pytest
from django.test import Client

from reporting.impact.models import ImpactSnapshot
from reporting.impact.services import impact_compile
from reporting.models import Job
from tests.reporting.impact.setup import a_return

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/reporting/impactsnapshot/"


def _staff(user) -> Client:
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(user)
    return client


def test_a_commissioner_reads_snapshots_and_compiles_again(
    contract,
    framework,
    period,
    organisation,
    lead,
    commissioner,
    django_capture_on_commit_callbacks,
):
    a_return(period, organisation, lead, {framework["FE1"]: "12"})
    impact_compile(contract_id=contract.pk, period_id=period.pk)
    snapshot = ImpactSnapshot.objects.get(scope="period")
    client = _staff(commissioner)
    assert client.get(CHANGELIST).status_code == 200
    assert client.get(f"{CHANGELIST}{snapshot.pk}/change/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            CHANGELIST, {"action": "compile_again", "_selected_action": [snapshot.pk]}
        )
    assert response.status_code == 302
    assert Job.objects.get(kind="collective_impact").state == "succeeded"
    assert ImpactSnapshot.objects.filter(scope="period").count() == 1  # unchanged figures


def test_staff_who_are_not_commissioners_see_nothing(lead):
    assert _staff(lead).get(CHANGELIST).status_code == 403
