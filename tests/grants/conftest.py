"""Micro-grants personas, on top of the shared ones in tests/conftest.py.

- `applicant`: an applicant of `organisation` (a small charity with a known income);
- `other_applicant`: an applicant of `other_organisation`;
- `panel_member`: sits on `panel_round` with no conflict;
- `conflicted_panel_member`: sits on `panel_round` and declared a conflict with
  `panel_application`.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from alliance.models import Role
from grants.models import ApplicationStatus
from tests.alliance.factories import MembershipFactory
from tests.grants.factories import (
    ApplicationFactory,
    ConflictFactory,
    CriterionFactory,
    PanelMemberFactory,
    ProgrammeFactory,
    RoundFactory,
)


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def organisation(organisation):
    organisation.latest_annual_income = Decimal("20000.00")
    organisation.save(update_fields=["latest_annual_income"])
    return organisation


@pytest.fixture
def other_organisation(other_organisation):
    other_organisation.latest_annual_income = Decimal("15000.00")
    other_organisation.save(update_fields=["latest_annual_income"])
    return other_organisation


@pytest.fixture
def applicant(organisation):
    return MembershipFactory(organisation=organisation, role=Role.APPLICANT).user


@pytest.fixture
def other_applicant(other_organisation):
    return MembershipFactory(organisation=other_organisation, role=Role.APPLICANT).user


@pytest.fixture
def programme(council):
    return ProgrammeFactory(funder=council)


@pytest.fixture
def open_round(programme):
    return RoundFactory(programme=programme)


@pytest.fixture
def draft(open_round, organisation, applicant):
    return ApplicationFactory(round=open_round, organisation=organisation, created_by=applicant)


@pytest.fixture
def panel_round(programme):
    round_ = RoundFactory(
        programme=programme,
        decision_method="panel",
        opens_at=timezone.now() - timedelta(days=30),
        closes_at=timezone.now() - timedelta(days=1),
        budget=Decimal("10000.00"),
    )
    CriterionFactory(round=round_, name="Need", weight=Decimal("2.00"), position=0)
    CriterionFactory(round=round_, name="Plan", weight=Decimal("1.00"), position=1)
    return round_


@pytest.fixture
def panel_application(panel_round, organisation, applicant):
    return ApplicationFactory(
        round=panel_round,
        organisation=organisation,
        created_by=applicant,
        status=ApplicationStatus.SUBMITTED,
        submitted_at=timezone.now() - timedelta(days=3),
    )


@pytest.fixture
def panel_member(panel_round):
    return PanelMemberFactory(round=panel_round).user


@pytest.fixture
def conflicted_panel_member(panel_round, panel_application):
    member = PanelMemberFactory(round=panel_round).user
    ConflictFactory(application=panel_application, user=member)
    return member
