"""Questions about a person's roles, asked by querysets and services alike.

Memberships are read from the database on every request (never cached across requests),
so someone removed from an organisation loses access at once.
"""

from django.apps import apps
from django.db.models import QuerySet

COMMISSIONER = "commissioner"


def _memberships():
    return apps.get_model("alliance", "Membership").objects


def is_commissioner(user) -> bool:
    if not user.is_authenticated:
        return False
    # Memoised on the user object, which lives for one request only.
    cached = getattr(user, "_is_commissioner", None)
    if cached is None:
        cached = _memberships().filter(user_id=user.pk, role=COMMISSIONER).exists()
        user._is_commissioner = cached
    return cached


def member_organisation_ids(user, roles: list[str] | None = None) -> QuerySet:
    """A subquery of the organisations in which `user` holds any (or one of `roles`)."""
    memberships = _memberships().filter(user_id=user.pk)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return memberships.values("organisation_id")


def roles_in(user, organisation_id: int) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(
        _memberships()
        .filter(user_id=user.pk, organisation_id=organisation_id)
        .values_list("role", flat=True)
    )


def forget(user) -> None:
    """Drop what was memoised, after the user's own memberships changed."""
    if hasattr(user, "_is_commissioner"):
        del user._is_commissioner
