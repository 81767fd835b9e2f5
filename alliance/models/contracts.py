"""Alliance contracts: places, contracts, members, contract years, allocations, variations.

Money is Decimal with two places everywhere (rule 1). A year's allocations never exceed
its budget and the years' budgets never exceed the contract value (rule 4): the services
check on locked rows and update conditionally, and the constraints below are the last word.
"""

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from alliance.models.people import Organisation, User
from alliance.querysets import (
    AllocationQuerySet,
    ContractQuerySet,
    PlaceQuerySet,
    VariationQuerySet,
)

MONEY = {"max_digits": 12, "decimal_places": 2}


class Place(models.Model):
    """A council area, or a neighbourhood inside one, with its own outcome framework."""

    name = models.CharField(max_length=120, unique=True)
    council = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="places")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="neighbourhoods"
    )
    description = models.TextField(blank=True)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ContractStatus(models.TextChoices):
    SETTING_UP = "setting_up", "Being set up"
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"


class Contract(models.Model):
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="contracts")
    council = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="commissioned_contracts"
    )
    title = models.CharField(max_length=200)
    reference = models.CharField(max_length=60, unique=True)
    status = models.CharField(
        max_length=20, choices=ContractStatus.choices, default=ContractStatus.SETTING_UP
    )
    starts_on = models.DateField()
    initial_term_years = models.PositiveSmallIntegerField()
    extension_options = models.JSONField(
        default=list, blank=True, help_text="Lengths in years of each optional extension"
    )
    extensions_taken = models.PositiveSmallIntegerField(default=0)
    max_term_years = models.PositiveSmallIntegerField(
        help_text="The most the term may reach, from the installation's setting"
    )
    value = models.DecimalField(**MONEY, help_text="Total contract value in GBP")
    budgeted = models.DecimalField(
        **MONEY, default=0, help_text="Sum of the contract years' budgets (kept by services)"
    )
    values_text = models.TextField(blank=True, help_text="The values every member signs")
    values_version = models.CharField(max_length=20, blank=True)
    review_points = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="contract_value_not_negative"),
            models.CheckConstraint(
                condition=Q(budgeted__lte=F("value")), name="contract_budgets_within_value"
            ),
            models.CheckConstraint(
                condition=Q(initial_term_years__gte=1), name="contract_term_at_least_a_year"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def term_years(self) -> int:
        return self.initial_term_years + sum(self.extension_options[: self.extensions_taken])


class ContractMember(models.Model):
    """A partner organisation in the contract, and the version of the values it signed."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="members")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="contract_memberships"
    )
    is_lead_partner = models.BooleanField(default=False)
    values_version_signed = models.CharField(max_length=20, blank=True)
    values_signed_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_lead_partner", "organisation__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "organisation"], name="contract_member_once"
            ),
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(is_lead_partner=True),
                name="contract_one_lead_partner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.contract}"


class ContractYear(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="years")
    number = models.PositiveSmallIntegerField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    budget = models.DecimalField(**MONEY)
    allocated = models.DecimalField(
        **MONEY, default=0, help_text="Sum of this year's allocations (kept by services)"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["contract_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="contract_year_once"),
            models.CheckConstraint(condition=Q(budget__gte=0), name="year_budget_not_negative"),
            models.CheckConstraint(
                condition=Q(allocated__gte=0) & Q(allocated__lte=F("budget")),
                name="year_allocations_within_budget",
            ),
        ]

    def __str__(self) -> str:
        return f"Year {self.number} ({self.starts_on:%Y-%m-%d} to {self.ends_on:%Y-%m-%d})"


class Allocation(models.Model):
    """What one partner may spend in one contract year."""

    contract_year = models.ForeignKey(
        ContractYear, on_delete=models.PROTECT, related_name="allocations"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="allocations"
    )
    amount = models.DecimalField(**MONEY)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = AllocationQuerySet.as_manager()

    class Meta:
        ordering = ["contract_year_id", "organisation__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract_year", "organisation"], name="allocation_once_per_year"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="allocation_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – year {self.contract_year.number}: £{self.amount}"


class VariationStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class Variation(models.Model):
    """A change to allocations, budgets, value or term, applied only once approved.

    `changes` is what was asked for; `before` and `after` are the figures the approval
    found and left, so the contract's history reads without replaying anything."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="variations")
    reason = models.TextField()
    changes = models.JSONField()
    status = models.CharField(
        max_length=20, choices=VariationStatus.choices, default=VariationStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    history = HistoricalRecords()
    objects = VariationQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at", "-id"]

    def __str__(self) -> str:
        return f"Variation {self.pk} to {self.contract}"
