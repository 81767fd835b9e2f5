"""Who may act on micro-grants. Reads for lists live in `grants.querysets`."""

from __future__ import annotations

from alliance import access
from alliance.models import Role
from config.errors import NotAllowed
from grants.models import Application, ConflictDeclaration, PanelMember, Programme

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


def commissions_funder(user, funder_id: int) -> bool:
    """`user` is a commissioner of this council (the funder of a programme)."""
    return access.COMMISSIONER in access.roles_in(user, funder_id)


def commissions_programme(user, programme: Programme | int) -> bool:
    """`user` is a commissioner of the council funding the programme: only they run it,
    its rounds, decisions, grants and payments; another council's commissioners do not."""
    if isinstance(programme, Programme):
        return commissions_funder(user, programme.funder_id)
    if not user.is_authenticated:
        return False
    return Programme.objects.filter(
        pk=programme,
        funder_id__in=access.member_organisation_ids(user, [access.COMMISSIONER]),
    ).exists()


def require_commissioner_of_programme(user, programme: Programme | int, doing: str) -> None:
    if not commissions_programme(user, programme):
        raise NotAllowed(
            f"Only a commissioner of the council funding this programme can {doing}.",
            rule="grants.commissioners_of_the_funder",
        )


def require_commissioner_of_funder(user, funder_id: int | None, doing: str) -> None:
    """Setting up a programme: it must be funded by a council the commissioner is in."""
    if funder_id is None or not commissions_funder(user, funder_id):
        raise NotAllowed(
            f"You can {doing} only for a council in which you are a commissioner.",
            rule="grants.commissioners_of_the_funder",
            fields={"funder": ["Choose a council in which you are a commissioner."]},
        )


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
