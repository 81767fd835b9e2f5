"""Panel work: declaring conflicts, scoring and voting (rule 13, rule 15)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from alliance.models import User
from config.errors import Conflict, NotAllowed, RuleBroken
from grants.access import is_panel_member, require_unconflicted_panel_member
from grants.models import (
    Application,
    ApplicationStatus,
    ConflictDeclaration,
    Criterion,
    DecisionMethod,
    PanelMember,
    RoundPhase,
    Score,
    Vote,
)
from grants.services.locks import lock_application


def conflict_declare(*, application: Application, by: User, reason: str) -> ConflictDeclaration:
    """Step back from an application. Declaring twice keeps the first declaration."""
    if not is_panel_member(by, application.round_id):
        raise NotAllowed(
            "Only members of this round's panel declare conflicts of interest.",
            rule="grants.panel_only",
        )
    if not reason.strip():
        raise RuleBroken(
            "Say briefly why you have a conflict of interest.",
            rule="grants.conflict_reason",
            fields={"reason": ["This field may not be blank."]},
        )
    existing = ConflictDeclaration.objects.filter(application=application, user=by).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            declaration = ConflictDeclaration(application=application, user=by, reason=reason)
            declaration._history_user = by
            declaration.save()
    except IntegrityError:
        # Declared twice at the same moment: the first declaration stands.
        return ConflictDeclaration.objects.get(application=application, user=by)
    return declaration


def _require_assessment(application: Application, method: str, doing: str) -> None:
    round_ = application.round
    if round_.decision_method != method:
        raise RuleBroken(
            f"This round is decided by {round_.get_decision_method_display().lower()}, so "
            f"you cannot {doing}.",
            rule="grants.decision_method",
        )
    if round_.phase() != RoundPhase.ASSESSMENT:
        raise RuleBroken(
            f"You can {doing} only while the round is being assessed: after it closes "
            "and before assessment ends.",
            rule="grants.assessment_window",
        )
    if application.status != ApplicationStatus.SUBMITTED:
        raise RuleBroken(
            f"This application is {application.get_status_display().lower()}; only submitted "
            "applications awaiting a decision are assessed.",
            rule="grants.assess_submitted_only",
        )


def score_record(
    *, application: Application, by: User, criterion: Criterion, score: int, comment: str = ""
) -> Score:
    """Score one criterion from 1 to 5. Scoring again replaces your earlier score."""
    require_unconflicted_panel_member(by, application, "score it")
    _require_assessment(application, DecisionMethod.PANEL, "score applications")
    if criterion.round_id != application.round_id:
        raise RuleBroken(
            "That criterion belongs to another round.",
            rule="grants.criterion_of_round",
            fields={"criterion": ["Not a criterion of this round."]},
        )
    if not 1 <= score <= 5:
        raise RuleBroken(
            "Scores run from 1 (poor) to 5 (excellent).",
            rule="grants.score_range",
            fields={"score": ["Give a whole number from 1 to 5."]},
        )
    with transaction.atomic():
        locked = lock_application(application.pk)
        if locked.status != ApplicationStatus.SUBMITTED:
            raise Conflict("A decision was made on this application a moment ago.")
        row = (
            Score.objects.select_for_update()
            .filter(application=locked, criterion=criterion, scorer=by)
            .first()
        ) or Score(application=locked, criterion=criterion, scorer=by)
        row.score = score
        row.comment = comment
        row._history_user = by
        row.save()
    return row


def vote_cast(*, application: Application, by: User) -> Vote:
    """One vote for one application, within the voter's fixed number of votes."""
    require_unconflicted_panel_member(by, application, "vote for it")
    _require_assessment(application, DecisionMethod.COMMUNITY_VOTE, "vote")
    round_ = application.round
    with transaction.atomic():
        # The voter's panel seat is the lock: one voter's votes are counted one at a time.
        PanelMember.objects.select_for_update().get(round=round_, user=by)
        used = Vote.objects.filter(round=round_, voter=by).count()
        if Vote.objects.filter(application=application, voter=by).exists():
            raise Conflict(
                "You have already voted for this application.", rule="grants.one_vote_each"
            )
        if used >= round_.votes_per_voter:
            raise RuleBroken(
                f"You have used all {round_.votes_per_voter} of your votes in this round.",
                rule="grants.votes_per_voter",
            )
        try:
            with transaction.atomic():
                vote = Vote(round=round_, application=application, voter=by)
                vote._history_user = by
                vote.save()
        except IntegrityError:
            raise Conflict(
                "You have already voted for this application.", rule="grants.one_vote_each"
            ) from None
    return vote
