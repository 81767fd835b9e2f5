"""Grant programmes, their rounds, the rounds' panels and scoring criteria."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from grants.querysets import ProgrammeQuerySet, RoundQuerySet


def money(**kwargs):
    return models.DecimalField(max_digits=12, decimal_places=2, **kwargs)


class Programme(models.Model):
    """A funder's pot of money for micro-grants, with the rules every round keeps."""

    funder = models.ForeignKey(
        "alliance.Organisation", on_delete=models.PROTECT, related_name="grant_programmes"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    currency = models.CharField(max_length=3, default="GBP", editable=False)
    budget = money()
    # Kept by the award service under a row lock; never written by hand (rule 14).
    awarded_total = money(default=Decimal("0.00"))
    min_award = money()
    max_award = money()
    # Eligibility (rule 12). An empty list means "any".
    allowed_legal_forms = models.JSONField(default=list, blank=True)
    max_annual_income = money(null=True, blank=True)
    area_ward_codes = models.JSONField(
        default=list, blank=True, help_text="Ward codes of the area of benefit; empty = anywhere"
    )
    max_live_applications = models.PositiveSmallIntegerField(
        default=2, help_text="Applications awaiting a decision an organisation may hold"
    )
    max_open_grants = models.PositiveSmallIntegerField(
        default=1, help_text="Grants not yet completed an organisation may hold"
    )
    required_documents = models.JSONField(default=list, blank=True)
    # End-of-grant report tiers by award size (rule 15): up to light_report_up_to asks a
    # few questions and a story; up to standard_report_up_to a little more; above, in full.
    light_report_up_to = money(default=Decimal("1000.00"))
    standard_report_up_to = money(default=Decimal("5000.00"))
    report_due_days = models.PositiveSmallIntegerField(
        default=56, help_text="Days after the project ends that the report is due"
    )
    identifier_prefix = models.CharField(
        "360Giving prefix", max_length=40, help_text="The funder's 360G prefix, e.g. 360G-wirral"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__gte=0), name="programme_budget_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(awarded_total__gte=0) & Q(awarded_total__lte=F("budget")),
                name="programme_awarded_within_budget",
            ),
            models.CheckConstraint(
                condition=Q(min_award__gt=0) & Q(min_award__lte=F("max_award")),
                name="programme_award_range",
            ),
            models.CheckConstraint(
                condition=Q(identifier_prefix__startswith="360G-"),
                name="programme_prefix_is_360g",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DecisionMethod(models.TextChoices):
    OFFICER = "officer", "Officer decision"
    PANEL = "panel", "Scored panel"
    COMMUNITY_VOTE = "community_vote", "Community vote"


class RoundPhase(models.TextChoices):
    UPCOMING = "upcoming", "Not open yet"
    OPEN = "open", "Open for applications"
    ASSESSMENT = "assessment", "Closed: being assessed"
    FINISHED = "finished", "Finished"


class Round(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="rounds")
    name = models.CharField(max_length=200)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    assessment_ends_at = models.DateTimeField(
        null=True, blank=True, help_text="When scoring and voting stop; empty = no end"
    )
    budget = money()
    awarded_total = money(default=Decimal("0.00"))
    decision_method = models.CharField(max_length=20, choices=DecisionMethod.choices)
    votes_per_voter = models.PositiveSmallIntegerField(null=True, blank=True)
    allows_multiple_applications = models.BooleanField(
        default=False, help_text="May one organisation have several live applications here?"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gte=0), name="round_budget_not_negative"),
            models.CheckConstraint(
                condition=Q(awarded_total__gte=0) & Q(awarded_total__lte=F("budget")),
                name="round_awarded_within_budget",
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="round_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=~Q(decision_method="community_vote") | Q(votes_per_voter__gte=1),
                name="round_vote_has_votes_per_voter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme.name}: {self.name}"

    def phase(self, now=None) -> str:
        now = now or timezone.now()
        if now < self.opens_at:
            return RoundPhase.UPCOMING
        if now < self.closes_at:
            return RoundPhase.OPEN
        if self.assessment_ends_at is None or now < self.assessment_ends_at:
            return RoundPhase.ASSESSMENT
        return RoundPhase.FINISHED

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.awarded_total


class Criterion(models.Model):
    """One weighted scoring criterion of a scored-panel round."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=200)
    guidance = models.TextField(blank=True)
    weight = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("1.00"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["round_id", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive")
        ]

    def __str__(self) -> str:
        return self.name


class PanelMember(models.Model):
    """A person sitting on a round's panel: they score (panel) or vote (community vote)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="panel_members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="grant_panels"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["round_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="panel_member_once_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.round}"
