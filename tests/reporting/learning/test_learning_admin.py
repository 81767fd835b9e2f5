"""Digests in the admin: commissioners read every version; nobody adds, edits or deletes."""

import pytest

from reporting.learning.models import LearningDigest
from reporting.learning.services import learning_compile
from tests.conftest import admin_client_for
from tests.reporting.learning.setup import a_return

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/reporting/learningdigest/"


def test_a_commissioner_reads_a_digest_in_the_admin_and_cannot_change_it(
    period, organisation, lead, commissioner
):
    a_return(period, organisation, lead, [("Peer support", "Walk-and-talk groups", "", [])])
    learning_compile(contract_id=period.contract_id, period_id=period.pk, notify=False)
    digest = LearningDigest.objects.get()
    client = admin_client_for(commissioner)
    assert client.get(CHANGELIST).status_code == 200
    page = client.get(f"{CHANGELIST}{digest.pk}/change/")
    assert "Walk-and-talk groups" in page.content.decode()
    assert client.get(f"{CHANGELIST}add/").status_code == 403
    assert client.post(f"{CHANGELIST}{digest.pk}/delete/", {"post": "yes"}).status_code == 403
    assert LearningDigest.objects.filter(pk=digest.pk).exists()
    assert admin_client_for(lead).get(CHANGELIST).status_code == 403
