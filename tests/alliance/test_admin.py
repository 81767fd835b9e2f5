"""The admin is for commissioners, and its saves go through the same services."""

import pytest

from alliance.models import Membership, Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_commissioner(commissioner):
    commissioner.is_staff = True
    commissioner.save(update_fields=["is_staff"])
    return commissioner


def test_staff_who_are_not_commissioners_see_nothing(client, member):
    member.is_staff = True
    member.save(update_fields=["is_staff"])
    client.force_login(member)
    assert client.get("/admin/alliance/organisation/").status_code == 403


def test_an_organisation_added_in_the_admin_gets_its_org_id_from_the_service(
    client, staff_commissioner
):
    client.force_login(staff_commissioner)
    response = client.post(
        "/admin/alliance/organisation/add/",
        {
            "name": "Admin Added Charity",
            "legal_form": "registered_charity",
            "charity_number": "1012399",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    organisation = Organisation.objects.get(name="Admin Added Charity")
    assert organisation.org_id == "GB-CHC-1012399"
    assert organisation.history.first().history_user == staff_commissioner


def test_a_broken_rule_in_the_admin_shows_on_the_form_and_saves_nothing(client, staff_commissioner):
    client.force_login(staff_commissioner)
    response = client.post(
        "/admin/alliance/organisation/add/",
        {
            "name": "Bad Number",
            "legal_form": "registered_charity",
            "charity_number": "12AB",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "is not a charity number" in response.content.decode()
    assert not Organisation.objects.filter(name="Bad Number").exists()


def test_a_role_given_in_the_admin_uses_the_membership_service(
    client, staff_commissioner, organisation, outsider
):
    client.force_login(staff_commissioner)
    response = client.post(
        "/admin/alliance/membership/add/",
        {"user": outsider.pk, "organisation": organisation.pk, "role": "commissioner"},
    )
    # The service's rule: commissioners only in a local authority.
    assert response.status_code == 200
    assert "only be held in a local authority" in response.content.decode()
    assert not Membership.objects.filter(user=outsider).exists()
