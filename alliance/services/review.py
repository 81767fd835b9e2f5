"""A return's workflow (rule 5): submit, request changes, accept, reopen; and comments.

Each transition locks the return, checks its state on the locked row, records who, when,
from, to and why, and sends its e-mail and events only after commit. Repeating a transition
that already happened answers 409 and changes nothing.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.utils import timezone

from alliance import notifications
from alliance.events import ReturnAccepted, ReturnReopened, publish_on_commit
from alliance.models import (
    Figure,
    Rating,
    Return,
    ReturnComment,
    ReturnStatus,
    ReturnTransition,
    User,
)
from alliance.models.returns import EDITABLE
from alliance.services.guards import LEADS, require_commissioner_of, require_partner_role
from alliance.services.return_checks import submission_problems
from config.errors import Conflict, RuleBroken

STATE_RULE = "returns.workflow"


def _lock(return_: Return, allowed: tuple[str, ...], doing: str) -> Return:
    # Lock the return only, not the period it is joined to: partners submitting for the
    # same quarter must not queue behind each other.
    locked = (
        Return.objects.select_for_update(of=("self",)).select_related("period").get(pk=return_.pk)
    )
    if locked.status not in allowed:
        states = " or ".join(ReturnStatus(state).label.lower() for state in allowed)
        raise Conflict(
            f"This return is {locked.get_status_display().lower()}; only a return that is "
            f"{states} can be {doing}. Someone may have acted on it a moment ago: reload it.",
            rule=STATE_RULE,
        )
    return locked


def _move(locked: Return, to: str, by: User, fields: list[str], **event) -> ReturnTransition:
    before = locked.status
    locked.status = to
    locked._history_user = by
    locked.save(update_fields=["status", "updated_at", *fields])
    return ReturnTransition.objects.create(
        return_record=locked, from_status=before, to_status=to, actor=by, **event
    )


def _require_reason(
    reason: str, field: str = "reason", message: str = "Give a reason the partner can act on."
) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise RuleBroken(
            message,
            rule="returns.reason_required",
            fields={field: ["A reason is required."]},
        )
    return reason


def return_submit(*, return_: Return, by: User) -> Return:
    """A lead submits; every failing check is listed; a late return is flagged, not refused."""
    require_partner_role(
        by,
        organisation_id=return_.organisation_id,
        roles=LEADS,
        doing="submit its return",
        rule="returns.submitted_by_lead",
    )
    with transaction.atomic():
        locked = _lock(return_, EDITABLE, "submitted")
        problems = submission_problems(locked)
        if problems:
            raise RuleBroken(
                f"The return cannot be submitted yet: {len(problems)} thing"
                f"{'s' if len(problems) != 1 else ''} to put right.",
                rule=problems[0].code,
                problems=problems,
            )
        now = timezone.now()
        locked.is_late = timezone.localdate(now) > locked.period.due_on
        locked.submitted_at = now
        locked.first_submitted_at = locked.first_submitted_at or now
        _move(
            locked,
            ReturnStatus.SUBMITTED,
            by,
            ["is_late", "submitted_at", "first_submitted_at"],
            is_late=locked.is_late,
        )
        transaction.on_commit(partial(notifications.return_submitted, locked.pk))
    return locked


def return_request_changes(*, return_: Return, by: User, reason: str) -> Return:
    require_commissioner_of(
        return_.contract_id, by, doing="ask for changes", rule="returns.reviewed_by_commissioner"
    )
    reason = _require_reason(reason)
    with transaction.atomic():
        locked = _lock(return_, (ReturnStatus.SUBMITTED,), "sent back for changes")
        _move(locked, ReturnStatus.CHANGES_REQUESTED, by, [], comment=reason)
        transaction.on_commit(partial(notifications.return_changes_requested, locked.pk, reason))
    return locked


def _event_ids(locked: Return) -> dict[str, int]:
    return {
        "return_id": locked.pk,
        "contract_id": locked.contract_id,
        "period_id": locked.period_id,
        "organisation_id": locked.organisation_id,
    }


def return_accept(*, return_: Return, by: User, rating: str, comment: str = "") -> Return:
    """Accept with a rating on the Procurement Act 2023 scale; the figures now count."""
    require_commissioner_of(
        return_.contract_id, by, doing="accept a return", rule="returns.reviewed_by_commissioner"
    )
    if rating not in Rating.values:
        raise RuleBroken(
            "Rate the return: good, approaching target, requires improvement, inadequate or other.",
            rule="returns.accepted_with_rating",
            fields={"rating": [f"Choose one of: {', '.join(Rating.values)}."]},
        )
    with transaction.atomic():
        locked = _lock(return_, (ReturnStatus.SUBMITTED,), "accepted")
        locked.rating = rating
        locked.accepted_at = timezone.now()
        _move(
            locked,
            ReturnStatus.ACCEPTED,
            by,
            ["rating", "accepted_at"],
            comment=comment,
            rating=rating,
        )
        transaction.on_commit(partial(notifications.return_accepted, locked.pk))
        publish_on_commit(ReturnAccepted(**_event_ids(locked)))
    return locked


def return_reopen(*, return_: Return, by: User, reason: str) -> Return:
    """Send an accepted return back to editing; its figures stop counting until accepted."""
    require_commissioner_of(
        return_.contract_id, by, doing="reopen a return", rule="returns.reviewed_by_commissioner"
    )
    reason = _require_reason(reason)
    with transaction.atomic():
        locked = _lock(return_, (ReturnStatus.ACCEPTED,), "reopened")
        locked.rating = ""
        locked.accepted_at = None
        _move(locked, ReturnStatus.REOPENED, by, ["rating", "accepted_at"], comment=reason)
        transaction.on_commit(partial(notifications.return_reopened, locked.pk, reason))
        publish_on_commit(ReturnReopened(**_event_ids(locked)))
    return locked


def return_comment(
    *, return_: Return, by: User, body: str, figure: Figure | None = None
) -> ReturnComment:
    """A commissioner's comment on the whole return or on one of its figures."""
    require_commissioner_of(
        return_.contract_id,
        by,
        doing="comment on a return",
        rule="returns.reviewed_by_commissioner",
    )
    body = _require_reason(body, field="body", message="Write something in the comment.")
    if figure is not None and figure.return_record_id != return_.pk:
        raise RuleBroken(
            "That figure belongs to another return.",
            rule="returns.comment_on_own_figure",
            fields={"figure": ["Choose a figure of this return."]},
        )
    return ReturnComment.objects.create(return_record=return_, figure=figure, author=by, body=body)
