"""Registering and updating organisations."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from alliance import access
from alliance.identifiers import (
    IdentifierError,
    normalise_charity_number,
    normalise_company_number,
    normalise_local_authority_code,
    normalise_postcode,
    org_id_for,
)
from alliance.models import Membership, Organisation, Role, User
from alliance.models.people import LegalForm
from config.errors import Conflict, NotAllowed, RuleBroken

# Which identifier each legal form must give, so that its org-id is the real one.
_REQUIRES = {
    LegalForm.REGISTERED_CHARITY: ("charity_number",),
    LegalForm.CIO: ("charity_number",),
    LegalForm.CHARITABLE_COMPANY: ("charity_number", "company_number"),
    LegalForm.CIC: ("company_number",),
    LegalForm.COMPANY_LIMITED_BY_GUARANTEE: ("company_number",),
    LegalForm.LOCAL_AUTHORITY: ("local_authority_code",),
}
_LABELS = {
    "charity_number": "a charity number",
    "company_number": "a Companies House number",
    "local_authority_code": "a local authority register code",
}
_NORMALISERS = {
    "charity_number": normalise_charity_number,
    "company_number": normalise_company_number,
    "local_authority_code": normalise_local_authority_code,
    "postcode": normalise_postcode,
}
EDITABLE_FIELDS = (
    "name",
    "legal_form",
    "charity_number",
    "company_number",
    "local_authority_code",
    "latest_annual_income",
    "income_year_end",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "ward",
    "contact_name",
    "contact_email",
    "contact_phone",
    "values_signed_on",
)
# Roles whose holders look after their organisation's record.
_KEEPERS = [Role.ALLIANCE_LEAD, Role.APPLICANT]


def _clean(data: dict[str, Any], legal_form: str) -> dict[str, Any]:
    cleaned = dict(data)
    errors: dict[str, list[str]] = {}
    for name, normalise in _NORMALISERS.items():
        if name in cleaned:
            try:
                cleaned[name] = normalise(cleaned[name] or "")
            except IdentifierError as exc:
                errors[name] = [str(exc)]
    for name in _REQUIRES.get(legal_form, ()):
        if not cleaned.get(name) and name not in errors:
            label = LegalForm(legal_form).label
            errors[name] = [f"A {label.lower()} must give {_LABELS[name]}."]
    if errors:
        raise RuleBroken(
            "Some of the organisation's details need correcting.",
            rule="organisations.identifiers",
            fields=errors,
        )
    return cleaned


def _check_not_registered(cleaned: dict[str, Any], *, excluding: int | None = None) -> None:
    for name in ("charity_number", "company_number", "local_authority_code"):
        value = cleaned.get(name)
        if not value:
            continue
        existing = Organisation.objects.filter(**{name: value}).exclude(pk=excluding).first()
        if existing is not None:
            raise Conflict(
                f"{existing.name} is already registered with {_LABELS[name]} {value}. "
                "Ask one of its members to add you, rather than registering it again.",
                rule="organisations.registered_once",
                fields={name: ["Already registered."]},
            )


def _derive_org_id(organisation: Organisation) -> str:
    return org_id_for(
        charity_number=organisation.charity_number,
        company_number=organisation.company_number,
        local_authority_code=organisation.local_authority_code,
        fallback=f"{settings.ORG_ID_PREFIX}-ORG-{organisation.pk}",
    )


def organisation_create(*, by: User, data: dict[str, Any]) -> Organisation:
    """Register an organisation. Unless a commissioner registers it, the person
    registering becomes its first member (an applicant)."""
    legal_form = data.get("legal_form", "")
    if legal_form == LegalForm.LOCAL_AUTHORITY and not access.is_commissioner(by):
        raise NotAllowed(
            "Only a commissioner can register a local authority.",
            rule="organisations.local_authority_by_commissioner",
        )
    cleaned = _clean(data, legal_form)
    with transaction.atomic():
        _check_not_registered(cleaned)
        try:
            # The org-id needs the primary key for unregistered groups: insert, then set.
            organisation = Organisation.objects.create(
                org_id=f"pending-{uuid.uuid4().hex}", **cleaned
            )
        except IntegrityError:
            # Two people registered the same charity at the same moment.
            raise Conflict(
                "This organisation was registered a moment ago. Ask its members to add you.",
                rule="organisations.registered_once",
            ) from None
        organisation.org_id = _derive_org_id(organisation)
        organisation.save(update_fields=["org_id"])
        if not access.is_commissioner(by):
            Membership.objects.create(
                user=by, organisation=organisation, role=Role.APPLICANT, added_by=by
            )
            access.forget(by)
    return organisation


def organisation_update(
    *, organisation: Organisation, by: User, data: dict[str, Any]
) -> Organisation:
    if not (access.is_commissioner(by) or access.roles_in(by, organisation.pk) & set(_KEEPERS)):
        raise NotAllowed(
            "Only a commissioner, or a lead or applicant of this organisation, can change "
            "its details.",
            rule="organisations.kept_by_members",
        )
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise RuleBroken(
            "These details cannot be changed here: " + ", ".join(sorted(unknown)) + "."
        )
    legal_form = data.get("legal_form", organisation.legal_form)
    if legal_form == LegalForm.LOCAL_AUTHORITY and not access.is_commissioner(by):
        raise NotAllowed("Only a commissioner can register a local authority.")
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        merged = {name: getattr(locked, name) for name in EDITABLE_FIELDS}
        merged.update(data)
        cleaned = _clean(merged, legal_form)
        _check_not_registered(cleaned, excluding=locked.pk)
        for name in data:
            setattr(locked, name, cleaned[name])
        locked.org_id = _derive_org_id(locked)
        locked.save(update_fields=[*data, "org_id", "updated_at"])
    return locked
