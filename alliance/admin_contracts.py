"""Admin for commissioners: places, contracts, allocations and variations.

Every change goes through the same services as the API; what the services own (years,
periods, running totals, figures) is read-only here.
"""

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db import transaction

from alliance.admin import CommissionersOnly, ServiceAdmin, ServiceForm
from alliance.models import (
    Allocation,
    Contract,
    ContractMember,
    ContractYear,
    Organisation,
    Place,
    Rating,
    Variation,
)
from alliance.services.contracts import allocation_set, contract_activate, contract_create
from alliance.services.variations import variation_approve, variation_reject
from config.errors import DomainError


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class Scoped:
    """A commissioner sees the contracts of the places they commission, as in the API."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.visible_to(request.user)


class AddOnly:
    """Created through a service; afterwards only viewed (or acted on with actions)."""

    def has_change_permission(self, request, obj=None):
        return obj is None and self._may(request)


def run_action(admin_, request, queryset, service, **kwargs):
    done = 0
    for obj in queryset.order_by("pk"):
        try:
            with transaction.atomic():
                service(obj, **kwargs)
            done += 1
        except DomainError as exc:
            admin_.message_user(request, f"{obj}: {exc.message}", level=messages.ERROR)
    if done:
        admin_.message_user(request, f"Done for {done}.", level=messages.SUCCESS)


def service_action(name: str, description: str, call):
    """An admin action running `call(obj, request)` through the service, object by object.

    A decision's comment, reason or rating comes from the action form (`DecisionForm`)."""

    def action(admin_, request, queryset):
        run_action(admin_, request, queryset, lambda obj: call(obj, request))

    action.__name__ = name
    return admin.action(description=description)(action)


@admin.register(Place)
class PlaceAdmin(Scoped, CommissionersOnly, admin.ModelAdmin):
    list_display = ["name", "council", "parent"]
    search_fields = ["name"]


class ContractForm(ServiceForm):
    year_budgets = forms.CharField(help_text="One budget per initial year, e.g. 705000, 705000")
    partners = forms.ModelMultipleChoiceField(queryset=Organisation.objects.all())
    lead_partner = forms.ModelChoiceField(queryset=Organisation.objects.all())

    class Meta:
        model = Contract
        fields = [
            "place",
            "title",
            "reference",
            "starts_on",
            "initial_term_years",
            "extension_options",
            "value",
            "values_text",
            "values_version",
            "review_points",
        ]

    def run_service(self, cleaned):
        try:
            budgets = [Decimal(b.strip()) for b in cleaned["year_budgets"].split(",")]
        except InvalidOperation:
            raise DomainError(
                "Give the budgets as amounts separated by commas.",
                fields={"year_budgets": ["e.g. 705000, 705000"]},
            ) from None
        partners = list(cleaned["partners"])
        if cleaned["lead_partner"] not in partners:
            partners.insert(0, cleaned["lead_partner"])
        return contract_create(
            by=self.by,
            place=cleaned["place"],
            title=cleaned["title"],
            reference=cleaned["reference"],
            starts_on=cleaned["starts_on"],
            initial_term_years=cleaned["initial_term_years"],
            extension_options=cleaned["extension_options"] or [],
            value=cleaned["value"],
            year_budgets=budgets,
            members=[
                {"organisation": p, "is_lead_partner": p == cleaned["lead_partner"]}
                for p in partners
            ],
            values_text=cleaned["values_text"],
            values_version=cleaned["values_version"],
            review_points=cleaned["review_points"],
        )


class MemberInline(ReadOnlyInline):
    model = ContractMember
    fields = ["organisation", "is_lead_partner", "values_version_signed", "values_signed_on"]
    readonly_fields = fields


class YearInline(ReadOnlyInline):
    model = ContractYear
    fields = ["number", "starts_on", "ends_on", "budget", "allocated"]
    readonly_fields = fields


@admin.register(Contract)
class ContractAdmin(Scoped, AddOnly, ServiceAdmin):
    form = ContractForm
    list_display = ["title", "reference", "place", "status", "starts_on", "value", "budgeted"]
    list_filter = ["status", "place"]
    search_fields = ["title", "reference"]
    inlines = [MemberInline, YearInline]
    actions = ["activate"]

    @admin.action(description="Start the selected contracts")
    def activate(self, request, queryset):
        run_action(
            self, request, queryset, lambda c: contract_activate(contract=c, by=request.user)
        )


class AllocationForm(ServiceForm):
    class Meta:
        model = Allocation
        fields = ["contract_year", "organisation", "amount"]

    def run_service(self, cleaned):
        year = cleaned["contract_year"]
        return allocation_set(
            contract=year.contract,
            organisation=cleaned["organisation"],
            year_number=year.number,
            amount=cleaned["amount"],
            by=self.by,
        )


@admin.register(Allocation)
class AllocationAdmin(Scoped, AddOnly, ServiceAdmin):
    form = AllocationForm
    list_display = ["organisation", "contract_year", "amount", "updated_at"]
    list_filter = ["contract_year__contract"]
    list_select_related = ["organisation", "contract_year"]


class DecisionForm(ActionForm):
    comment = forms.CharField(required=False, help_text="Why (required to reject or reopen)")
    rating = forms.ChoiceField(choices=[("", "---")] + Rating.choices, required=False)


@admin.register(Variation)
class VariationAdmin(Scoped, CommissionersOnly, admin.ModelAdmin):
    """Variations are proposed through the API; commissioners decide them here too."""

    list_display = ["pk", "contract", "status", "proposed_by", "proposed_at", "decided_by"]
    list_filter = ["status", "contract"]
    readonly_fields = [
        "contract",
        "reason",
        "changes",
        "status",
        "proposed_by",
        "proposed_at",
        "decided_by",
        "decided_at",
        "decision_comment",
        "before",
        "after",
    ]
    action_form = DecisionForm
    actions = ["approve", "reject"]

    def has_add_permission(self, request):
        return False

    approve = service_action(
        "approve",
        "Approve and apply the selected variations",
        lambda v, request: variation_approve(
            variation=v, by=request.user, comment=request.POST.get("comment", "")
        ),
    )
    reject = service_action(
        "reject",
        "Reject the selected variations (give a comment)",
        lambda v, request: variation_reject(
            variation=v, by=request.user, comment=request.POST.get("comment", "")
        ),
    )
