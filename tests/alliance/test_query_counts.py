"""Every list issues the same number of queries for 10 rows as for 100."""

import pytest

from tests.alliance.factories import MembershipFactory, OrganisationFactory, WardFactory
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("rows", [10, 100])
def test_organisation_list_queries_do_not_grow_with_rows(
    commissioner, rows, django_assert_num_queries
):
    OrganisationFactory.create_batch(rows)
    client = client_for(commissioner)
    # 1 is the user a commissioner?  2 count for the page  3 the page, with wards joined
    with django_assert_num_queries(3):
        response = client.get("/api/v1/organisations/?page_size=200")
    assert len(response.json()["results"]) == rows + 1  # and the council


@pytest.mark.parametrize("rows", [10, 100])
def test_member_list_queries_do_not_grow_with_rows(
    member, organisation, rows, django_assert_num_queries
):
    MembershipFactory.create_batch(rows, organisation=organisation, role="contributor")
    client = client_for(member)
    # 1 is the user a commissioner?  2 the organisation, scoped to the user
    # 3 count for the page  4 the page, with people joined
    with django_assert_num_queries(4):
        response = client.get(f"/api/v1/organisations/{organisation.pk}/members/?page_size=200")
    assert len(response.json()["results"]) == rows + 1


@pytest.mark.parametrize("rows", [10, 100])
def test_ward_list_queries_do_not_grow_with_rows(member, rows, django_assert_num_queries):
    WardFactory.create_batch(rows)
    client = client_for(member)
    # 1 count for the page  2 the page
    with django_assert_num_queries(2):
        response = client.get("/api/v1/wards/?page_size=200")
    assert response.json()["count"] >= rows


@pytest.mark.parametrize("rows", [10, 100])
def test_me_queries_do_not_grow_with_memberships(rows, django_assert_num_queries):
    person = MembershipFactory().user
    for _ in range(rows - 1):
        MembershipFactory(user=person)
    client = client_for(person)
    # 1 the user  2 their memberships  3 those organisations
    with django_assert_num_queries(3):
        response = client.get("/api/v1/me/")
    assert len(response.json()["memberships"]) == rows
