"""Publication controls: only a commissioner withholds a grant, with a reason, audited."""

import json
from decimal import Decimal

import pytest

from alliance.models import Role
from config.errors import NotAllowed, RuleBroken
from grants.models import ApplicationEvent, Grant
from grants.services.publication import grant_publish, grant_withhold
from tests.alliance.factories import MembershipFactory
from tests.conftest import client_for
from tests.grants.factories import ApplicationFactory, ProgrammeFactory, RoundFactory

pytestmark = pytest.mark.django_db

REASON = "Publishing this would show where a refuge group meets."


@pytest.fixture
def grant(council, organisation):
    application = ApplicationFactory(
        round=RoundFactory(programme=ProgrammeFactory(funder=council)),
        organisation=organisation,
        status="awarded",
    )
    return Grant.objects.create(
        application=application,
        identifier=f"360G-wirral-{application.pk}",
        amount=Decimal("900.00"),
        report_tier="light",
    )


@pytest.fixture
def applicant(organisation):
    return MembershipFactory(organisation=organisation, role=Role.APPLICANT).user


def _withhold(user, grant, body=None):
    return client_for(user).post(
        f"/api/v1/grants/{grant.pk}/withhold/", body or {"reason": REASON}, format="json"
    )


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        (None, 401),
        ("applicant", 403),  # sees the grant of their own group, may not withhold it
        ("member", 403),
        ("other_member", 404),
        ("outsider", 404),
        ("commissioner", 200),
    ],
)
def test_who_may_withhold_a_grant(request, grant, persona, expected):
    user = request.getfixturevalue(persona) if persona else None
    response = _withhold(user, grant)
    assert response.status_code == expected
    grant.refresh_from_db()
    assert grant.withheld is (expected == 200)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [(None, 401), ("applicant", 403), ("other_member", 404), ("commissioner", 200)],
)
def test_who_may_publish_a_withheld_grant_again(request, grant, commissioner, persona, expected):
    grant_withhold(grant=grant, by=commissioner, reason=REASON)
    user = request.getfixturevalue(persona) if persona else None
    response = client_for(user).post(f"/api/v1/grants/{grant.pk}/publish/", {}, format="json")
    assert response.status_code == expected
    grant.refresh_from_db()
    assert grant.withheld is (expected != 200)


def _another_grant(grant):
    application = ApplicationFactory(round=grant.application.round, status="awarded")
    return Grant.objects.create(
        application=application,
        identifier=f"360G-wirral-{application.pk}",
        amount=Decimal("500.00"),
        report_tier="light",
    )


def test_withholding_records_who_when_and_why_and_the_grant_leaves_the_open_data(
    grant, commissioner
):
    shown = _another_grant(grant)
    response = _withhold(commissioner, grant)
    assert response.json()["withheld"] is True
    assert response.json()["withheld_reason"] == REASON
    event = ApplicationEvent.objects.get(action="grant_withheld")
    assert (event.actor, event.from_status, event.to_status, event.comment) == (
        commissioner,
        "published",
        "withheld",
        REASON,
    )
    latest = grant.history.latest()
    assert latest.history_user == commissioner and latest.withheld is True
    published = json.loads(
        b"".join(client_for(None).get("/api/v1/open-data/360giving.json").streaming_content)
    )
    assert [g["id"] for g in published["grants"]] == [shown.identifier]
    assert "1 grants withheld" in published["description"]
    assert REASON not in json.dumps(published)  # the reason itself is never published


def test_withholding_the_only_grant_leaves_no_package_and_says_why(grant, commissioner):
    # A 360Giving package needs at least one grant: none is given, and the reason is not.
    _withhold(commissioner, grant)
    response = client_for(None).get("/api/v1/open-data/360giving.json")
    assert response.status_code == 404
    assert "1 withheld for the safety of small groups" in response.json()["message"]
    assert REASON not in response.content.decode()
    assert grant.identifier not in response.content.decode()


def test_a_reason_is_required_and_nothing_is_saved_without_one(grant, commissioner):
    response = _withhold(commissioner, grant, {"reason": "   "})
    assert response.status_code == 400
    assert "reason" in response.json()["fields"]
    grant.refresh_from_db()
    assert grant.withheld is False
    assert not ApplicationEvent.objects.filter(action="grant_withheld").exists()
    with pytest.raises(RuleBroken):
        grant_withhold(grant=grant, by=commissioner, reason="")


def test_unknown_fields_are_refused(grant, commissioner):
    response = _withhold(commissioner, grant, {"reason": REASON, "hide": True})
    assert response.status_code == 400
    grant.refresh_from_db()
    assert grant.withheld is False


def test_withholding_twice_is_harmless(grant, commissioner):
    grant_withhold(grant=grant, by=commissioner, reason=REASON)
    again = grant_withhold(grant=grant, by=commissioner, reason=REASON)
    assert again.withheld is True
    assert ApplicationEvent.objects.filter(action="grant_withheld").count() == 1


def test_publishing_again_lists_the_grant_and_is_audited(grant, commissioner):
    grant_withhold(grant=grant, by=commissioner, reason=REASON)
    grant_publish(grant=grant, by=commissioner, comment="The group moved")
    grant.refresh_from_db()
    assert (grant.withheld, grant.withheld_reason) == (False, "")
    event = ApplicationEvent.objects.get(action="grant_published")
    assert (event.from_status, event.to_status, event.comment) == (
        "withheld",
        "published",
        "The group moved",
    )


def test_the_service_refuses_anyone_but_a_commissioner(grant, applicant):
    with pytest.raises(NotAllowed):
        grant_withhold(grant=grant, by=applicant, reason=REASON)
    grant.refresh_from_db()
    assert grant.withheld is False


def test_the_admin_actions_withhold_and_publish_through_the_service(grant, commissioner):
    from django.test import Client

    commissioner.is_staff = True
    commissioner.save()
    client = Client()
    client.force_login(commissioner)
    url = "/admin/grants/grant/"
    response = client.post(url, {"action": "withhold_for_safety", "_selected_action": [grant.pk]})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.withheld is True and "safety" in grant.withheld_reason
    assert ApplicationEvent.objects.get(action="grant_withheld").actor == commissioner
    client.post(url, {"action": "publish_again", "_selected_action": [grant.pk]})
    grant.refresh_from_db()
    assert grant.withheld is False
