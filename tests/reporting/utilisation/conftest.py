"""Fund utilisation fixtures. Personas (on top of tests/conftest.py's):

- `commissioner`: a commissioner of `council`, which runs `programme`;
- `other_commissioner`: a commissioner of another council;
- `applicant`: an applicant of `organisation`; `panel_member`: sits on `first_round`;
- `member` (an alliance lead), `outsider` (a member of nothing), anonymous.

Grants are written straight to the tables (`a_grant`): the award and payment services
have their own tests; the end-to-end event test goes through them.
"""

from datetime import date, timedelta
from decimal import Decimal
from itertools import count

import pytest
from django.utils import timezone

from alliance.models import Role
from grants.models import Grant, Payment
from tests.alliance.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    WardFactory,
)
from tests.grants.factories import (
    ApplicationFactory,
    PanelMemberFactory,
    ProgrammeFactory,
    RoundFactory,
)

_refs = count(1)


@pytest.fixture
def programme(council):
    return ProgrammeFactory(funder=council, budget=Decimal("50000.00"))


@pytest.fixture
def first_round(programme):
    return RoundFactory(
        programme=programme,
        budget=Decimal("30000.00"),
        opens_at=timezone.now() - timedelta(days=60),
        closes_at=timezone.now() - timedelta(days=30),
    )


@pytest.fixture
def second_round(programme):
    return RoundFactory(programme=programme, budget=Decimal("15000.00"))


@pytest.fixture
def wards(db):
    return [WardFactory(name=name) for name in ("Bidston", "Claughton", "Seacombe")]


@pytest.fixture
def other_commissioner(db):
    return MembershipFactory(
        organisation=OrganisationFactory(council=True), role=Role.COMMISSIONER
    ).user


@pytest.fixture
def applicant(organisation):
    return MembershipFactory(organisation=organisation, role=Role.APPLICANT).user


@pytest.fixture
def panel_member(first_round):
    return PanelMemberFactory(round=first_round).user


def an_application(round_, *, ward_codes, legal_form="registered_charity", status="submitted"):
    organisation = OrganisationFactory(legal_form=legal_form)
    return ApplicationFactory(
        round=round_,
        organisation=organisation,
        created_by=UserFactory(),
        status=status,
        ward_codes=ward_codes,
        submitted_at=None if status == "draft" else timezone.now(),
        lines=False,
    )


def a_grant(round_, *, ward_codes, amount, paid=(), legal_form="registered_charity"):
    """An awarded application with its grant (accepted) and payments."""
    application = an_application(
        round_, ward_codes=ward_codes, legal_form=legal_form, status="awarded"
    )
    amount = Decimal(amount)
    grant = Grant.objects.create(
        application=application,
        identifier=f"360G-test-{next(_refs)}",
        amount=amount,
        paid_total=sum((Decimal(p) for p in paid), Decimal("0.00")),
        status="accepted",
        report_tier="light",
    )
    recorder = UserFactory()
    for i, part in enumerate(paid):
        Payment.objects.create(
            grant=grant,
            amount=Decimal(part),
            paid_on=date.today(),
            reference=f"BACS-{grant.pk}-{i}",
            recorded_by=recorder,
        )
    return grant
