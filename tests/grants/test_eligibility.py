"""Rule 12's limits per organisation, rule 11 for new drafts, and the summary's length."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from grants.models import Application, ApplicationStatus, Grant
from grants.services.awards import report_tier_for
from tests.conftest import client_for
from tests.grants.factories import ApplicationFactory, RoundFactory

pytestmark = pytest.mark.django_db


def _problems(user, application):
    response = client_for(user).post(f"/api/v1/applications/{application.pk}/submit/")
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    return [p["code"] for p in response.json()["problems"]]


def test_a_group_with_an_open_grant_waits_until_it_is_completed(
    applicant, organisation, programme, open_round
):
    earlier = ApplicationFactory(round=open_round, organisation=organisation, status="awarded")
    Grant.objects.create(
        application=earlier,
        identifier="360G-wirral-x",
        amount=Decimal("500"),
        report_tier="light",
        status="accepted",
    )
    later_round = RoundFactory(programme=programme, budget=Decimal("1000"))
    draft = ApplicationFactory(round=later_round, organisation=organisation, created_by=applicant)
    assert _problems(applicant, draft) == ["too_many_open_grants"]


def test_live_applications_across_a_programme_are_limited(
    applicant, organisation, programme, open_round
):
    programme.max_live_applications = 1
    programme.save()
    ApplicationFactory(round=open_round, organisation=organisation, status="submitted")
    later_round = RoundFactory(programme=programme, budget=Decimal("1000"))
    draft = ApplicationFactory(round=later_round, organisation=organisation, created_by=applicant)
    assert _problems(applicant, draft) == ["too_many_live_applications"]


def test_a_summary_over_the_limit_is_kept_but_not_submitted(applicant, draft):
    draft.summary = "word " * 400
    draft.save()
    assert _problems(applicant, draft) == ["summary_too_long"]
    assert Application.objects.get().summary == "word " * 400


def test_no_new_drafts_once_a_round_has_closed(applicant, organisation, programme):
    now = timezone.now()
    closed = RoundFactory(
        programme=programme,
        opens_at=now - timedelta(days=20),
        closes_at=now - timedelta(days=1),
        budget=Decimal("1000"),
    )
    response = client_for(applicant).post(
        "/api/v1/applications/",
        {"round": closed.pk, "organisation": organisation.pk, "title": "Too late"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["rule"] == "grants.round_open"
    assert not Application.objects.exists()


def test_an_award_over_the_programme_budget_is_refused(applicant, draft, commissioner, programme):
    client_for(applicant).post(f"/api/v1/applications/{draft.pk}/submit/")
    programme.awarded_total = programme.budget - Decimal("999.99")
    programme.save()
    response = client_for(commissioner).post(
        f"/api/v1/applications/{draft.pk}/decide/",
        {"outcome": "award", "amount": "1000.00"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["rule"] == "grants.programme_budget"
    assert "£999.99 left" in response.json()["message"]
    assert not Grant.objects.exists()


@pytest.mark.parametrize(
    ("amount", "tier"),
    [("250", "light"), ("1000", "light"), ("1000.01", "standard"), ("5000.01", "full")],
)
def test_the_report_asks_less_the_smaller_the_grant(programme, amount, tier):
    assert report_tier_for(programme, Decimal(amount)) == tier
