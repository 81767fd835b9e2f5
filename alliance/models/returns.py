"""Quarterly returns: figures, spend, narrative, stories, learning, risks, and review.

Rule 17: a return carries counts and anonymised stories, never personal data about a
family, so there is no field here that asks for a name, an address or a date of birth.
"""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from alliance.models.contracts import MONEY, Contract
from alliance.models.framework import IndicatorVersion, ReportingPeriod
from alliance.models.people import Organisation, User, Ward
from alliance.querysets import LearningQuerySet, ReturnQuerySet


class ReturnStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    ACCEPTED = "accepted", "Accepted"
    REOPENED = "reopened", "Reopened"


# The partner may change a return only in these states (rule 6).
EDITABLE = (ReturnStatus.DRAFT, ReturnStatus.CHANGES_REQUESTED, ReturnStatus.REOPENED)


class Rating(models.TextChoices):
    """Performance rating on the Procurement Act 2023 scale (KPI assessment)."""

    GOOD = "good", "Good"
    APPROACHING_TARGET = "approaching_target", "Approaching target"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"
    OTHER = "other", "Other"


class Return(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="returns")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="returns")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="returns")
    status = models.CharField(
        max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.DRAFT
    )
    spend = models.DecimalField(**MONEY, null=True, blank=True, help_text="Spent this quarter")
    standing_facts = models.TextField(
        blank=True, help_text="How the partner delivers: sites, staff, offer (carried forward)"
    )
    went_well = models.TextField(blank=True)
    was_hard = models.TextField(blank=True)
    would_change = models.TextField(blank=True)
    is_late = models.BooleanField(default=False)
    rating = models.CharField(max_length=30, choices=Rating.choices, blank=True)
    prefilled_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()
    objects = ReturnQuerySet.as_manager()

    class Meta:
        ordering = ["period__starts_on", "organisation__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "period"], name="return_once_per_partner_and_period"
            ),
            models.CheckConstraint(
                condition=Q(spend__isnull=True) | Q(spend__gte=0), name="return_spend_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(status="accepted", rating__gt="") | ~Q(status="accepted"),
                name="accepted_return_has_rating",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.period.label}"


class Figure(models.Model):
    """One indicator's figure in a return: a value, or a numerator and a denominator."""

    return_record = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="figures")
    indicator_version = models.ForeignKey(
        IndicatorVersion, on_delete=models.PROTECT, related_name="figures"
    )
    value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    numerator = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    denominator = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator_version__indicator__code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["return_record", "indicator_version"], name="figure_once_per_indicator"
            )
        ]

    def __str__(self) -> str:
        return str(self.indicator_version)


class WardFigure(models.Model):
    figure = models.ForeignKey(Figure, on_delete=models.CASCADE, related_name="wards")
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["ward__name", "id"]
        constraints = [models.UniqueConstraint(fields=["figure", "ward"], name="ward_figure_once")]

    def __str__(self) -> str:
        return f"{self.ward}: {self.value}"


class FamilyStory(models.Model):
    """An anonymised account of one family's support. No names, addresses or ages."""

    return_record = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="stories")
    title = models.CharField(max_length=200)
    story = models.TextField()

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "family stories"

    def __str__(self) -> str:
        return self.title


class LearningEntry(models.Model):
    return_record = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="learning")
    theme = models.CharField(max_length=200)
    what_worked = models.TextField(blank=True)
    what_did_not = models.TextField(blank=True)
    tags = models.JSONField(default=list, blank=True)

    objects = LearningQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "learning entries"

    def __str__(self) -> str:
        return self.theme


class Level(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class Risk(models.Model):
    """A risk or issue. Open ones are carried forward into the next return."""

    return_record = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="risks")
    description = models.TextField()
    likelihood = models.CharField(max_length=10, choices=Level.choices, default=Level.MEDIUM)
    impact = models.CharField(max_length=10, choices=Level.choices, default=Level.MEDIUM)
    mitigation = models.TextField(blank=True)
    is_open = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description[:80]


class ReturnTransition(models.Model):
    """One change of a return's state: who, when, from, to, and why."""

    return_record = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=ReturnStatus.choices)
    to_status = models.CharField(max_length=20, choices=ReturnStatus.choices)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)
    rating = models.CharField(max_length=30, choices=Rating.choices, blank=True)
    is_late = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"


class ReturnComment(models.Model):
    """A commissioner's comment on the whole return, or on one figure."""

    return_record = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="comments")
    figure = models.ForeignKey(
        Figure, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:80]
