"""Personas and a contract for the Alliance contract and returns tests.

`organisation` (from tests/conftest.py) is the lead partner and `other_organisation` a
second partner of `contract`:
- `lead` (= `member`): an alliance lead of `organisation`;
- `contributor`: a contributor of `organisation`;
- `other_partner` (= `other_member`): an alliance lead of the other partner;
- `stranger`: an alliance lead of an organisation outside the contract;
- `commissioner`: a commissioner of `council`, which commissions the contract;
- `other_commissioner`: a commissioner of another council, with places of its own.
"""

import pytest

from alliance.services.returns import return_start
from tests.alliance.factories import (
    MembershipFactory,
    OrganisationFactory,
    WardFactory,
    build_contract,
    build_framework,
)


@pytest.fixture
def lead(member):
    return member


@pytest.fixture
def contributor(organisation):
    return MembershipFactory(organisation=organisation, role="contributor").user


@pytest.fixture
def other_partner(other_member):
    return other_member


@pytest.fixture
def stranger(db):
    return MembershipFactory(organisation=OrganisationFactory(), role="alliance_lead").user


@pytest.fixture
def other_commissioner(db):
    from alliance.models import Place

    other_council = OrganisationFactory(council=True)
    Place.objects.create(name="Elsewhere", council=other_council)
    return MembershipFactory(organisation=other_council, role="commissioner").user


@pytest.fixture
def contract(commissioner, council, organisation, other_organisation):
    return build_contract(
        commissioner=commissioner, council=council, partners=[organisation, other_organisation]
    )


@pytest.fixture
def framework(contract, commissioner):
    return build_framework(contract=contract, commissioner=commissioner)


@pytest.fixture
def ward(db):
    return WardFactory(code="E05000972", name="Rock Ferry")


@pytest.fixture
def period(contract):
    return contract.periods.order_by("starts_on").first()


@pytest.fixture
def draft(framework, period, organisation, lead, ward):
    return return_start(period=period, organisation=organisation, by=lead)


@pytest.fixture
def persona(request):
    """Resolve a persona's name to its user (None for anonymous)."""

    def resolve(name):
        return None if name == "anonymous" else request.getfixturevalue(name)

    return resolve
