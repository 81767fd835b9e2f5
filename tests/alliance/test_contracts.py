"""Alliance contracts (rules 1 to 4, 16): term, years, periods, allocations, variations."""

from datetime import date
from decimal import Decimal

import pytest

from alliance.models import Allocation, Contract, ContractYear, ReportingPeriod, Variation
from alliance.services.contracts import allocation_set, contract_activate
from alliance.services.variations import variation_approve, variation_propose
from config.errors import RuleBroken
from tests.alliance.factories import build_contract
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

CONTRACTS = "/api/v1/contracts/"


def _allocations(contract):
    return f"{CONTRACTS}{contract.pk}/allocations/"


def _variations(contract, variation=None, action=""):
    url = f"{CONTRACTS}{contract.pk}/variations/"
    if variation is not None:
        url += f"{variation.pk}/"
    return url + (f"{action}/" if action else "")


def _create_body(contract_place, organisation, other_organisation, **overrides):
    body = {
        "place": contract_place.pk,
        "title": "North Birkenhead Cradle to Career",
        "reference": "NB-C2C-1",
        "starts_on": "2024-04-01",
        "initial_term_years": 3,
        "extension_options": [2],
        "value": "600000.00",
        "year_budgets": ["200000.00", "200000.00", "150000.00"],
        "members": [
            {"organisation": organisation.pk, "is_lead_partner": True},
            {"organisation": other_organisation.pk},
        ],
    }
    body.update(overrides)
    return body


def test_a_commissioner_sets_up_a_contract_with_its_years_and_quarters(
    contract, commissioner, organisation, other_organisation
):
    body = _create_body(contract.place, organisation, other_organisation)
    response = client_for(commissioner).post(CONTRACTS, body, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["status"] == "setting_up"
    assert created["term_years"] == 3
    assert created["max_term_years"] == 9
    assert [y["starts_on"] for y in created["years"]] == ["2024-04-01", "2025-04-01", "2026-04-01"]
    assert created["members"][0]["is_lead_partner"] is True
    periods = ReportingPeriod.objects.filter(contract_id=created["id"]).order_by("starts_on")
    assert [p.label for p in periods[:2]] == ["2024-25 Q1", "2024-25 Q2"]
    assert periods.count() == 12


def test_quarters_are_labelled_by_financial_year_and_due_twenty_working_days_later(contract):
    q1 = contract.periods.get(financial_year=2025, quarter=1)
    assert (q1.label, q1.starts_on, q1.ends_on) == (
        "2025-26 Q1",
        date(2025, 4, 1),
        date(2025, 6, 30),
    )
    assert q1.due_on == date(2025, 7, 28)  # 20 weekdays after Monday 30 June 2025
    q4 = contract.periods.get(financial_year=2025, quarter=4)
    assert (q4.starts_on, q4.ends_on) == (date(2026, 1, 1), date(2026, 3, 31))


def test_the_due_date_follows_the_setting(settings, commissioner, council, organisation):
    settings.ALLIANCE_RETURN_DUE_WORKING_DAYS = 5
    contract = build_contract(
        commissioner=commissioner, council=council, partners=[organisation], years=1, extensions=()
    )
    assert contract.periods.get(quarter=1).due_on == date(2022, 7, 7)


def test_a_term_over_the_maximum_is_refused(
    contract, commissioner, organisation, other_organisation, settings
):
    settings.ALLIANCE_MAX_CONTRACT_YEARS = 9
    body = _create_body(contract.place, organisation, other_organisation, extension_options=[4, 3])
    response = client_for(commissioner).post(CONTRACTS, body, format="json")
    assert response.status_code == 400
    assert response.json()["rule"] == "contracts.term_within_maximum"
    assert Contract.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "rule"),
    [
        (
            {"year_budgets": ["300000.00", "300000.00", "300000.00"]},
            "contracts.budgets_within_value",
        ),
        ({"year_budgets": ["1.00"]}, "contracts.budget_per_year"),
    ],
)
def test_budgets_must_fit_the_value_and_the_term(
    contract, commissioner, organisation, other_organisation, overrides, rule
):
    body = _create_body(contract.place, organisation, other_organisation, **overrides)
    response = client_for(commissioner).post(CONTRACTS, body, format="json")
    assert response.status_code == 400
    assert response.json()["rule"] == rule
    assert Contract.objects.count() == 1


def test_a_contract_has_exactly_one_lead_partner(
    contract, commissioner, organisation, other_organisation
):
    members = [
        {"organisation": organisation.pk, "is_lead_partner": True},
        {"organisation": other_organisation.pk, "is_lead_partner": True},
    ]
    body = _create_body(contract.place, organisation, other_organisation, members=members)
    response = client_for(commissioner).post(CONTRACTS, body, format="json")
    assert response.status_code == 400
    assert response.json()["rule"] == "contracts.one_lead_partner"


def test_only_a_commissioner_sets_up_a_contract(contract, lead, organisation, other_organisation):
    body = _create_body(contract.place, organisation, other_organisation)
    assert client_for(lead).post(CONTRACTS, body, format="json").status_code == 403
    assert Contract.objects.count() == 1


def test_money_is_exact_decimal(contract, commissioner, organisation, other_organisation):
    for org, amount in ((organisation, "0.10"), (other_organisation, "0.20")):
        allocation_set(
            contract=contract,
            organisation=org,
            year_number=1,
            amount=Decimal(amount),
            by=commissioner,
        )
    year = contract.years.get(number=1)
    assert year.allocated == Decimal("0.30")
    assert isinstance(year.allocated, Decimal)


def test_allocations_never_exceed_the_years_budget(
    contract, commissioner, organisation, other_organisation
):
    client = client_for(commissioner)
    ok = client.post(
        _allocations(contract),
        {"year": 1, "organisation": organisation.pk, "amount": "700000.00"},
        format="json",
    )
    assert ok.status_code == 201, ok.json()
    over = client.post(
        _allocations(contract),
        {"year": 1, "organisation": other_organisation.pk, "amount": "5000.01"},
        format="json",
    )
    assert over.status_code == 400
    body = over.json()
    assert body["rule"] == "contracts.allocations_within_budget"
    assert "£705,000.01" in body["problems"][0]["message"]
    assert Allocation.objects.count() == 1
    assert contract.years.get(number=1).allocated == Decimal("700000.00")


def test_the_database_refuses_a_year_allocated_over_budget(contract):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ContractYear.objects.filter(contract=contract, number=1).update(
            allocated=Decimal("705000.01")
        )


def test_the_database_refuses_budgets_over_the_value(contract):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.filter(pk=contract.pk).update(value=Decimal("1.00"))


def test_only_partners_get_allocations(contract, commissioner):
    from tests.alliance.factories import OrganisationFactory

    with pytest.raises(RuleBroken) as error:
        allocation_set(
            contract=contract,
            organisation=OrganisationFactory(),
            year_number=1,
            amount=Decimal("1.00"),
            by=commissioner,
        )
    assert error.value.rule == "contracts.allocations_to_partners"


def test_once_started_allocations_change_only_through_a_variation(
    contract, commissioner, organisation
):
    contract_activate(contract=contract, by=commissioner)
    response = client_for(commissioner).post(
        _allocations(contract),
        {"year": 1, "organisation": organisation.pk, "amount": "1.00"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["rule"] == "contracts.allocations_through_variations"
    assert not Allocation.objects.exists()


def test_an_approved_variation_applies_its_changes_and_keeps_before_and_after(
    contract, commissioner, lead, organisation, other_organisation
):
    allocation_set(
        contract=contract,
        organisation=organisation,
        year_number=2,
        amount=Decimal("400000.00"),
        by=commissioner,
    )
    contract_activate(contract=contract, by=commissioner)
    changes = {
        "allocations": [
            {"year": 2, "organisation": organisation.pk, "amount": "300000.00"},
            {"year": 2, "organisation": other_organisation.pk, "amount": "405000.00"},
        ]
    }
    proposed = client_for(lead).post(
        _variations(contract),
        {"reason": "Move coaching to Tide Turners.", "changes": changes},
        format="json",
    )
    assert proposed.status_code == 201, proposed.json()
    assert proposed.json()["status"] == "proposed"
    variation = Variation.objects.get()
    assert contract.years.get(number=2).allocated == Decimal("400000.00")  # not yet applied

    approved = client_for(commissioner).post(
        _variations(contract, variation, "approve"), {"comment": "Agreed at board."}, format="json"
    )
    assert approved.status_code == 200, approved.json()
    body = approved.json()
    assert body["status"] == "approved"
    assert body["decided_by"] == commissioner.email
    assert body["before"]["allocations"] == [
        {
            "year": 2,
            "organisation": organisation.pk,
            "organisation_name": organisation.name,
            "amount": "400000.00",
        }
    ]
    assert len(body["after"]["allocations"]) == 2
    assert contract.years.get(number=2).allocated == Decimal("705000.00")
    allocation = Allocation.objects.get(organisation=organisation)
    # Rule 16: the change of money is in the history with who made it.
    records = allocation.history.order_by("history_date")
    assert [r.amount for r in records] == [Decimal("400000.00"), Decimal("300000.00")]
    assert records.last().history_user == commissioner


def test_a_variation_that_over_allocates_is_refused_and_nothing_changes(
    contract, commissioner, organisation, other_organisation
):
    contract_activate(contract=contract, by=commissioner)
    variation = variation_propose(
        contract=contract,
        by=commissioner,
        reason="Grow",
        changes={
            "allocations": [
                {"year": 1, "organisation": organisation.pk, "amount": "400000.00"},
                {"year": 1, "organisation": other_organisation.pk, "amount": "400000.00"},
            ]
        },
    )
    response = client_for(commissioner).post(
        _variations(contract, variation, "approve"), {}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["rule"] == "contracts.allocations_within_budget"
    variation.refresh_from_db()
    assert variation.status == "proposed"
    assert not Allocation.objects.exists()
    assert contract.years.get(number=1).allocated == 0


def test_a_variation_is_approved_once_and_only_by_a_commissioner(
    contract, commissioner, lead, organisation
):
    variation = variation_propose(
        contract=contract,
        by=commissioner,
        reason="Start-up",
        changes={
            "allocations": [{"year": 1, "organisation": organisation.pk, "amount": "1000.00"}]
        },
    )
    assert (
        client_for(lead)
        .post(_variations(contract, variation, "approve"), {}, format="json")
        .status_code
        == 403
    )
    variation_approve(variation=variation, by=commissioner)
    again = client_for(commissioner).post(
        _variations(contract, variation, "approve"), {}, format="json"
    )
    assert again.status_code == 409
    assert Allocation.objects.get().amount == Decimal("1000.00")
    assert Allocation.history.count() == 1


def test_an_extension_adds_years_and_quarters_within_the_maximum_term(contract, commissioner):
    contract.refresh_from_db()
    before = contract.periods.count()
    variation = variation_propose(
        contract=contract,
        by=commissioner,
        reason="Extend",
        changes={
            "extension_year_budgets": ["705000.00", "705000.00"],
            "value": "6000000.00",
        },
    )
    variation_approve(variation=variation, by=commissioner)
    contract.refresh_from_db()
    assert contract.term_years == 7
    assert contract.value == Decimal("6000000.00")
    assert contract.years.count() == 7
    assert contract.periods.count() == before + 8
    assert variation.__class__.objects.get().after["term_years"] == 7


def test_reducing_a_budget_below_its_allocations_is_refused(contract, commissioner, organisation):
    allocation_set(
        contract=contract,
        organisation=organisation,
        year_number=1,
        amount=Decimal("500000.00"),
        by=commissioner,
    )
    variation = variation_propose(
        contract=contract,
        by=commissioner,
        reason="Cut",
        changes={"year_budgets": [{"year": 1, "budget": "400000.00"}]},
    )
    with pytest.raises(RuleBroken):
        variation_approve(variation=variation, by=commissioner)
    assert contract.years.get(number=1).budget == Decimal("705000.00")


def test_a_variation_needs_a_reason_and_a_change(contract, commissioner):
    client = client_for(commissioner)
    no_reason = client.post(
        _variations(contract), {"reason": " ", "changes": {"value": "1.00"}}, format="json"
    )
    assert no_reason.status_code == 400
    nothing = client.post(_variations(contract), {"reason": "Why", "changes": {}}, format="json")
    assert nothing.status_code == 400
    assert not Variation.objects.exists()


def test_a_rejected_variation_changes_nothing(contract, commissioner, organisation):
    variation = variation_propose(
        contract=contract,
        by=commissioner,
        reason="Try",
        changes={"allocations": [{"year": 1, "organisation": organisation.pk, "amount": "1.00"}]},
    )
    response = client_for(commissioner).post(
        _variations(contract, variation, "reject"), {"comment": "Not now."}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    assert not Allocation.objects.exists()


def test_activating_twice_answers_409(contract, commissioner):
    client = client_for(commissioner)
    assert client.post(f"{CONTRACTS}{contract.pk}/activate/").status_code == 200
    assert client.post(f"{CONTRACTS}{contract.pk}/activate/").status_code == 409


def test_a_variation_naming_a_missing_year_or_a_non_partner_is_refused(
    contract, commissioner, stranger
):
    from alliance.models import Membership

    outside = Membership.objects.get(user=stranger).organisation
    for changes in (
        {"allocations": [{"year": 6, "organisation": outside.pk, "amount": "1.00"}]},
        {"year_budgets": [{"year": 10, "budget": "1.00"}]},
    ):
        response = client_for(commissioner).post(
            _variations(contract), {"reason": "Try", "changes": changes}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["rule"] == "variations.within_contract"
    assert not Variation.objects.exists()


def test_a_regional_commissioner_sees_and_acts_across_the_places_in_the_region(
    contract, organisation
):
    from alliance.models import Place
    from tests.alliance.factories import MembershipFactory, OrganisationFactory

    authority = OrganisationFactory(council=True, name="Liverpool City Region")
    region = Place.objects.create(name="Liverpool City Region", council=authority)
    Place.objects.filter(pk=contract.place_id).update(parent=region)
    regional = MembershipFactory(organisation=authority, role="commissioner").user
    client = client_for(regional)
    assert client.get(CONTRACTS).json()["count"] == 1
    response = client.post(
        _allocations(contract),
        {"year": 1, "organisation": organisation.pk, "amount": "10.00"},
        format="json",
    )
    assert response.status_code == 201


def test_a_commissioner_of_another_council_cannot_set_up_a_contract_in_this_place(
    contract, other_commissioner, organisation, other_organisation
):
    body = _create_body(contract.place, organisation, other_organisation)
    response = client_for(other_commissioner).post(CONTRACTS, body, format="json")
    assert response.status_code == 403
    assert response.json()["rule"] == "contracts.set_up_by_commissioners"
    assert Contract.objects.count() == 1
