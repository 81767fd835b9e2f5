"""Publication controls for the open data (DESIGN §5): a commissioner may withhold a grant
from the 360Giving file, for the safety of a small group say, and publish it again.

A withheld grant is counted in the published package but never listed. Each change is an
event on the application (actor, time, from, to, reason) and a history row on the grant.
"""

from __future__ import annotations

from django.db import transaction

from alliance.models import User
from config.errors import RuleBroken
from grants.access import require_commissioner_of_programme
from grants.history import record_event
from grants.models import Grant
from grants.services.locks import lock_grant

PUBLISHED = "published"
WITHHELD = "withheld"


def _state(grant: Grant) -> str:
    return WITHHELD if grant.withheld else PUBLISHED


def grant_withhold(*, grant: Grant, by: User, reason: str) -> Grant:
    """Keep the grant out of the open data, saying why (the reason is not published)."""
    require_commissioner_of_programme(
        by, grant.application.round.programme_id, "withhold this grant from the open data"
    )
    reason = (reason or "").strip()
    if not reason:
        raise RuleBroken(
            "Say why this grant is withheld from the open data.",
            rule="grants.withhold_reason",
            fields={"reason": ["Required."]},
        )
    return _set_withheld(grant=grant, by=by, withheld=True, reason=reason)


def grant_publish(*, grant: Grant, by: User, comment: str = "") -> Grant:
    """List a withheld grant in the open data again."""
    require_commissioner_of_programme(
        by, grant.application.round.programme_id, "publish this grant in the open data"
    )
    return _set_withheld(grant=grant, by=by, withheld=False, reason="", comment=comment)


def _set_withheld(*, grant: Grant, by: User, withheld: bool, reason: str, comment: str = ""):
    with transaction.atomic():
        locked = lock_grant(grant.pk)
        if locked.withheld == withheld and locked.withheld_reason == reason:
            return locked  # already so: repeating it changes nothing
        before = _state(locked)
        locked.withheld = withheld
        locked.withheld_reason = reason
        locked._history_user = by
        locked._change_reason = "Withheld from open data" if withheld else "Published"
        locked.save(update_fields=["withheld", "withheld_reason", "modified_at"])
        record_event(
            application=locked.application,
            grant=locked,
            action="grant_withheld" if withheld else "grant_published",
            by=by,
            from_status=before,
            to_status=_state(locked),
            comment=reason or comment,
        )
    return locked
