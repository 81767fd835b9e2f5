"""Who may act: the checks every contract and returns service starts with."""

from __future__ import annotations

from alliance import access
from alliance.models import Role, User
from config.errors import NotAllowed


def require_commissioner(by: User, *, doing: str, rule: str) -> None:
    if not access.is_commissioner(by):
        raise NotAllowed(f"Only a commissioner can {doing}.", rule=rule)


def require_partner_role(
    by: User, *, organisation_id: int, roles: set[str], doing: str, rule: str
) -> None:
    if not access.roles_in(by, organisation_id) & roles:
        names = " or ".join(sorted(Role(r).label.lower() for r in roles))
        raise NotAllowed(f"Only an {names} of the organisation can {doing}.", rule=rule)


PARTNER_EDITORS = {Role.ALLIANCE_LEAD, Role.CONTRIBUTOR}
LEADS = {Role.ALLIANCE_LEAD}
