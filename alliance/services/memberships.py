"""Adding and removing people, and registering a new person with their organisation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from alliance import access
from alliance.models import Membership, Organisation, Role, User
from alliance.models.people import LegalForm
from alliance.services.organisations import organisation_create
from config.errors import Conflict, NotAllowed, RuleBroken

# Which roles a holder of each role may give to others in the same organisation.
# Commissioners may give any role in any organisation.
GRANTABLE_BY = {
    Role.ALLIANCE_LEAD: {Role.ALLIANCE_LEAD, Role.CONTRIBUTOR},
    Role.APPLICANT: {Role.APPLICANT},
}


def grantable_roles(*, by: User, organisation: Organisation) -> set[str]:
    if access.is_commissioner(by):
        return set(Role.values)
    granted: set[str] = set()
    for role in access.roles_in(by, organisation.pk):
        granted |= GRANTABLE_BY.get(role, set())
    return granted


def _check_may_grant(*, by: User, organisation: Organisation, role: str) -> None:
    if role not in grantable_roles(by=by, organisation=organisation):
        raise NotAllowed(
            f"You cannot give the role '{Role(role).label}' in {organisation.name}.",
            rule="memberships.grant_own_roles_only",
        )
    if role == Role.COMMISSIONER and organisation.legal_form != LegalForm.LOCAL_AUTHORITY:
        # A commissioner sees every organisation's data: only council staff hold it.
        raise RuleBroken(
            "The commissioner role can only be held in a local authority.",
            rule="memberships.commissioners_in_councils",
            fields={"role": ["Not available for this organisation."]},
        )


def _invite(user: User, organisation: Organisation) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = f"{settings.SITE_URL}/accounts/reset/{uid}/{token}/"
    send_mail(
        subject=f"You have been added to {organisation.name}",
        message=(
            f"Hello,\n\nYou have been added to {organisation.name} on the Alliance "
            f"commissioning and grants system.\n\nChoose a password here to sign in:\n{link}\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )


def membership_add(
    *, organisation: Organisation, by: User, email: str, role: str, full_name: str = ""
) -> Membership:
    """Give a person a role. Someone new gets an e-mail to choose their password."""
    _check_may_grant(by=by, organisation=organisation, role=role)
    email = User.objects.normalize_email(email).lower()
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User(username=email, email=email, full_name=full_name)
            user.set_unusable_password()
            user.save()
            transaction.on_commit(lambda: _invite(user, organisation))
        if Membership.objects.filter(user=user, organisation=organisation, role=role).exists():
            raise Conflict(
                f"{email} already has the role '{Role(role).label}' in {organisation.name}.",
                rule="memberships.one_of_each_role",
            )
        try:
            with transaction.atomic():
                membership = Membership.objects.create(
                    user=user, organisation=organisation, role=role, added_by=by
                )
        except IntegrityError:
            raise Conflict(
                f"{email} was given this role a moment ago.", rule="memberships.one_of_each_role"
            ) from None
    return membership


def membership_remove(*, membership: Membership, by: User) -> None:
    """Remove a role. The person loses access at once: nothing about roles is cached."""
    organisation = membership.organisation
    if membership.user_id != by.pk:
        _check_may_grant(by=by, organisation=organisation, role=membership.role)
    with transaction.atomic():
        # Lock the organisation's memberships so two removals cannot leave it with none.
        remaining = list(
            Membership.objects.select_for_update()
            .filter(organisation=organisation)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if membership.pk not in remaining:
            return  # already removed: removing twice is harmless
        if len(remaining) == 1 and not access.is_commissioner(by):
            raise RuleBroken(
                f"{organisation.name} needs at least one member. Add someone else first.",
                rule="memberships.organisation_keeps_a_member",
            )
        Membership.objects.filter(pk=membership.pk).delete()


def register_person_with_organisation(
    *, email: str, password: str, full_name: str, organisation: dict[str, Any]
) -> tuple[User, Organisation]:
    """A new small group signs up: its first member and the organisation, together."""
    email = User.objects.normalize_email(email).lower()
    user = User(username=email, email=email, full_name=full_name)
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise RuleBroken(
            "Choose a stronger password.",
            rule="people.password_strength",
            fields={"password": list(exc.messages)},
        ) from None
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise Conflict(
                f"There is already an account for {email}. Sign in, then register the "
                "organisation from your account.",
                rule="people.one_account_per_email",
                fields={"email": ["Already registered."]},
            )
        user.set_password(password)
        user.save()
        created = organisation_create(by=user, data=organisation)
    return user, created
