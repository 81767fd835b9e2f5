"""Concurrency on PostgreSQL with real threads: transitions and money under contention."""

import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection

from alliance.models import Allocation, ContractYear, ReturnTransition, User
from alliance.services.contracts import allocation_set
from alliance.services.returns import return_start, return_update
from alliance.services.review import return_submit
from alliance.services.variations import variation_approve, variation_propose
from config.errors import RuleBroken
from tests.alliance.factories import (
    MembershipFactory,
    OrganisationFactory,
    build_contract,
    build_framework,
)
from tests.conftest import client_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(*jobs):
    """Run each job in its own thread, all released at once; answer their results in order."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait(timeout=10)
            results[index] = job()
        except Exception as exc:  # the losing side's domain error is a result too
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.fixture
def ready_return(commissioner, council, organisation, other_organisation, lead, ward):
    contract = build_contract(
        commissioner=commissioner, council=council, partners=[organisation, other_organisation]
    )
    build_framework(contract=contract, commissioner=commissioner)
    return_ = return_start(
        period=contract.periods.order_by("starts_on").first(), organisation=organisation, by=lead
    )
    return_update(
        return_=return_,
        by=lead,
        data={
            "spend": Decimal("10.00"),
            "figures": [
                {"indicator": "FE1", "value": Decimal("4"), "wards": [{"ward": ward, "value": 4}]},
                {"indicator": "FC1", "numerator": Decimal("1"), "denominator": Decimal("2")},
            ],
        },
    )
    return return_


def test_two_commissioners_acting_at_once_exactly_one_wins(
    ready_return, lead, commissioner, council
):
    return_submit(return_=ready_return, by=lead)
    second = MembershipFactory(organisation=council, role="commissioner").user
    url = f"/api/v1/returns/{ready_return.pk}/"
    statuses = _race(
        lambda: (
            client_for(User.objects.get(pk=commissioner.pk))
            .post(url + "accept/", {"rating": "good"}, format="json")
            .status_code
        ),
        lambda: (
            client_for(User.objects.get(pk=second.pk))
            .post(url + "request-changes/", {"reason": "Check FE1."}, format="json")
            .status_code
        ),
    )
    assert sorted(statuses) == [200, 409]
    ready_return.refresh_from_db()
    winner = "accepted" if statuses[0] == 200 else "changes_requested"
    assert ready_return.status == winner
    assert list(ReturnTransition.objects.values_list("to_status", flat=True)) == [
        "submitted",
        winner,
    ]


def test_two_leads_submitting_at_once_make_one_submission(
    ready_return, lead, organisation, commissioner
):
    second_lead = MembershipFactory(organisation=organisation, role="alliance_lead").user
    mail.outbox.clear()
    url = f"/api/v1/returns/{ready_return.pk}/submit/"
    statuses = _race(
        lambda: client_for(User.objects.get(pk=lead.pk)).post(url).status_code,
        lambda: client_for(User.objects.get(pk=second_lead.pk)).post(url).status_code,
    )
    assert sorted(statuses) == [200, 409]
    assert ReturnTransition.objects.filter(to_status="submitted").count() == 1
    assert len(mail.outbox) == 1


def test_concurrent_allocations_never_exceed_the_years_budget(commissioner, council):
    partners = OrganisationFactory.create_batch(4)
    contract = build_contract(
        commissioner=commissioner, council=council, partners=partners, years=1, extensions=()
    )

    def allocate(partner):
        return lambda: allocation_set(
            contract=contract,
            organisation=partner,
            year_number=1,
            amount=Decimal("300000.00"),
            by=commissioner,
        )

    results = _race(*(allocate(p) for p in partners))
    refused = [r for r in results if isinstance(r, RuleBroken)]
    assert len(refused) == 2  # 2 x £300k fit in £705k; a third would not
    year = ContractYear.objects.get(contract=contract)
    total = sum(Allocation.objects.filter(contract_year=year).values_list("amount", flat=True))
    assert year.allocated == total == Decimal("600000.00")
    assert year.allocated <= year.budget


def test_concurrent_variation_approvals_never_exceed_the_years_budget(commissioner, council):
    partners = OrganisationFactory.create_batch(2)
    contract = build_contract(
        commissioner=commissioner, council=council, partners=partners, years=1, extensions=()
    )
    variations = [
        variation_propose(
            contract=contract,
            by=commissioner,
            reason="Grow",
            changes={"allocations": [{"year": 1, "organisation": p.pk, "amount": "400000.00"}]},
        )
        for p in partners
    ]
    results = _race(
        *((lambda v=v: variation_approve(variation=v, by=commissioner)) for v in variations)
    )
    assert sum(isinstance(r, RuleBroken) for r in results) == 1
    year = ContractYear.objects.get(contract=contract)
    assert year.allocated == Decimal("400000.00")
    assert Allocation.objects.count() == 1
