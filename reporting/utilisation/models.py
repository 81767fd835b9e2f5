"""Compiled fund utilisation, kept as versioned snapshots (like collective impact).

A snapshot holds the exact figures of one programme and all its rounds (unpublished); the
published form is worked out on reading, with small-number suppression
(reporting/utilisation/publish.py). `content_hash` is the SHA-256 of the payload as
canonical JSON: compiling unchanged grants and payments again stores no new version.
"""

from django.db import models
from django.utils import timezone


class UtilisationSnapshot(models.Model):
    programme = models.ForeignKey("grants.Programme", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the canonical JSON")
    payload = models.JSONField(help_text="Exact figures: unpublished")
    created_at = models.DateTimeField(default=timezone.now)
    job = models.ForeignKey(
        "reporting.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["programme_id", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "version"], name="utilisation_version_once"
            ),
        ]
        indexes = [models.Index(fields=["programme", "-version"], name="utilisation_latest")]

    def __str__(self) -> str:
        return f"Fund utilisation {self.programme_id} v{self.version}"
