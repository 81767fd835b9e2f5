"""Who may act: the checks every contract and returns service starts with."""

from __future__ import annotations

from alliance import access
from alliance.models import Contract, Place, Role, User
from alliance.querysets import commissioned_contract_ids, places_commissioned_by
from config.errors import NotAllowed


def commissions(contract_id: int, by: User) -> bool:
    """`by` is a commissioner of the contract's place's council, or of a council owning a
    place around it (a regional commissioner)."""
    if not by.is_authenticated:
        return False
    return Contract.objects.filter(pk=contract_id, pk__in=commissioned_contract_ids(by)).exists()


def require_commissioner_of(contract_id: int, by: User, *, doing: str, rule: str) -> None:
    if not commissions(contract_id, by):
        raise NotAllowed(f"Only a commissioner of this contract can {doing}.", rule=rule)


def require_commissioner_of_place(place: Place, by: User, *, doing: str, rule: str) -> None:
    if not Place.objects.filter(places_commissioned_by(by), pk=place.pk).exists():
        raise NotAllowed(f"Only a commissioner of {place.name} can {doing}.", rule=rule)


def require_partner_role(
    by: User, *, organisation_id: int, roles: set[str], doing: str, rule: str
) -> None:
    if not access.roles_in(by, organisation_id) & roles:
        names = " or ".join(sorted(Role(r).label.lower() for r in roles))
        raise NotAllowed(f"Only an {names} of the organisation can {doing}.", rule=rule)


PARTNER_EDITORS = {Role.ALLIANCE_LEAD, Role.CONTRIBUTOR}
LEADS = {Role.ALLIANCE_LEAD}
