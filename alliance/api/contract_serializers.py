"""Serializers for contracts, allocations, variations, indicators and periods."""

from decimal import Decimal

from rest_framework import serializers

from alliance.models import (
    Aggregation,
    Allocation,
    Contract,
    ContractMember,
    ContractYear,
    Direction,
    Indicator,
    Organisation,
    Place,
    Priority,
    ReportingPeriod,
    Variation,
)
from config.api import StrictSerializer

MONEY = {"max_digits": 12, "decimal_places": 2}


class ContractYearSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContractYear
        fields = ["number", "starts_on", "ends_on", "budget", "allocated"]


class ContractMemberSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = ContractMember
        fields = [
            "organisation",
            "organisation_name",
            "is_lead_partner",
            "values_version_signed",
            "values_signed_on",
        ]


class PrioritySerializer(serializers.ModelSerializer):
    class Meta:
        model = Priority
        fields = ["id", "number", "name", "description"]


class ContractSerializer(serializers.ModelSerializer):
    place_name = serializers.CharField(source="place.name", read_only=True)
    council_name = serializers.CharField(source="council.name", read_only=True)
    term_years = serializers.IntegerField(read_only=True)
    members = ContractMemberSerializer(many=True, read_only=True)
    years = ContractYearSerializer(many=True, read_only=True)
    priorities = PrioritySerializer(many=True, read_only=True)

    class Meta:
        model = Contract
        fields = [
            "id",
            "place",
            "place_name",
            "council",
            "council_name",
            "title",
            "reference",
            "status",
            "starts_on",
            "initial_term_years",
            "extension_options",
            "extensions_taken",
            "term_years",
            "max_term_years",
            "value",
            "budgeted",
            "values_text",
            "values_version",
            "review_points",
            "members",
            "years",
            "priorities",
        ]
        read_only_fields = fields


class MemberInputSerializer(StrictSerializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    is_lead_partner = serializers.BooleanField(default=False)
    values_version_signed = serializers.CharField(max_length=20, required=False, allow_blank=True)
    values_signed_on = serializers.DateField(required=False, allow_null=True)


class ContractCreateSerializer(StrictSerializer):
    place = serializers.PrimaryKeyRelatedField(queryset=Place.objects.all())
    title = serializers.CharField(max_length=200)
    reference = serializers.CharField(max_length=60)
    starts_on = serializers.DateField()
    initial_term_years = serializers.IntegerField(min_value=1)
    extension_options = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list
    )
    value = serializers.DecimalField(**MONEY, min_value=Decimal("0"))
    year_budgets = serializers.ListField(
        child=serializers.DecimalField(**MONEY, min_value=Decimal("0"))
    )
    members = MemberInputSerializer(many=True)
    values_text = serializers.CharField(required=False, allow_blank=True, default="")
    values_version = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default=""
    )
    review_points = serializers.CharField(required=False, allow_blank=True, default="")


class AllocationSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="contract_year.number", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = Allocation
        fields = ["id", "year", "organisation", "organisation_name", "amount", "updated_at"]
        read_only_fields = fields


class AllocationInputSerializer(StrictSerializer):
    year = serializers.IntegerField(min_value=1)
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    amount = serializers.DecimalField(**MONEY, min_value=Decimal("0"))


class AllocationChangeSerializer(StrictSerializer):
    year = serializers.IntegerField(min_value=1)
    organisation = serializers.IntegerField()
    amount = serializers.DecimalField(**MONEY, min_value=Decimal("0"))


class BudgetChangeSerializer(StrictSerializer):
    year = serializers.IntegerField(min_value=1)
    budget = serializers.DecimalField(**MONEY, min_value=Decimal("0"))


class VariationChangesSerializer(StrictSerializer):
    allocations = AllocationChangeSerializer(many=True, required=False)
    year_budgets = BudgetChangeSerializer(many=True, required=False)
    value = serializers.DecimalField(**MONEY, min_value=Decimal("0"), required=False)
    extension_year_budgets = serializers.ListField(
        child=serializers.DecimalField(**MONEY, min_value=Decimal("0")), required=False
    )

    def to_internal_value(self, data):
        # Kept as JSON on the variation: amounts as strings, exactly as given.
        return _jsonable(super().to_internal_value(data))


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


class VariationSerializer(serializers.ModelSerializer):
    proposed_by = serializers.EmailField(source="proposed_by.email", read_only=True)
    decided_by = serializers.EmailField(source="decided_by.email", read_only=True, default=None)
    changes = VariationChangesSerializer()

    class Meta:
        model = Variation
        fields = [
            "id",
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
        read_only_fields = fields


class VariationInputSerializer(StrictSerializer):
    reason = serializers.CharField()
    changes = VariationChangesSerializer()


class VariationDecisionSerializer(StrictSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class TargetSerializer(StrictSerializer):
    year = serializers.IntegerField(min_value=1, source="year_number")
    value = serializers.DecimalField(**MONEY)


class IndicatorSerializer(serializers.ModelSerializer):
    priority_name = serializers.CharField(source="priority.name", read_only=True, default=None)
    version = serializers.IntegerField(source="current_version.version", read_only=True)
    version_id = serializers.IntegerField(source="current_version.id", read_only=True)
    name = serializers.CharField(source="current_version.name", read_only=True)
    definition = serializers.CharField(source="current_version.definition", read_only=True)
    unit = serializers.CharField(source="current_version.unit", read_only=True)
    aggregation = serializers.ChoiceField(
        Aggregation.choices, source="current_version.aggregation", read_only=True
    )
    numerator_label = serializers.CharField(
        source="current_version.numerator_label", read_only=True
    )
    denominator_label = serializers.CharField(
        source="current_version.denominator_label", read_only=True
    )
    direction = serializers.ChoiceField(
        Direction.choices, source="current_version.direction", read_only=True
    )
    baseline = serializers.DecimalField(
        **MONEY, source="current_version.baseline", read_only=True, allow_null=True
    )
    required_each_quarter = serializers.BooleanField(
        source="current_version.required_each_quarter", read_only=True
    )
    ward_breakdown = serializers.BooleanField(
        source="current_version.ward_breakdown", read_only=True
    )
    targets = TargetSerializer(source="current_version.targets", many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "contract",
            "code",
            "priority",
            "priority_name",
            "is_active",
            "version",
            "version_id",
            "name",
            "definition",
            "unit",
            "aggregation",
            "numerator_label",
            "denominator_label",
            "direction",
            "baseline",
            "required_each_quarter",
            "ward_breakdown",
            "targets",
        ]
        read_only_fields = fields


class IndicatorDefinitionSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200)
    definition = serializers.CharField()
    unit = serializers.CharField(max_length=40)
    aggregation = serializers.ChoiceField(Aggregation.choices)
    numerator_label = serializers.CharField(max_length=200, required=False, allow_blank=True)
    denominator_label = serializers.CharField(max_length=200, required=False, allow_blank=True)
    direction = serializers.ChoiceField(Direction.choices, required=False)
    baseline = serializers.DecimalField(**MONEY, required=False, allow_null=True)
    required_each_quarter = serializers.BooleanField(required=False)
    ward_breakdown = serializers.BooleanField(required=False)
    targets = TargetSerializer(many=True, required=False)


class IndicatorCreateSerializer(IndicatorDefinitionSerializer):
    contract = serializers.PrimaryKeyRelatedField(queryset=Contract.objects.all())
    code = serializers.CharField(max_length=20)
    priority = serializers.PrimaryKeyRelatedField(
        queryset=Priority.objects.all(), required=False, allow_null=True
    )


class IndicatorReviseSerializer(IndicatorDefinitionSerializer):
    is_active = serializers.BooleanField(required=False)


class PeriodSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    contract_year = serializers.IntegerField(source="contract_year.number", read_only=True)

    class Meta:
        model = ReportingPeriod
        fields = [
            "id",
            "contract",
            "label",
            "financial_year",
            "quarter",
            "contract_year",
            "starts_on",
            "ends_on",
            "due_on",
        ]
        read_only_fields = fields
