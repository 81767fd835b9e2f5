"""Fund utilisation in the admin: commissioners read the exact figures; nobody edits them."""

import pytest

from reporting.utilisation.models import UtilisationSnapshot
from reporting.utilisation.services import utilisation_compile
from tests.conftest import admin_client_for
from tests.reporting.utilisation.conftest import a_grant

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/reporting/utilisationsnapshot/"


def test_a_commissioner_reads_a_snapshot_in_the_admin_and_cannot_change_it(
    programme, first_round, wards, commissioner, member
):
    a_grant(first_round, ward_codes=[wards[0].code], amount="1234.00")
    utilisation_compile(programme_id=programme.pk)
    snapshot = UtilisationSnapshot.objects.get()
    client = admin_client_for(commissioner)
    assert client.get(CHANGELIST).status_code == 200
    page = client.get(f"{CHANGELIST}{snapshot.pk}/change/")
    assert "1234.00" in page.content.decode()
    assert client.get(f"{CHANGELIST}add/").status_code == 403
    assert client.post(f"{CHANGELIST}{snapshot.pk}/delete/", {"post": "yes"}).status_code == 403
    assert UtilisationSnapshot.objects.filter(pk=snapshot.pk).exists()
    assert admin_client_for(member).get(CHANGELIST).status_code == 403
