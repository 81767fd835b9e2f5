"""OCDS: contracts are public once active; reporting milestones follow accepted returns."""

import pytest
from django.core.management import call_command

from alliance.models import Contract, Return, User
from alliance.models.contracts import ContractStatus
from alliance.models.returns import ReturnStatus
from reporting.opendata import ocds
from tests.alliance.factories import UserFactory
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    return Contract.objects.filter(returns__status=ReturnStatus.ACCEPTED).distinct().get()


def _release(contract) -> dict:
    response = client_for(None).get(f"/api/v1/open-data/ocds/{contract.pk}.json")
    assert response.status_code == 200
    return response.json()["releases"][0]


# The demo's own people: the shared personas' factory charity numbers clash with the demo's.
@pytest.mark.parametrize(
    "email",
    [None, "commissioner@demo.wirral.example", "applicant@demo.wirral.example", "outsider"],
)
def test_an_active_contract_is_public_to_everyone(contract, email):
    if email == "outsider":
        user = UserFactory()
    else:
        user = User.objects.get(email=email) if email else None
    assert client_for(user).get(f"/api/v1/open-data/ocds/{contract.pk}.json").status_code == 200


def test_a_contract_still_being_set_up_is_not_published(contract):
    Contract.objects.filter(pk=contract.pk).update(status=ContractStatus.SETTING_UP)
    response = client_for(None).get(f"/api/v1/open-data/ocds/{contract.pk}.json")
    assert response.status_code == 404


def test_an_unknown_contract_is_not_found(contract):
    assert client_for(None).get("/api/v1/open-data/ocds/999999.json").status_code == 404


def test_the_ocid_uses_the_configured_prefix(contract, settings):
    settings.OCDS_PREFIX = "ocds-abc123"
    release = _release(contract)
    assert release["ocid"] == f"ocds-abc123-contract-{contract.pk}"
    assert release["id"].startswith(release["ocid"])


def test_a_reporting_milestone_is_met_when_that_quarters_return_is_accepted(contract):
    accepted = Return.objects.filter(contract=contract, status=ReturnStatus.ACCEPTED).first()
    waiting = Return.objects.filter(contract=contract).exclude(status=ReturnStatus.ACCEPTED)
    waiting = waiting.select_related("period", "organisation").first()
    milestones = {m["id"]: m for m in _release(contract)["contracts"][0]["milestones"]}

    def key(return_):
        period = return_.period
        return f"return-{period.financial_year}-Q{period.quarter}-{return_.organisation.org_id}"

    met = milestones[key(accepted)]
    assert met["status"] == "met"
    assert met["type"] == "reporting"
    assert met["dateMet"] == ocds._utc(accepted.accepted_at)
    assert milestones[key(waiting)]["status"] in {"notMet", "scheduled"}
    assert "dateMet" not in milestones[key(waiting)]
    # Every partner has a milestone in every quarter.
    partners = contract.members.count()
    assert len(milestones) == partners * contract.periods.count()


def test_no_payments_are_published_as_transactions(contract):
    # The system holds allocations and reported spend, not payments: none are invented.
    assert "implementation" not in _release(contract)["contracts"][0]
