"""Admin for commissioners. Every change goes through the same services as the API."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from alliance.admin import CommissionersOnly, ServiceAdmin, ServiceForm
from alliance.models import User
from config.errors import DomainError
from grants.models import (
    Application,
    ApplicationEvent,
    BudgetLine,
    Decision,
    Grant,
    Payment,
    Programme,
    Round,
)
from grants.services.awards import application_decide
from grants.services.fund_down import round_fund_down_ranking
from grants.services.payments import payment_record
from grants.services.programmes import programme_create, round_create
from grants.services.publication import grant_publish, grant_withhold

# The admin's withhold action gives this reason; the API takes the commissioner's own words.
ADMIN_WITHHOLD_REASON = "Withheld by a commissioner for the safety of a small group."

PROGRAMME_FIELDS = [
    "funder",
    "name",
    "description",
    "budget",
    "min_award",
    "max_award",
    "allowed_legal_forms",
    "max_annual_income",
    "area_ward_codes",
    "max_live_applications",
    "max_open_grants",
    "required_documents",
    "light_report_up_to",
    "standard_report_up_to",
    "report_due_days",
    "identifier_prefix",
]


class FundersOwn:
    """A commissioner sees the objects of their own council's programmes only, as in the
    API (`grants.querysets`); superusers see everything."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        if hasattr(queryset, "visible_to"):
            return queryset.visible_to(request.user)
        visible = Application.objects.visible_to(request.user).values("pk")
        return queryset.filter(application__in=visible)


class CreateOnly:
    """Money and decisions are never edited in place: a new record is made instead."""

    def has_change_permission(self, request, obj=None):
        return obj is None and self._may(request)


class ProgrammeForm(ServiceForm):
    class Meta:
        model = Programme
        fields = PROGRAMME_FIELDS

    def run_service(self, cleaned):
        return programme_create(by=self.by, data={name: cleaned[name] for name in PROGRAMME_FIELDS})


@admin.register(Programme)
class ProgrammeAdmin(CreateOnly, ServiceAdmin):
    form = ProgrammeForm
    list_display = ["name", "funder", "budget", "awarded_total", "min_award", "max_award"]
    search_fields = ["name"]


ROUND_FIELDS = [
    "programme",
    "name",
    "opens_at",
    "closes_at",
    "assessment_ends_at",
    "budget",
    "decision_method",
    "votes_per_voter",
    "allows_multiple_applications",
]


class RoundForm(ServiceForm):
    criteria_text = forms.CharField(
        label="Criteria",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Scored panels: one criterion per line, as 'name | weight', e.g. 'Need | 2'.",
    )
    panel_emails = forms.CharField(
        label="Panel",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="E-mail addresses of the panel members or community voters, one per line.",
    )

    class Meta:
        model = Round
        fields = ROUND_FIELDS

    def clean_criteria_text(self):
        criteria = []
        for line in self.cleaned_data["criteria_text"].splitlines():
            if not line.strip():
                continue
            name, _, weight = line.partition("|")
            try:
                criteria.append({"name": name.strip(), "weight": Decimal(weight.strip() or "1")})
            except InvalidOperation:
                raise forms.ValidationError(f"'{weight.strip()}' is not a weight.") from None
        return criteria

    def clean_panel_emails(self):
        emails = [e.strip().lower() for e in self.cleaned_data["panel_emails"].split() if e]
        users = list(User.objects.filter(email__in=emails))
        missing = set(emails) - {user.email for user in users}
        if missing:
            raise forms.ValidationError("No account for: " + ", ".join(sorted(missing)))
        return users

    def run_service(self, cleaned):
        return round_create(
            by=self.by,
            programme=cleaned["programme"],
            data={name: cleaned[name] for name in ROUND_FIELDS if name != "programme"},
            criteria=cleaned.get("criteria_text", []),
            panel=cleaned.get("panel_emails", []),
        )


@admin.register(Round)
class RoundAdmin(CreateOnly, ServiceAdmin):
    form = RoundForm
    list_display = ["name", "programme", "opens_at", "closes_at", "budget", "awarded_total"]
    list_filter = ["decision_method"]
    actions = ["fund_down"]

    @admin.action(description="Fund down the ranking of the selected rounds")
    def fund_down(self, request, queryset):
        for round_ in queryset:
            try:
                result = round_fund_down_ranking(round_=round_, by=request.user)
            except DomainError as exc:
                self.message_user(request, f"{round_.name}: {exc.message}", messages.ERROR)
                continue
            self.message_user(
                request, f"{round_.name}: {len(result.decisions)} awarded. {result.reason}"
            )


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    fields = ["description", "amount"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(FundersOwn, CommissionersOnly, SimpleHistoryAdmin):
    """Read-only: groups write applications; commissioners decide them (Decisions)."""

    list_display = ["title", "organisation", "round", "status", "amount_requested"]
    list_filter = ["status", "round"]
    search_fields = ["title", "organisation__name"]
    list_select_related = ["organisation", "round__programme"]
    inlines = [BudgetLineInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DecisionForm(ServiceForm):
    class Meta:
        model = Decision
        fields = ["application", "outcome", "amount", "conditions", "reason"]

    def validate_unique(self):
        # The service answers a second decision with its own, clearer message.
        pass

    def run_service(self, cleaned):
        return application_decide(
            application=cleaned["application"],
            by=self.by,
            outcome=cleaned["outcome"],
            amount=cleaned.get("amount"),
            conditions=cleaned.get("conditions", ""),
            reason=cleaned.get("reason", ""),
        )


@admin.register(Decision)
class DecisionAdmin(FundersOwn, CreateOnly, ServiceAdmin):
    form = DecisionForm
    list_display = ["application", "outcome", "amount", "method", "rank", "decided_at"]
    list_filter = ["outcome", "method"]
    raw_id_fields = ["application"]


@admin.register(Grant)
class GrantAdmin(FundersOwn, CommissionersOnly, SimpleHistoryAdmin):
    list_display = ["identifier", "application", "amount", "paid_total", "status", "withheld"]
    list_filter = ["status", "report_tier", "withheld"]
    actions = ["withhold_for_safety", "publish_again"]

    @admin.action(description="Withhold the selected grants from the open data (safety)")
    def withhold_for_safety(self, request, queryset):
        for grant in queryset:
            grant_withhold(grant=grant, by=request.user, reason=ADMIN_WITHHOLD_REASON)
        self.message_user(request, f"{queryset.count()} grants withheld from the open data.")

    @admin.action(description="Publish the selected grants in the open data again")
    def publish_again(self, request, queryset):
        for grant in queryset:
            grant_publish(grant=grant, by=request.user, comment="Published again from the admin")
        self.message_user(request, f"{queryset.count()} grants listed in the open data again.")

    search_fields = ["identifier", "application__title"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PaymentForm(ServiceForm):
    class Meta:
        model = Payment
        fields = ["grant", "tranche", "amount", "paid_on", "reference"]

    def run_service(self, cleaned):
        return payment_record(
            grant=cleaned["grant"],
            by=self.by,
            amount=cleaned["amount"],
            paid_on=cleaned["paid_on"],
            reference=cleaned["reference"],
            tranche=cleaned.get("tranche"),
        )


@admin.register(Payment)
class PaymentAdmin(FundersOwn, CreateOnly, ServiceAdmin):
    form = PaymentForm
    list_display = ["grant", "amount", "paid_on", "reference", "recorded_by"]
    raw_id_fields = ["grant", "tranche"]


@admin.register(ApplicationEvent)
class ApplicationEventAdmin(FundersOwn, CommissionersOnly, admin.ModelAdmin):
    list_display = ["application", "action", "from_status", "to_status", "actor", "at"]
    list_filter = ["action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
