"""`return_scope` (literal ids for the returns list) keeps the ORM's rules of who sees
which returns: places, their parents and grandparents (rule 3), and a partner's own."""

import pytest

from alliance.models import Contract, Membership, Place, Return
from alliance.querysets import PARTNER_ROLES, commissioned_contract_ids, return_scope
from alliance.services.returns import return_start
from tests.alliance.factories import MembershipFactory, OrganisationFactory, build_contract
from tests.conftest import client_for


def _orm_scope(user):
    contracts = set(
        Contract.objects.filter(pk__in=commissioned_contract_ids(user)).values_list("pk", flat=True)
    )
    organisations = set(
        Membership.objects.filter(user=user, role__in=PARTNER_ROLES).values_list(
            "organisation_id", flat=True
        )
    )
    return contracts, organisations


def _regional_world(commissioner, council, organisation, other_organisation):
    """A contract whose place sits in a district, inside a region: three levels."""
    contract = build_contract(
        commissioner=commissioner, council=council, partners=[organisation, other_organisation]
    )
    district_council = OrganisationFactory(council=True, name="District")
    region_authority = OrganisationFactory(council=True, name="Region")
    region = Place.objects.create(name="Region", council=region_authority)
    district = Place.objects.create(name="District", council=district_council, parent=region)
    Place.objects.filter(pk=contract.place_id).update(parent=district)
    elsewhere = OrganisationFactory(council=True, name="Elsewhere")
    Place.objects.create(name="Elsewhere", council=elsewhere)
    return contract, district_council, region_authority, elsewhere


@pytest.mark.parametrize("who", ["council", "district", "region", "elsewhere", "lead", "both"])
def test_return_scope_is_the_orm_scope(
    who, commissioner, council, organisation, other_organisation, member
):
    contract, district, region, elsewhere = _regional_world(
        commissioner, council, organisation, other_organisation
    )
    users = {
        "council": commissioner,
        "district": MembershipFactory(organisation=district, role="commissioner").user,
        "region": MembershipFactory(organisation=region, role="commissioner").user,
        "elsewhere": MembershipFactory(organisation=elsewhere, role="commissioner").user,
        "lead": member,
    }
    if who == "both":
        user = MembershipFactory(organisation=region, role="commissioner").user
        MembershipFactory(organisation=other_organisation, role="contributor", user=user)
    else:
        user = users[who]
    contract_ids, organisation_ids = return_scope(user)
    assert (set(contract_ids), set(organisation_ids)) == _orm_scope(user)
    expected_contracts = {"elsewhere": set(), "lead": set()}.get(who, {contract.pk})
    assert set(contract_ids) == expected_contracts


def test_a_person_with_no_partner_or_commissioner_role_sees_no_returns(
    framework, period, organisation, lead
):
    return_start(period=period, organisation=organisation, by=lead)
    applicant = MembershipFactory(organisation=organisation, role="applicant").user
    assert return_scope(applicant) == ([], [])
    assert not Return.objects.visible_to(applicant).exists()
    assert client_for(applicant).get("/api/v1/returns/").json()["count"] == 0
