"""`application_scope` (literal ids for the applications and grants lists) keeps the rules
of who sees which applications: the group's own members, and the panel of its round
without a conflict, never a draft (rule 13)."""

import pytest
from django.db.models import Q

from alliance.models import Membership
from grants.models import Application, ConflictDeclaration, Grant, PanelMember
from grants.querysets import application_scope
from tests.alliance.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.grants.factories import ApplicationFactory, ConflictFactory, PanelMemberFactory


def _by_the_rules(user):
    """The rule written the long way round, with subqueries, as it was before."""
    own = Q(organisation_id__in=Membership.objects.filter(user=user).values("organisation_id"))
    assessable = (
        Q(round_id__in=PanelMember.objects.filter(user=user).values("round_id"))
        & ~Q(status="draft")
        & ~Q(pk__in=ConflictDeclaration.objects.filter(user=user).values("application_id"))
    )
    return set(Application.objects.filter(own | assessable).values_list("pk", flat=True))


@pytest.fixture
def world(panel_round, open_round):
    groups = [OrganisationFactory() for _ in range(3)]
    applications = [
        ApplicationFactory(round=round_, organisation=group, status=status)
        for round_ in (panel_round, open_round)
        for group in groups
        for status in ("draft", "submitted")
    ]
    return {"groups": groups, "applications": applications}


@pytest.mark.parametrize(
    "who", ["stranger", "member", "panel", "conflicted panel", "member on the panel"]
)
def test_visible_applications_are_those_the_rules_give(who, world, panel_round):
    group = world["groups"][0]
    user = UserFactory()
    if "member" in who:
        MembershipFactory(organisation=group, role="applicant", user=user)
    if "panel" in who:
        PanelMemberFactory(round=panel_round, user=user)
    if "conflicted" in who:
        submitted = next(
            a for a in world["applications"] if a.round == panel_round and a.status != "draft"
        )
        ConflictFactory(application=submitted, user=user)
    visible = set(Application.objects.visible_to(user).values_list("pk", flat=True))
    assert visible == _by_the_rules(user)
    assert bool(visible) == (who != "stranger")
    grants = Grant.objects.visible_to(user)
    assert set(grants.values_list("application_id", flat=True)) <= visible
    scope = application_scope(user)
    assert set(scope) == {"organisation", "round", "conflict", "funder", "funded_round"}
    assert scope["funder"] == scope["funded_round"] == []


def test_a_commissioner_sees_only_the_applications_of_their_own_councils_programmes(
    world, panel_round, open_round, commissioner, council
):
    # `world`'s rounds belong to `programme`, funded by `council`; another council's
    # programme has applications too.
    elsewhere = ApplicationFactory(status="submitted")
    assert elsewhere.round.programme.funder_id != council.pk
    visible = set(Application.objects.visible_to(commissioner).values_list("pk", flat=True))
    ours = {a.pk for a in world["applications"]}  # drafts too: the funder runs the round
    assert visible == ours
    scope = application_scope(commissioner)
    assert scope["funder"] == [council.pk]
    assert set(scope["funded_round"]) == {panel_round.pk, open_round.pk}


def test_a_commissioner_of_two_councils_sees_both(world, commissioner):
    other = ApplicationFactory(status="submitted")
    MembershipFactory(
        organisation=other.round.programme.funder, role="commissioner", user=commissioner
    )
    visible = set(Application.objects.visible_to(commissioner).values_list("pk", flat=True))
    assert visible == {a.pk for a in world["applications"]} | {other.pk}
