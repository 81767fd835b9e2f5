"""Every contract and returns list costs the same number of queries for 10 rows as for 100.

Each test names its queries. Commissioners read every contract of their places, so their
lists are the largest; who may see what is a subquery of each list's one query.
"""

from decimal import Decimal

import pytest

from alliance.models import (
    FamilyStory,
    Figure,
    LearningEntry,
    Return,
    ReturnTransition,
    Risk,
    User,
    WardFigure,
)
from alliance.services.framework import indicator_create
from alliance.services.variations import variation_propose
from tests.alliance.factories import OrganisationFactory, build_contract, build_framework
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
SIZES = [10, 100]


def _fresh(user):
    """A client for a user object as a request would load it: nothing memoised on it."""
    return client_for(User.objects.get(pk=user.pk))


def _page(client, url):
    response = client.get(url, {"page_size": 200})
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("rows", SIZES)
def test_contracts_list_queries(
    rows, commissioner, council, organisation, django_assert_num_queries
):
    for _ in range(rows):
        build_contract(
            commissioner=commissioner,
            council=council,
            partners=[organisation],
            years=1,
            extensions=(),
        )
    client = _fresh(commissioner)
    # 1 count, 2 contracts with place and council,
    # 3 members with organisations, 4 years, 5 priorities
    with django_assert_num_queries(5):
        assert _page(client, "/api/v1/contracts/")["count"] == rows


@pytest.mark.parametrize("rows", SIZES)
def test_allocations_list_queries(rows, commissioner, council, django_assert_num_queries):
    from alliance.services.contracts import allocation_set

    partners = OrganisationFactory.create_batch(rows)
    contract = build_contract(
        commissioner=commissioner, council=council, partners=partners, years=1, extensions=()
    )
    for partner in partners:
        allocation_set(
            contract=contract,
            organisation=partner,
            year_number=1,
            amount=Decimal("10.00"),
            by=commissioner,
        )
    client = _fresh(commissioner)
    # 1 the contract, 2 count, 3 allocations with year and partner
    with django_assert_num_queries(3):
        assert _page(client, f"/api/v1/contracts/{contract.pk}/allocations/")["count"] == rows


@pytest.mark.parametrize("rows", SIZES)
def test_variations_list_queries(
    rows, contract, commissioner, organisation, django_assert_num_queries
):
    for n in range(rows):
        variation_propose(
            contract=contract,
            by=commissioner,
            reason=f"Change {n}",
            changes={
                "allocations": [{"year": 1, "organisation": organisation.pk, "amount": "1.00"}]
            },
        )
    client = _fresh(commissioner)
    # 1 the contract, 2 count, 3 variations with their people
    with django_assert_num_queries(3):
        assert _page(client, f"/api/v1/contracts/{contract.pk}/variations/")["count"] == rows


@pytest.mark.parametrize("rows", SIZES)
def test_indicators_list_queries(rows, contract, commissioner, django_assert_num_queries):
    for n in range(rows):
        indicator_create(
            contract=contract,
            by=commissioner,
            code=f"I{n}",
            priority=None,
            data={
                "name": f"Indicator {n}",
                "definition": "d",
                "unit": "families",
                "aggregation": "sum",
            },
            targets={1: Decimal("5")},
        )
    client = _fresh(commissioner)
    # 1 count, 2 indicators with priority and current version,
    # 3 the current versions' targets
    with django_assert_num_queries(3):
        assert _page(client, "/api/v1/indicators/")["count"] == rows


@pytest.mark.parametrize(("contracts", "rows"), [(3, 12), (25, 100)])
def test_periods_list_queries(
    contracts, rows, commissioner, council, organisation, django_assert_num_queries
):
    for _ in range(contracts):
        build_contract(
            commissioner=commissioner,
            council=council,
            partners=[organisation],
            years=1,
            extensions=(),
        )
    client = _fresh(commissioner)
    # 1 count, 2 periods with their contract year
    with django_assert_num_queries(2):
        assert _page(client, "/api/v1/periods/")["count"] == rows


def _returns(rows, commissioner, council, ward):
    partners = OrganisationFactory.create_batch(rows)
    contract = build_contract(
        commissioner=commissioner, council=council, partners=partners, years=1, extensions=()
    )
    framework = build_framework(contract=contract, commissioner=commissioner)
    period = contract.periods.first()
    created = []
    for partner in partners:
        return_ = Return.objects.create(
            contract=contract,
            period=period,
            organisation=partner,
            created_by=commissioner,
            status="accepted",
            rating="good",
        )
        for indicator in framework.values():
            figure = Figure.objects.create(
                return_record=return_,
                value=Decimal("3"),
                indicator_version=indicator.current_version,
            )
            WardFigure.objects.create(figure=figure, ward=ward, value=Decimal("3"))
        FamilyStory.objects.create(return_record=return_, title="t", story="s")
        LearningEntry.objects.create(return_record=return_, theme="Outreach", tags=["schools"])
        Risk.objects.create(return_record=return_, description="r")
        created.append(return_)
    return created


@pytest.mark.parametrize("rows", SIZES)
def test_returns_list_queries(rows, commissioner, council, ward, django_assert_num_queries):
    _returns(rows, commissioner, council, ward)
    client = _fresh(commissioner)
    # 1 the contracts and organisations whose returns the person sees (return_scope),
    # 2 count, 3 returns with period, partner and allocation (the list leaves figures,
    # stories, learning and risks to the return's own page)
    with django_assert_num_queries(3):
        assert _page(client, "/api/v1/returns/")["count"] == rows


@pytest.mark.parametrize("rows", SIZES)
def test_return_detail_queries(rows, commissioner, council, ward, django_assert_num_queries):
    return_ = _returns(rows, commissioner, council, ward)[0]
    client = _fresh(commissioner)
    # 1 return_scope, 2 the return with period, partner and allocation, 3 figures with
    # indicator versions, 4 ward figures with wards, 5 stories, 6 learning, 7 risks
    with django_assert_num_queries(7):
        body = client.get(f"/api/v1/returns/{return_.pk}/").json()
    assert len(body["figures"]) == len(return_.figures.all())
    assert body["stories"] and body["learning"] and body["risks"]


@pytest.mark.parametrize("rows", SIZES)
def test_learning_list_queries(rows, commissioner, council, ward, django_assert_num_queries):
    _returns(rows, commissioner, council, ward)
    client = _fresh(commissioner)
    # 1 count, 2 entries with their return, partner and period
    with django_assert_num_queries(2):
        assert _page(client, "/api/v1/learning/?tag=schools")["count"] == rows


@pytest.mark.parametrize("rows", SIZES)
def test_history_and_comments_queries(rows, commissioner, council, ward, django_assert_num_queries):
    from datetime import timedelta

    from django.utils import timezone

    from alliance.services.review import return_comment

    (return_,) = _returns(1, commissioner, council, ward)
    Return.objects.filter(pk=return_.pk).update(
        first_submitted_at=timezone.now() - timedelta(days=1)
    )
    for n in range(rows):
        ReturnTransition.objects.create(
            return_record=return_, from_status="submitted", to_status="accepted", actor=commissioner
        )
        return_comment(
            return_=return_,
            by=commissioner,
            body=f"Comment {n}",
            figure=return_.figures.first() if n % 2 else None,
        )
    client = _fresh(commissioner)
    # 1 return_scope, 2 the return, 3 transitions with their actors,
    # 4 figure labels, 5 the figures' history, 6 the ward figures' history
    with django_assert_num_queries(6):
        history = _page(client, f"/api/v1/returns/{return_.pk}/history/")["results"]
    assert len([h for h in history if h["kind"] == "transition"]) == rows
    client = _fresh(commissioner)
    # 1 return_scope, 2 the return, 3 count, 4 comments with authors and figures
    with django_assert_num_queries(4):
        assert _page(client, f"/api/v1/returns/{return_.pk}/comments/")["count"] == rows
