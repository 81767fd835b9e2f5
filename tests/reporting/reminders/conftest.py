"""An active Alliance contract with two partners allocated money in year 1, and helpers
for returns and end-of-grant reports in every state.

`period` is the contract's first quarter; tests pick "today" relative to its due date, so
no other period of the contract is due within the window.
"""

from datetime import timedelta
from decimal import Decimal

import pytest

from alliance.models import Role
from alliance.services.contracts import allocation_set, contract_activate
from alliance.services.returns import return_start
from grants.models import EndOfGrantReport, Grant
from tests.alliance.factories import MembershipFactory, OrganisationFactory, build_contract
from tests.grants.factories import ApplicationFactory


@pytest.fixture
def contract(commissioner, council, organisation, other_organisation):
    contract = build_contract(
        commissioner=commissioner, council=council, partners=[organisation, other_organisation]
    )
    for partner in (organisation, other_organisation):
        allocation_set(
            contract=contract,
            organisation=partner,
            year_number=1,
            amount=Decimal("100000.00"),
            by=commissioner,
        )
    return contract_activate(contract=contract, by=commissioner)


@pytest.fixture
def period(contract):
    return contract.periods.order_by("starts_on").first()


@pytest.fixture
def contributor(organisation):
    return MembershipFactory(organisation=organisation, role=Role.CONTRIBUTOR).user


def days_before(period, days: int):
    """The day that is `days` before the period's due date (negative: after it)."""
    return period.due_on - timedelta(days=days)


def start_return(period, organisation, by, status="draft"):
    return_ = return_start(period=period, organisation=organisation, by=by)
    rating = "good" if status == "accepted" else ""
    type(return_).objects.filter(pk=return_.pk).update(status=status, rating=rating)
    return return_


def grant_report(organisation, due_on, *, status="due", title=None):
    """A group's accepted grant with its end-of-grant report."""
    extra = {"title": title} if title else {}
    application = ApplicationFactory(organisation=organisation, status="awarded", **extra)
    grant = Grant.objects.create(
        application=application,
        identifier=f"360G-wirral-{application.pk}",
        amount=Decimal("500.00"),
        report_tier="light",
        status="accepted",
    )
    return EndOfGrantReport.objects.create(grant=grant, tier="light", due_on=due_on, status=status)


@pytest.fixture
def small_group(db):
    return OrganisationFactory(
        legal_form="unincorporated_group", charity_number="", org_id="360G-wirral-ORG-1"
    )


@pytest.fixture
def group_applicant(small_group):
    return MembershipFactory(organisation=small_group, role=Role.APPLICANT).user
