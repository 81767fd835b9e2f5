"""People and roles: who may give which role, and removal taking effect at once."""

import pytest
from django.core import mail

from alliance.models import Membership, User
from tests.alliance.factories import MembershipFactory
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _members_url(organisation):
    return f"/api/v1/organisations/{organisation.pk}/members/"


def test_a_lead_adds_a_new_contributor_who_is_invited_to_set_a_password(
    member, organisation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(member).post(
            _members_url(organisation),
            {"email": "New.Person@Example.org", "role": "contributor", "full_name": "New Person"},
            format="json",
        )
    assert response.status_code == 201, response.json()
    user = User.objects.get(email="new.person@example.org")
    assert not user.has_usable_password()
    assert Membership.objects.filter(user=user, organisation=organisation).exists()
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


@pytest.mark.parametrize("role", ["commissioner", "applicant", "panel_member"])
def test_a_lead_cannot_give_roles_beyond_their_own(member, organisation, role):
    response = client_for(member).post(
        _members_url(organisation), {"email": "x@example.org", "role": role}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["rule"] == "memberships.grant_own_roles_only"
    assert not User.objects.filter(email="x@example.org").exists()


def test_a_contributor_cannot_add_anyone(organisation):
    contributor = MembershipFactory(organisation=organisation, role="contributor").user
    response = client_for(contributor).post(
        _members_url(organisation),
        {"email": "x@example.org", "role": "contributor"},
        format="json",
    )
    assert response.status_code == 403


def test_nobody_can_add_themselves_to_another_organisation(member, other_organisation):
    response = client_for(member).post(
        _members_url(other_organisation),
        {"email": member.email, "role": "alliance_lead"},
        format="json",
    )
    assert response.status_code == 404
    assert not Membership.objects.filter(user=member, organisation=other_organisation).exists()


def test_the_commissioner_role_is_held_only_in_a_local_authority(commissioner, organisation):
    response = client_for(commissioner).post(
        _members_url(organisation),
        {"email": "x@example.org", "role": "commissioner"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["rule"] == "memberships.commissioners_in_councils"
    assert not Membership.objects.filter(role="commissioner", organisation=organisation).exists()


def test_the_same_role_cannot_be_given_twice(member, organisation):
    response = client_for(member).post(
        _members_url(organisation),
        {"email": member.email, "role": "alliance_lead"},
        format="json",
    )
    assert response.status_code == 409
    assert Membership.objects.filter(user=member, organisation=organisation).count() == 1


def test_someone_removed_loses_access_at_once(member, organisation):
    colleague = MembershipFactory(organisation=organisation, role="contributor")
    client = client_for(colleague.user)
    assert client.get(f"/api/v1/organisations/{organisation.pk}/").status_code == 200
    removed = client_for(member).delete(f"{_members_url(organisation)}{colleague.pk}/")
    assert removed.status_code == 204
    # The same client, in the next request, with nothing cached.
    assert client.get(f"/api/v1/organisations/{organisation.pk}/").status_code == 404


def test_an_organisation_keeps_at_least_one_member(member, organisation):
    own = Membership.objects.get(user=member, organisation=organisation)
    response = client_for(member).delete(f"{_members_url(organisation)}{own.pk}/")
    assert response.status_code == 400
    assert response.json()["rule"] == "memberships.organisation_keeps_a_member"
    assert Membership.objects.filter(pk=own.pk).exists()
