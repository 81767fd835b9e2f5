"""Admin for commissioners: the outcome framework, reporting periods and returns' review.

Every change goes through the same services as the API.
"""

from django import forms
from django.contrib import admin

from alliance.admin import CommissionersOnly, ServiceAdmin, ServiceForm
from alliance.admin_contracts import (
    AddOnly,
    DecisionForm,
    ReadOnlyInline,
    Scoped,
    service_action,
)
from alliance.models import (
    Aggregation,
    Direction,
    Figure,
    Indicator,
    IndicatorVersion,
    Priority,
    ReportingPeriod,
    Return,
    ReturnComment,
    ReturnTransition,
)
from alliance.services.framework import indicator_create, priority_create
from alliance.services.review import return_accept, return_reopen, return_request_changes


class PriorityForm(ServiceForm):
    class Meta:
        model = Priority
        fields = ["contract", "number", "name", "description"]

    def run_service(self, cleaned):
        return priority_create(by=self.by, **cleaned)


@admin.register(Priority)
class PriorityAdmin(Scoped, AddOnly, ServiceAdmin):
    form = PriorityForm
    list_display = ["name", "number", "contract"]
    list_filter = ["contract"]


class IndicatorForm(ServiceForm):
    name = forms.CharField()
    definition = forms.CharField(widget=forms.Textarea)
    unit = forms.CharField()
    aggregation = forms.ChoiceField(choices=Aggregation.choices)
    numerator_label = forms.CharField(required=False)
    denominator_label = forms.CharField(required=False)
    direction = forms.ChoiceField(choices=Direction.choices)
    baseline = forms.DecimalField(required=False, max_digits=12, decimal_places=2)
    required_each_quarter = forms.BooleanField(required=False, initial=True)
    ward_breakdown = forms.BooleanField(required=False)

    class Meta:
        model = Indicator
        fields = ["contract", "priority", "code"]

    def run_service(self, cleaned):
        data = {k: cleaned[k] for k in cleaned if k not in ("contract", "priority", "code")}
        return indicator_create(
            contract=cleaned["contract"],
            priority=cleaned["priority"],
            code=cleaned["code"],
            by=self.by,
            data=data,
        )


class VersionInline(ReadOnlyInline):
    model = IndicatorVersion
    fields = [
        "version",
        "name",
        "aggregation",
        "unit",
        "direction",
        "baseline",
        "required_each_quarter",
        "ward_breakdown",
        "created_at",
    ]
    readonly_fields = fields


@admin.register(Indicator)
class IndicatorAdmin(Scoped, AddOnly, ServiceAdmin):
    form = IndicatorForm
    list_display = ["code", "current_version", "contract", "is_active"]
    list_filter = ["contract", "current_version__aggregation"]
    inlines = [VersionInline]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(Scoped, CommissionersOnly, admin.ModelAdmin):
    list_display = ["label", "contract", "starts_on", "ends_on", "due_on"]
    list_filter = ["contract", "financial_year"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class FigureInline(ReadOnlyInline):
    model = Figure
    fields = ["indicator_version", "value", "numerator", "denominator", "note"]
    readonly_fields = fields


class TransitionInline(ReadOnlyInline):
    model = ReturnTransition
    fields = ["at", "actor", "from_status", "to_status", "comment", "rating", "is_late"]
    readonly_fields = fields


class CommentInline(ReadOnlyInline):
    model = ReturnComment
    fields = ["created_at", "author", "figure", "body"]
    readonly_fields = fields


@admin.register(Return)
class ReturnAdmin(Scoped, CommissionersOnly, admin.ModelAdmin):
    """Returns are written by partners; commissioners review them here or in the API."""

    list_display = ["organisation", "period", "status", "is_late", "rating", "submitted_at"]
    list_filter = ["status", "is_late", "rating", "contract"]
    list_select_related = ["organisation", "period"]
    search_fields = ["organisation__name"]
    inlines = [FigureInline, TransitionInline, CommentInline]
    action_form = DecisionForm
    actions = ["accept", "request_changes", "reopen"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    accept = service_action(
        "accept",
        "Accept the selected returns (choose a rating)",
        lambda r, request: return_accept(
            return_=r,
            by=request.user,
            rating=request.POST.get("rating", ""),
            comment=request.POST.get("comment", ""),
        ),
    )
    request_changes = service_action(
        "request_changes",
        "Ask for changes to the selected returns (give a reason)",
        lambda r, request: return_request_changes(
            return_=r, by=request.user, reason=request.POST.get("comment", "")
        ),
    )
    reopen = service_action(
        "reopen",
        "Reopen the selected returns (give a reason)",
        lambda r, request: return_reopen(
            return_=r, by=request.user, reason=request.POST.get("comment", "")
        ),
    )
