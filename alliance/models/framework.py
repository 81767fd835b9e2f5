"""The outcome framework of a contract, and its reporting periods.

An indicator is versioned: a figure points at the version it answered, and revising an
indicator adds a version rather than rewriting one, so a submitted return keeps meaning
what it meant when it was written.
"""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from alliance.calendar import period_label
from alliance.models.contracts import Contract, ContractYear
from alliance.querysets import IndicatorQuerySet, PeriodQuerySet, PriorityQuerySet


class Priority(models.Model):
    """A community priority or theme the framework is organised around."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="priorities")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    objects = PriorityQuerySet.as_manager()

    class Meta:
        ordering = ["contract_id", "number"]
        verbose_name_plural = "priorities"
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="priority_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Aggregation(models.TextChoices):
    SUM = "sum", "Sum (partners add, quarters add)"
    RATIO = "ratio", "Ratio (sum numerators and denominators)"
    LATEST = "latest", "Latest (partners add, latest period over time)"


class Direction(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


class Indicator(models.Model):
    """The stable identity of an indicator: its code within a contract."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="indicators")
    priority = models.ForeignKey(
        Priority, on_delete=models.PROTECT, null=True, blank=True, related_name="indicators"
    )
    code = models.CharField(max_length=20)
    is_active = models.BooleanField(default=True)
    current_version = models.ForeignKey(
        "IndicatorVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["contract_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "code"], name="indicator_code_once")
        ]

    def __str__(self) -> str:
        return self.code


class IndicatorVersion(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    definition = models.TextField()
    unit = models.CharField(max_length=40, help_text="e.g. families, people, %")
    aggregation = models.CharField(max_length=10, choices=Aggregation.choices)
    numerator_label = models.CharField(max_length=200, blank=True)
    denominator_label = models.CharField(max_length=200, blank=True)
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    baseline = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    required_each_quarter = models.BooleanField(
        default=True, help_text="If not, it is only required in the Q4 return"
    )
    ward_breakdown = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["indicator_id", "version"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "version"], name="indicator_version_once"),
            models.CheckConstraint(
                condition=~Q(aggregation="ratio")
                | (~Q(numerator_label="") & ~Q(denominator_label="")),
                name="ratio_indicator_has_labels",
            ),
            models.CheckConstraint(
                condition=~(Q(aggregation="ratio") & Q(ward_breakdown=True)),
                name="ratio_indicator_not_by_ward",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} v{self.version}: {self.name}"

    def required_in(self, quarter: int) -> bool:
        return self.required_each_quarter or quarter == 4


class IndicatorTarget(models.Model):
    """The target for one contract year."""

    version = models.ForeignKey(IndicatorVersion, on_delete=models.CASCADE, related_name="targets")
    year_number = models.PositiveSmallIntegerField()
    value = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["version_id", "year_number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "year_number"], name="target_once")
        ]

    def __str__(self) -> str:
        return f"Year {self.year_number}: {self.value}"


class ReportingPeriod(models.Model):
    """One financial-year quarter of a contract's term, with its due date."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="periods")
    contract_year = models.ForeignKey(
        ContractYear, on_delete=models.PROTECT, related_name="periods"
    )
    financial_year = models.PositiveSmallIntegerField(help_text="The year it starts in")
    quarter = models.PositiveSmallIntegerField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    due_on = models.DateField()

    history = HistoricalRecords()
    objects = PeriodQuerySet.as_manager()

    class Meta:
        ordering = ["contract_id", "starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "financial_year", "quarter"], name="period_once"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1) & Q(quarter__lte=4), name="period_quarter_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return period_label(self.financial_year, self.quarter)
