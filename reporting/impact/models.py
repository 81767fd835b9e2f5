"""Compiled collective impact, kept as versioned snapshots.

A snapshot holds the exact figures (unpublished); the published form is worked out from
it on reading, with small-number suppression (reporting/impact/publish.py). Its
`content_hash` is the SHA-256 of the payload as canonical JSON: compiling the same
accepted returns again gives the same hash, and no new version is stored.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from alliance.models import Contract, ReportingPeriod
from reporting.impact.querysets import SnapshotQuerySet


class Scope(models.TextChoices):
    PERIOD = "period", "The period alone"
    TO_DATE = "to_date", "The contract to date (up to the end of the period)"


class ImpactSnapshot(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(max_length=10, choices=Scope.choices)
    version = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the canonical JSON")
    payload = models.JSONField(help_text="Exact figures: unpublished")
    created_at = models.DateTimeField(default=timezone.now)
    job = models.ForeignKey(
        "reporting.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["contract_id", "period__starts_on", "scope", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "period", "scope", "version"], name="impact_version_once"
            ),
            models.CheckConstraint(
                condition=Q(scope__in=["period", "to_date"]), name="impact_scope_known"
            ),
        ]
        indexes = [
            models.Index(fields=["contract", "period", "scope", "-version"], name="impact_latest")
        ]

    def __str__(self) -> str:
        return f"Collective impact {self.contract_id}/{self.period_id} {self.scope} v{self.version}"
