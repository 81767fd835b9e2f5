"""Panel work: conflicts declared, scores given and community votes cast."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from grants.querysets import ConflictQuerySet, ScoreQuerySet, VoteQuerySet


class ConflictDeclaration(models.Model):
    """A panel member's declared conflict of interest with one application (rule 13).

    Membership of the applicant organisation is a conflict without any declaration."""

    application = models.ForeignKey(
        "grants.Application", on_delete=models.CASCADE, related_name="conflicts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="grant_conflicts"
    )
    reason = models.TextField()
    declared_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = ConflictQuerySet.as_manager()

    class Meta:
        ordering = ["application_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "user"], name="conflict_declared_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} conflicted with {self.application_id}"


class Score(models.Model):
    application = models.ForeignKey(
        "grants.Application", on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        "grants.Criterion", on_delete=models.PROTECT, related_name="scores"
    )
    scorer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="grant_scores"
    )
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    scored_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ScoreQuerySet.as_manager()

    class Meta:
        ordering = ["application_id", "criterion__position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "criterion", "scorer"], name="score_once_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5), name="score_from_one_to_five"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.score} for {self.criterion}"


class Vote(models.Model):
    round = models.ForeignKey("grants.Round", on_delete=models.CASCADE, related_name="votes")
    application = models.ForeignKey(
        "grants.Application", on_delete=models.CASCADE, related_name="votes"
    )
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="grant_votes"
    )
    cast_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = VoteQuerySet.as_manager()

    class Meta:
        ordering = ["round_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "voter"], name="vote_once_per_application"
            )
        ]

    def __str__(self) -> str:
        return f"{self.voter} for {self.application_id}"
