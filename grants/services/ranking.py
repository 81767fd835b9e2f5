"""The ranked list of a round (rule 15), computed the same way for display and decisions.

Scored panel: mean weighted score, i.e. sum(score x weight) / sum(weight) over every score
given. Community vote: number of votes. Officer: order of submission. Ties go to whoever
submitted first. Two queries whatever the size of the round.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef

from grants.models import Application, ConflictDeclaration, DecisionMethod, Round, Score

RANKED_STATUSES = ["submitted", "awarded", "declined"]


@dataclass
class RankEntry:
    rank: int
    application_id: int
    title: str
    organisation: str
    amount_requested: Decimal | None
    status: str
    score: Decimal | None = None
    votes: int | None = None
    scorers: int = 0

    def as_json(self) -> dict:
        data = asdict(self)
        for key in ("amount_requested", "score"):
            if data[key] is not None:
                data[key] = str(data[key])
        return data


def round_ranking(round_: Round, *, exclude_ids=()) -> list[RankEntry]:
    applications = (
        Application.objects.filter(round=round_, status__in=RANKED_STATUSES)
        .exclude(pk__in=list(exclude_ids))
        .select_related("organisation")
        .order_by("submitted_at", "pk")
    )
    method = round_.decision_method
    if method == DecisionMethod.COMMUNITY_VOTE:
        applications = applications.annotate(vote_count=Count("votes"))
    entries = []
    for app in applications:
        entry = RankEntry(
            rank=0,
            application_id=app.pk,
            title=app.title,
            organisation=app.organisation.name,
            amount_requested=app.amount_requested,
            status=app.status,
        )
        if method == DecisionMethod.COMMUNITY_VOTE:
            entry.votes = app.vote_count
        entries.append(entry)
    if method == DecisionMethod.PANEL:
        _attach_scores(round_, entries)
        entries.sort(key=lambda e: (e.score is None, -(e.score or 0)))
    elif method == DecisionMethod.COMMUNITY_VOTE:
        entries.sort(key=lambda e: -(e.votes or 0))
    # Python's sort is stable, so ties keep submission order.
    for position, entry in enumerate(entries, start=1):
        entry.rank = position
    return entries


def _attach_scores(round_: Round, entries: list[RankEntry]) -> None:
    weighted: dict[int, Decimal] = defaultdict(Decimal)
    weights: dict[int, Decimal] = defaultdict(Decimal)
    scorers: dict[int, set] = defaultdict(set)
    # A scorer who later declared a conflict no longer counts (rule 13).
    conflicted = ConflictDeclaration.objects.filter(
        application=OuterRef("application"), user=OuterRef("scorer")
    )
    rows = (
        Score.objects.filter(application__round=round_)
        .exclude(Exists(conflicted))
        .values_list("application_id", "score", "criterion__weight", "scorer_id")
    )
    for application_id, score, weight, scorer_id in rows:
        weighted[application_id] += Decimal(score) * weight
        weights[application_id] += weight
        scorers[application_id].add(scorer_id)
    for entry in entries:
        if weights[entry.application_id]:
            mean = weighted[entry.application_id] / weights[entry.application_id]
            entry.score = mean.quantize(Decimal("0.01"))
            entry.scorers = len(scorers[entry.application_id])
