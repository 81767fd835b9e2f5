"""The commissioners' admin for contracts and returns calls the same services as the API."""

from decimal import Decimal

import pytest
from django.test import Client

from alliance.models import Contract, Return
from alliance.services.returns import return_update
from alliance.services.review import return_submit
from tests.alliance.factories import complete_figures

pytestmark = pytest.mark.django_db

PAGES = [
    "contract",
    "allocation",
    "variation",
    "priority",
    "indicator",
    "reportingperiod",
    "return",
    "place",
]


@pytest.fixture
def staff_commissioner(commissioner):
    commissioner.is_staff = True
    commissioner.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(commissioner)
    return client


@pytest.fixture
def submitted(draft, lead, ward):
    data = complete_figures(ward.code)
    return_update(
        return_=draft,
        by=lead,
        data={
            "spend": Decimal(data["spend"]),
            "figures": [
                {
                    "indicator": "FE1",
                    "value": Decimal("12"),
                    "wards": [{"ward": ward, "value": 12}],
                },
                {"indicator": "FC1", "numerator": Decimal("9"), "denominator": Decimal("10")},
            ],
        },
    )
    return return_submit(return_=draft, by=lead)


@pytest.mark.parametrize("page", PAGES)
def test_commissioners_see_each_page_and_other_staff_do_not(page, staff_commissioner, draft, lead):
    assert staff_commissioner.get(f"/admin/alliance/{page}/").status_code == 200
    lead.is_staff = True
    lead.save(update_fields=["is_staff"])
    other = Client()
    other.force_login(lead)
    assert other.get(f"/admin/alliance/{page}/").status_code == 403


def test_accepting_in_the_admin_uses_the_service_and_its_rating(staff_commissioner, submitted):
    response = staff_commissioner.post(
        "/admin/alliance/return/",
        {
            "action": "accept",
            "_selected_action": [submitted.pk],
            "rating": "good",
            "comment": "",
        },
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.rating) == ("accepted", "good")
    assert submitted.transitions.last().actor.is_staff


def test_asking_for_changes_without_a_reason_is_refused_in_the_admin(staff_commissioner, submitted):
    response = staff_commissioner.post(
        "/admin/alliance/return/",
        {
            "action": "request_changes",
            "_selected_action": [submitted.pk],
            "comment": "",
        },
        follow=True,
    )
    assert "Give a reason the partner can act on." in response.content.decode()
    assert Return.objects.get(pk=submitted.pk).status == "submitted"


def test_a_contract_added_in_the_admin_goes_through_the_service(
    staff_commissioner, contract, organisation
):
    response = staff_commissioner.post(
        "/admin/alliance/contract/add/",
        {
            "place": contract.place.pk,
            "title": "Second",
            "reference": "ADM-1",
            "starts_on": "2024-04-01",
            "initial_term_years": "2",
            "extension_options": "[]",
            "value": "100.00",
            "year_budgets": "50, 60",
            "values_text": "",
            "values_version": "",
            "review_points": "",
            "partners": [organisation.pk],
            "lead_partner": organisation.pk,
            "members-TOTAL_FORMS": "0",
            "members-INITIAL_FORMS": "0",
            "years-TOTAL_FORMS": "0",
            "years-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200  # the form is shown again with the service's message
    assert "more than the contract value" in response.content.decode()
    assert not Contract.objects.filter(reference="ADM-1").exists()


def test_a_contract_and_an_allocation_added_in_the_admin_are_saved_by_the_services(
    staff_commissioner, contract, organisation
):
    response = staff_commissioner.post(
        "/admin/alliance/contract/add/",
        {
            "place": contract.place.pk,
            "title": "Second",
            "reference": "ADM-2",
            "starts_on": "2024-04-01",
            "initial_term_years": "2",
            "extension_options": "[2]",
            "value": "200.00",
            "year_budgets": "50, 60",
            "values_text": "",
            "values_version": "",
            "review_points": "",
            "partners": [organisation.pk],
            "lead_partner": organisation.pk,
            "members-TOTAL_FORMS": "0",
            "members-INITIAL_FORMS": "0",
            "years-TOTAL_FORMS": "0",
            "years-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Contract.objects.get(reference="ADM-2")
    assert created.years.count() == 2 and created.periods.count() == 8
    year = created.years.get(number=1)
    response = staff_commissioner.post(
        "/admin/alliance/allocation/add/",
        {
            "contract_year": year.pk,
            "organisation": organisation.pk,
            "amount": "50.00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    year.refresh_from_db()
    assert year.allocated == Decimal("50.00")
    response = staff_commissioner.post(
        "/admin/alliance/allocation/add/",
        {
            "contract_year": year.pk,
            "organisation": organisation.pk,
            "amount": "50.01",
        },
    )
    assert response.status_code == 200
    assert "more than the contract allows" in response.content.decode()
    year.refresh_from_db()
    assert year.allocated == Decimal("50.00")


def test_reopening_in_the_admin_passes_the_reason_to_the_service(staff_commissioner, submitted):
    staff_commissioner.post(
        "/admin/alliance/return/",
        {"action": "accept", "_selected_action": [submitted.pk], "rating": "good"},
    )
    staff_commissioner.post(
        "/admin/alliance/return/",
        {
            "action": "reopen",
            "_selected_action": [submitted.pk],
            "comment": "Spend is missing an invoice.",
        },
    )
    submitted.refresh_from_db()
    assert submitted.status == "reopened"
    assert submitted.transitions.last().comment == "Spend is missing an invoice."


def test_rejecting_a_variation_in_the_admin_needs_a_comment(
    staff_commissioner, contract, commissioner
):
    from alliance.services.variations import variation_propose

    variation = variation_propose(
        contract=contract, by=commissioner, reason="More money.", changes={"value": "9000000.00"}
    )
    refused = staff_commissioner.post(
        "/admin/alliance/variation/",
        {"action": "reject", "_selected_action": [variation.pk], "comment": ""},
        follow=True,
    )
    assert "Say why the variation is rejected." in refused.content.decode()
    variation.refresh_from_db()
    assert variation.status == "proposed"
    staff_commissioner.post(
        "/admin/alliance/variation/",
        {"action": "reject", "_selected_action": [variation.pk], "comment": "Not now."},
    )
    variation.refresh_from_db()
    assert (variation.status, variation.decision_comment) == ("rejected", "Not now.")
