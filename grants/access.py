"""Who may act on micro-grants. Reads for lists live in `grants.querysets`."""

from __future__ import annotations

from alliance import access
from alliance.models import Role
from config.errors import NotAllowed
from grants.models import Application, ConflictDeclaration, PanelMember

# Members holding these roles in an organisation apply and report on its behalf.
APPLYING_ROLES = {Role.APPLICANT, Role.ALLIANCE_LEAD}


def may_apply_for(user, organisation_id: int) -> bool:
    return bool(access.roles_in(user, organisation_id) & APPLYING_ROLES)


def require_applicant(user, organisation_id: int, doing: str) -> None:
    if not may_apply_for(user, organisation_id):
        raise NotAllowed(
            f"Only an applicant or lead of the organisation can {doing}.",
            rule="grants.applicants_act_for_their_group",
        )


def require_commissioner(user, doing: str) -> None:
    if not access.is_commissioner(user):
        raise NotAllowed(f"Only a commissioner can {doing}.", rule="grants.commissioners_decide")


def is_panel_member(user, round_id: int) -> bool:
    return PanelMember.objects.filter(round_id=round_id, user_id=user.pk).exists()


def conflict_reason(user, application: Application) -> str | None:
    """Why this person may not assess the application, or None (rule 13)."""
    if access.roles_in(user, application.organisation_id):
        return f"You are a member of {application.organisation.name}, which made this application."
    declared = ConflictDeclaration.objects.filter(application=application, user_id=user.pk)
    if declared.exists():
        return "You declared a conflict of interest with this application."
    return None


def require_unconflicted_panel_member(user, application: Application, doing: str) -> None:
    if not is_panel_member(user, application.round_id):
        raise NotAllowed(
            f"Only members of this round's panel can {doing}.", rule="grants.panel_only"
        )
    reason = conflict_reason(user, application)
    if reason:
        raise NotAllowed(f"{reason} So you cannot {doing}.", rule="grants.conflict_of_interest")
