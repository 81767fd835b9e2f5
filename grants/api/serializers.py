"""Programmes, rounds, applications: how they look in the API and what input they take."""

from decimal import Decimal

from rest_framework import serializers

from alliance.models import Organisation, User
from alliance.models.people import LegalForm
from config.api import StrictModelSerializer, StrictSerializer
from config.rows import FastRowsMixin
from grants.models import (
    Application,
    ApplicationEvent,
    AttachmentKind,
    BudgetLine,
    Criterion,
    Decision,
    DecisionOutcome,
    FamilyTheme,
    Programme,
    Round,
)
from grants.services.eligibility import SUMMARY_MAX_CHARS

MONEY = {"max_digits": 12, "decimal_places": 2}


class ProgrammeSerializer(StrictModelSerializer):
    allowed_legal_forms = serializers.ListField(
        child=serializers.ChoiceField(choices=LegalForm.choices), required=False
    )
    area_ward_codes = serializers.ListField(
        child=serializers.CharField(max_length=9), required=False
    )
    required_documents = serializers.ListField(
        child=serializers.ChoiceField(choices=AttachmentKind.choices), required=False
    )
    remaining = serializers.SerializerMethodField()

    class Meta:
        model = Programme
        fields = [
            "id",
            "funder",
            "name",
            "description",
            "currency",
            "budget",
            "awarded_total",
            "remaining",
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
            "created_at",
        ]
        read_only_fields = ["currency", "awarded_total", "created_at"]
        extra_kwargs = {
            "budget": {"min_value": 0},
            "min_award": {"min_value": 0},
            "max_award": {"min_value": 0},
        }

    def get_remaining(self, obj) -> str:
        return str(obj.budget - obj.awarded_total)


class CriterionSerializer(StrictModelSerializer):
    class Meta:
        model = Criterion
        fields = ["id", "name", "guidance", "weight", "position"]
        read_only_fields = ["position"]
        extra_kwargs = {"weight": {"min_value": Decimal("0.01")}}


class RoundSerializer(StrictModelSerializer):
    criteria = CriterionSerializer(many=True, required=False)
    panel_members = serializers.SlugRelatedField(
        slug_field="email",
        queryset=User.objects.all(),
        many=True,
        required=False,
        write_only=True,
        help_text="E-mail addresses of the people on the panel (or the community voters)",
    )
    panel_size = serializers.IntegerField(read_only=True)
    phase = serializers.SerializerMethodField()
    remaining = serializers.SerializerMethodField()

    class Meta:
        model = Round
        fields = [
            "id",
            "programme",
            "name",
            "opens_at",
            "closes_at",
            "assessment_ends_at",
            "phase",
            "budget",
            "awarded_total",
            "remaining",
            "decision_method",
            "votes_per_voter",
            "allows_multiple_applications",
            "criteria",
            "panel_members",
            "panel_size",
            "created_at",
        ]
        read_only_fields = ["awarded_total", "created_at"]
        extra_kwargs = {"budget": {"min_value": 0}}

    def get_phase(self, obj) -> str:
        return obj.phase()

    def get_remaining(self, obj) -> str:
        return str(obj.remaining)


class BudgetLineSerializer(StrictModelSerializer):
    class Meta:
        model = BudgetLine
        fields = ["description", "amount"]
        extra_kwargs = {
            "description": {"required": False, "allow_blank": True},
            "amount": {"required": False, "allow_null": True, "min_value": 0},
        }


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = ["outcome", "method", "amount", "conditions", "reason", "rank", "decided_at"]


class ApplicationSerializer(StrictModelSerializer):
    """A draft takes any subset of its fields; everything is checked on submission."""

    round = serializers.PrimaryKeyRelatedField(queryset=Round.objects.all())
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    summary = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=20_000,
        help_text=f"Plain language; between 50 and {SUMMARY_MAX_CHARS} characters to submit "
        "(a longer draft is kept so nothing is lost)",
    )
    budget_lines = BudgetLineSerializer(many=True, required=False)
    ward_codes = serializers.ListField(
        child=serializers.CharField(max_length=9), required=False, max_length=50
    )
    themes = serializers.ListField(
        child=serializers.ChoiceField(choices=FamilyTheme.choices), required=False
    )
    decision = DecisionSerializer(read_only=True, default=None, allow_null=True)
    grant = serializers.PrimaryKeyRelatedField(read_only=True, default=None, allow_null=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "round",
            "organisation",
            "organisation_name",
            "status",
            "title",
            "summary",
            "amount_requested",
            "budget_lines",
            "ward_codes",
            "expected_beneficiaries",
            "themes",
            "starts_on",
            "ends_on",
            "submitted_at",
            "created_at",
            "updated_at",
            "decision",
            "grant",
        ]
        read_only_fields = ["status", "submitted_at", "created_at", "updated_at"]
        extra_kwargs = {"amount_requested": {"min_value": 0}}

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list):
            # Where an application is made is fixed once it exists.
            fields["round"].read_only = True
            fields["organisation"].read_only = True
        return fields


class DecisionRowSerializer(FastRowsMixin, DecisionSerializer):
    """The decision on an application, as a list row shows it (the same fields)."""

    class Meta(DecisionSerializer.Meta):
        pass


class ApplicationListSerializer(FastRowsMixin, serializers.ModelSerializer):
    """An application in a list: its state and headline facts, and the decision. The
    summary and the budget lines are on the application itself, `GET /applications/{id}/`,
    so a page of fifty stays small and quick."""

    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    ward_codes = serializers.ListField(child=serializers.CharField(), read_only=True)
    themes = serializers.ListField(
        child=serializers.ChoiceField(choices=FamilyTheme.choices), read_only=True
    )
    decision = DecisionRowSerializer(read_only=True, default=None, allow_null=True)
    grant = serializers.PrimaryKeyRelatedField(read_only=True, default=None, allow_null=True)

    class Meta:
        model = Application
        fields = [
            name
            for name in ApplicationSerializer.Meta.fields
            if name not in ("summary", "budget_lines")
        ]
        read_only_fields = fields


class WithdrawSerializer(StrictSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class DecideSerializer(StrictSerializer):
    outcome = serializers.ChoiceField(choices=DecisionOutcome.choices)
    amount = serializers.DecimalField(**MONEY, required=False, min_value=0)
    conditions = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=5000, help_text="Shown to the applicant"
    )


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.EmailField(source="actor.email", default=None, read_only=True)

    class Meta:
        model = ApplicationEvent
        fields = ["id", "action", "from_status", "to_status", "actor", "at", "comment", "data"]
