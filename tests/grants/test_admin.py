"""The admin calls the same services as the API, so its rules are the same."""

from decimal import Decimal

import pytest
from django.test import Client

from grants.models import ApplicationEvent, Decision, Grant, Round
from grants.services.awards import application_decide
from grants.services.payments import grant_accept
from tests.alliance.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_for_commissioner(commissioner):
    commissioner.is_staff = True
    commissioner.save()
    client = Client()
    client.force_login(commissioner)
    return client


@pytest.fixture
def submitted(draft, applicant):
    from grants.services.applications import application_submit

    return application_submit(application=draft, by=applicant)


def test_a_decision_made_in_the_admin_goes_through_the_service(
    admin_client_for_commissioner, submitted
):
    response = admin_client_for_commissioner.post(
        "/admin/grants/decision/add/",
        {"application": submitted.pk, "outcome": "award", "amount": "750.00", "reason": ""},
    )
    assert response.status_code == 302, response.content[:2000]
    decision = Decision.objects.get()
    assert decision.method == "officer"
    assert Grant.objects.get().amount == Decimal("750.00")
    assert Round.objects.get().awarded_total == Decimal("750.00")
    assert ApplicationEvent.objects.filter(action="decided").exists()


def test_the_admin_shows_a_broken_rule_on_the_form_and_saves_nothing(
    admin_client_for_commissioner, submitted
):
    response = admin_client_for_commissioner.post(
        "/admin/grants/decision/add/",
        {"application": submitted.pk, "outcome": "award", "amount": "5000.00"},
    )
    assert response.status_code == 200
    assert "cannot be more than the £1,000.00 asked for" in response.content.decode()
    assert not Decision.objects.exists()


def test_a_payment_over_the_award_is_refused_in_the_admin_too(
    admin_client_for_commissioner, submitted, commissioner, applicant
):
    application_decide(application=submitted, by=commissioner, outcome="award", amount=500)
    grant = grant_accept(grant=Grant.objects.get(), by=applicant)
    response = admin_client_for_commissioner.post(
        "/admin/grants/payment/add/",
        {"grant": grant.pk, "amount": "600.00", "paid_on": "2026-06-01", "reference": "X1"},
    )
    assert response.status_code == 200
    assert "would take the total paid past the award" in response.content.decode()
    grant.refresh_from_db()
    assert grant.paid_total == 0


def test_staff_who_are_not_commissioners_see_nothing(submitted):
    staff = UserFactory(is_staff=True)
    client = Client()
    client.force_login(staff)
    assert client.get("/admin/grants/application/").status_code == 403


@pytest.mark.parametrize("model", ["application", "applicationevent", "decision", "grant"])
def test_another_councils_commissioner_sees_none_of_its_grants_in_the_admin(
    model, admin_client_for_commissioner, submitted, commissioner, applicant
):
    from tests.alliance.factories import MembershipFactory, OrganisationFactory

    application_decide(application=submitted, by=commissioner, outcome="award", amount=500)
    stranger = MembershipFactory(
        organisation=OrganisationFactory(council=True), role="commissioner"
    ).user
    stranger.is_staff = True
    stranger.save()
    theirs = Client()
    theirs.force_login(stranger)
    url = f"/admin/grants/{model}/"
    ours = admin_client_for_commissioner.get(url)
    assert ours.status_code == 200
    assert ours.context["cl"].result_count >= 1
    response = theirs.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0
    obj = ours.context["cl"].result_list[0]
    assert theirs.get(f"{url}{obj.pk}/change/").status_code == 302  # "does not exist"
