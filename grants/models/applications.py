"""Applications, their budget lines and attachments, and the record of each transition."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from grants.querysets import ApplicationEventQuerySet, ApplicationQuerySet, AttachmentQuerySet


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    WITHDRAWN = "withdrawn", "Withdrawn"
    AWARDED = "awarded", "Awarded"
    DECLINED = "declined", "Declined"


# Awaiting a decision, or awarded: what "live" means for the one-per-round rule.
LIVE_STATUSES = [ApplicationStatus.SUBMITTED, ApplicationStatus.AWARDED]


class FamilyTheme(models.TextChoices):
    """The four themes Wirral's families named (worked example)."""

    MENTAL_HEALTH = "mental_health", "Mental health support for the whole family"
    ISOLATION = "isolation", "Social isolation and connecting families"
    CHANGE = "change", "Managing change and life transitions"
    ADDITIONAL_NEEDS = "additional_needs", "More opportunities for children with additional needs"


class Application(models.Model):
    """A group's request for a grant. A draft keeps whatever was typed, however partial."""

    round = models.ForeignKey("grants.Round", on_delete=models.PROTECT, related_name="applications")
    organisation = models.ForeignKey(
        "alliance.Organisation", on_delete=models.PROTECT, related_name="grant_applications"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    title = models.CharField(max_length=200, blank=True)
    summary = models.TextField(blank=True, help_text="In plain language: what, who, why")
    amount_requested = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    ward_codes = models.JSONField(default=list, blank=True)
    expected_beneficiaries = models.PositiveIntegerField(null=True, blank=True)
    themes = models.JSONField(default=list, blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["round", "status"]),
            # Lists are read in this order: a page comes from the index, not a sort.
            models.Index(fields=["-created_at", "-id"], name="application_list_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_requested__isnull=True) | Q(amount_requested__gte=0),
                name="application_amount_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.title or f"Application {self.pk}"


class BudgetLine(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="budget_lines"
    )
    description = models.CharField(max_length=200, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["application_id", "position", "id"]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"


class AttachmentKind(models.TextChoices):
    CONSTITUTION = "constitution", "Constitution or governing document"
    SAFEGUARDING_POLICY = "safeguarding_policy", "Safeguarding policy"
    BANK_STATEMENT = "bank_statement", "Bank statement"
    OTHER = "other", "Other supporting document"


def attachment_path(instance, filename: str) -> str:
    # A random name: nothing a person typed reaches the file system, and names can't be guessed.
    return f"grants/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class Attachment(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(max_length=24, choices=AttachmentKind.choices)
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["application_id", "id"]

    def __str__(self) -> str:
        return self.original_name


class ApplicationEvent(models.Model):
    """One transition of an application or its grant: who, when, from, to, and why."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="events")
    grant = models.ForeignKey(
        "grants.Grant", on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = ApplicationEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status} -> {self.to_status}"
