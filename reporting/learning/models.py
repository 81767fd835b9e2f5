"""The shared learning digest, kept as versioned snapshots.

A digest holds what the partners' accepted returns and the community groups' end-of-grant
reports said they learnt in one reporting period, grouped by theme, with its HTML and
Markdown renderings: what was e-mailed is what the API shows. Its `content_hash` is the
SHA-256 of the payload as canonical JSON, so compiling unchanged inputs again stores no
new version (and e-mails nobody).
"""

from django.db import models
from django.utils import timezone

from alliance.models import Contract, ReportingPeriod


class LearningDigest(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the canonical JSON")
    payload = models.JSONField(help_text="Themes and their entries, as compiled")
    html = models.TextField(help_text="The digest rendered as an HTML document")
    markdown = models.TextField(help_text="The digest rendered as Markdown")
    created_at = models.DateTimeField(default=timezone.now)
    job = models.ForeignKey(
        "reporting.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Claimed just before the e-mail goes out and cleared again if sending fails, so the
    # nightly run can send a version whose e-mail was lost, and never one sent already.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["contract_id", "period__starts_on", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "period", "version"], name="learning_digest_version_once"
            ),
        ]
        indexes = [
            models.Index(fields=["contract", "period", "-version"], name="learning_digest_latest")
        ]

    def __str__(self) -> str:
        return f"Shared learning {self.contract_id}/{self.period_id} v{self.version}"
