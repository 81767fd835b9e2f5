"""Decisions, the grants they make, payment tranches, payments and end-of-grant reports."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from grants.models.programmes import DecisionMethod, money
from grants.querysets import GrantQuerySet, PaymentQuerySet


class DecisionOutcome(models.TextChoices):
    AWARD = "award", "Award"
    DECLINE = "decline", "Decline"


class Decision(models.Model):
    """What was decided, by which method, and the ranking it was decided against (rule 15)."""

    application = models.OneToOneField(
        "grants.Application", on_delete=models.PROTECT, related_name="decision"
    )
    outcome = models.CharField(max_length=8, choices=DecisionOutcome.choices)
    method = models.CharField(max_length=20, choices=DecisionMethod.choices)
    amount = money(null=True, blank=True)
    conditions = models.TextField(blank=True)
    reason = models.TextField(blank=True, help_text="Shown to the applicant")
    rank = models.PositiveIntegerField(null=True, blank=True)
    ranking = models.JSONField(default=list, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(outcome="award") & Q(amount__gt=0))
                | (Q(outcome="decline") & Q(amount__isnull=True)),
                name="decision_award_has_amount",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.application_id})"


class GrantStatus(models.TextChoices):
    OFFERED = "offered", "Offered: waiting for the group to accept"
    ACCEPTED = "accepted", "Accepted"
    COMPLETED = "completed", "Completed"


OPEN_GRANT_STATUSES = [GrantStatus.OFFERED, GrantStatus.ACCEPTED]


class ReportTier(models.TextChoices):
    LIGHT = "light", "Light: a few questions and a story"
    STANDARD = "standard", "Standard"
    FULL = "full", "Full"


class Grant(models.Model):
    application = models.OneToOneField(
        "grants.Application", on_delete=models.PROTECT, related_name="grant"
    )
    identifier = models.CharField(max_length=80, unique=True)
    amount = money()
    paid_total = money(default=Decimal("0.00"))
    conditions = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=GrantStatus.choices, default="offered")
    report_tier = models.CharField(max_length=8, choices=ReportTier.choices)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    awarded_at = models.DateTimeField(auto_now_add=True)
    # Publication control (DESIGN §5): a withheld grant is counted in the open data but not
    # listed, e.g. for the safety of a small group. Set only by `grant_withhold`.
    withheld = models.BooleanField(default=False)
    withheld_reason = models.TextField(blank=True)
    # When anything published about the grant last changed (360Giving's dateModified).
    modified_at = models.DateTimeField(auto_now=True, null=True)

    history = HistoricalRecords()
    objects = GrantQuerySet.as_manager()

    class Meta:
        ordering = ["-awarded_at", "-id"]
        # Lists are read in this order: a page comes from the index, not a sort.
        indexes = [models.Index(fields=["-awarded_at", "-id"], name="grant_list_order")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="grant_amount_positive"),
            models.CheckConstraint(
                condition=Q(paid_total__gte=0) & Q(paid_total__lte=F("amount")),
                name="grant_paid_within_award",
            ),
            models.CheckConstraint(
                condition=Q(withheld=False) | ~Q(withheld_reason=""),
                name="grant_withheld_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.identifier


class Tranche(models.Model):
    """One instalment of the payment schedule."""

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="tranches")
    position = models.PositiveSmallIntegerField()
    amount = money()
    due_on = models.DateField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["grant_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "position"], name="tranche_position_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="tranche_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"Tranche {self.position} of {self.grant}"


class Payment(models.Model):
    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="payments")
    tranche = models.ForeignKey(
        Tranche, on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    amount = money()
    paid_on = models.DateField()
    reference = models.CharField(max_length=60)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = PaymentQuerySet.as_manager()

    class Meta:
        ordering = ["grant_id", "paid_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.amount} on {self.paid_on} ({self.reference})"


class ReportStatus(models.TextChoices):
    DUE = "due", "Due"
    SUBMITTED = "submitted", "Submitted"


class EndOfGrantReport(models.Model):
    grant = models.OneToOneField(Grant, on_delete=models.PROTECT, related_name="report")
    tier = models.CharField(max_length=8, choices=ReportTier.choices)
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default="due")
    answers = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reminded_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"Report for {self.grant}"

    @property
    def is_overdue(self) -> bool:
        return self.status == ReportStatus.DUE and self.due_on < timezone.localdate()
