"""Serializers for quarterly returns, their review, history, comments and learning."""

from decimal import Decimal

from rest_framework import serializers

from alliance.models import (
    FamilyStory,
    Figure,
    LearningEntry,
    Organisation,
    Rating,
    ReportingPeriod,
    Return,
    ReturnComment,
    Risk,
    Ward,
    WardFigure,
)
from config.api import StrictModelSerializer, StrictSerializer
from config.rows import FastRowsMixin

COUNT = {"max_digits": 12, "decimal_places": 2, "allow_null": True, "required": False}


class WardFigureSerializer(serializers.ModelSerializer):
    ward = serializers.CharField(source="ward.code", read_only=True)
    ward_name = serializers.CharField(source="ward.name", read_only=True)

    class Meta:
        model = WardFigure
        fields = ["ward", "ward_name", "value"]


class FigureSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator_version.indicator.code", read_only=True)
    version = serializers.IntegerField(source="indicator_version.version", read_only=True)
    name = serializers.CharField(source="indicator_version.name", read_only=True)
    aggregation = serializers.CharField(source="indicator_version.aggregation", read_only=True)
    unit = serializers.CharField(source="indicator_version.unit", read_only=True)
    numerator_label = serializers.CharField(
        source="indicator_version.numerator_label", read_only=True
    )
    denominator_label = serializers.CharField(
        source="indicator_version.denominator_label", read_only=True
    )
    ward_breakdown = serializers.BooleanField(
        source="indicator_version.ward_breakdown", read_only=True
    )
    wards = WardFigureSerializer(many=True, read_only=True)

    class Meta:
        model = Figure
        fields = [
            "id",
            "indicator",
            "indicator_version",
            "version",
            "name",
            "aggregation",
            "unit",
            "numerator_label",
            "denominator_label",
            "ward_breakdown",
            "value",
            "numerator",
            "denominator",
            "note",
            "wards",
        ]
        read_only_fields = fields


class StorySerializer(StrictModelSerializer):
    class Meta:
        model = FamilyStory
        fields = ["title", "story"]


class LearningItemSerializer(StrictModelSerializer):
    tags = serializers.ListField(child=serializers.CharField(max_length=40), required=False)

    class Meta:
        model = LearningEntry
        fields = ["theme", "what_worked", "what_did_not", "tags"]


class RiskSerializer(StrictModelSerializer):
    class Meta:
        model = Risk
        fields = ["description", "likelihood", "impact", "mitigation", "is_open"]


class _ReturnRowSerializer(serializers.ModelSerializer):
    """A return's state and headline facts: the list row, and the head of the detail."""

    period_label = serializers.CharField(source="period.label", read_only=True)
    due_on = serializers.DateField(source="period.due_on", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    allocation = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="The partner's allocation for the contract year this quarter falls in",
    )

    class Meta:
        model = Return
        fields = [
            "id",
            "contract",
            "period",
            "period_label",
            "due_on",
            "organisation",
            "organisation_name",
            "status",
            "is_late",
            "rating",
            "spend",
            "allocation",
            "created_at",
            "updated_at",
            "first_submitted_at",
            "submitted_at",
            "accepted_at",
        ]
        read_only_fields = fields


class ReturnListSerializer(FastRowsMixin, _ReturnRowSerializer):
    """A return in a list: its state and headline facts. Figures, stories, learning and
    risks (forty figures and their ward breakdowns a return) are on the return itself,
    `GET /returns/{id}/`, so a page of fifty stays small and quick."""

    class Meta(_ReturnRowSerializer.Meta):
        pass


class ReturnSerializer(_ReturnRowSerializer):
    """The whole return: the list row, its narrative and everything it reports."""

    figures = FigureSerializer(many=True, read_only=True)
    stories = StorySerializer(many=True, read_only=True)
    learning = LearningItemSerializer(many=True, read_only=True)
    risks = RiskSerializer(many=True, read_only=True)

    class Meta(_ReturnRowSerializer.Meta):
        fields = [
            *_ReturnRowSerializer.Meta.fields,
            "standing_facts",
            "went_well",
            "was_hard",
            "would_change",
            "figures",
            "stories",
            "learning",
            "risks",
            "prefilled_from",
        ]
        read_only_fields = fields


class ReturnCreateSerializer(StrictSerializer):
    period = serializers.PrimaryKeyRelatedField(queryset=ReportingPeriod.objects.all())
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())


class WardInputSerializer(StrictSerializer):
    ward = serializers.SlugRelatedField(
        slug_field="code", queryset=Ward.objects.all(), help_text="ONS ward code"
    )
    value = serializers.DecimalField(**COUNT)


class FigureInputSerializer(StrictSerializer):
    indicator = serializers.CharField(help_text="The indicator's code, e.g. FE1")
    value = serializers.DecimalField(**COUNT)
    numerator = serializers.DecimalField(**COUNT)
    denominator = serializers.DecimalField(**COUNT)
    note = serializers.CharField(required=False, allow_blank=True)
    wards = WardInputSerializer(many=True, required=False)


class ReturnUpdateSerializer(StrictSerializer):
    spend = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0"), allow_null=True, required=False
    )
    standing_facts = serializers.CharField(required=False, allow_blank=True)
    went_well = serializers.CharField(required=False, allow_blank=True)
    was_hard = serializers.CharField(required=False, allow_blank=True)
    would_change = serializers.CharField(required=False, allow_blank=True)
    figures = FigureInputSerializer(many=True, required=False)
    stories = StorySerializer(many=True, required=False)
    learning = LearningItemSerializer(many=True, required=False)
    risks = RiskSerializer(many=True, required=False)


class ReasonSerializer(StrictSerializer):
    reason = serializers.CharField(allow_blank=True)


class AcceptSerializer(StrictSerializer):
    rating = serializers.ChoiceField(Rating.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class HistoryEntrySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(["transition", "figure"])
    at = serializers.DateTimeField()
    actor = serializers.CharField()
    what = serializers.CharField(help_text="`status`, or the figure that changed")
    comment = serializers.CharField()


# `from` and `to` are Python keywords, so they are added after the class is made.
HistoryEntrySerializer._declared_fields["from"] = serializers.CharField(source="from_value")
HistoryEntrySerializer._declared_fields["to"] = serializers.CharField(source="to_value")


class _Page(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)


class HistoryPageSerializer(_Page):
    results = HistoryEntrySerializer(many=True)


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.EmailField(source="author.email", read_only=True)
    indicator = serializers.CharField(
        source="figure.indicator_version.indicator.code", read_only=True, default=None
    )

    class Meta:
        model = ReturnComment
        fields = ["id", "figure", "indicator", "author", "body", "created_at"]
        read_only_fields = fields


class CommentPageSerializer(_Page):
    results = CommentSerializer(many=True)


class CommentInputSerializer(StrictSerializer):
    body = serializers.CharField(allow_blank=True)
    figure = serializers.PrimaryKeyRelatedField(
        queryset=Figure.objects.all(), required=False, allow_null=True
    )


class LearningSerializer(serializers.ModelSerializer):
    return_id = serializers.IntegerField(source="return_record_id", read_only=True)
    contract = serializers.IntegerField(source="return_record.contract_id", read_only=True)
    organisation = serializers.IntegerField(source="return_record.organisation_id", read_only=True)
    organisation_name = serializers.CharField(
        source="return_record.organisation.name", read_only=True
    )
    period_label = serializers.CharField(source="return_record.period.label", read_only=True)
    tags = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = LearningEntry
        fields = [
            "id",
            "return_id",
            "contract",
            "organisation",
            "organisation_name",
            "period_label",
            "theme",
            "what_worked",
            "what_did_not",
            "tags",
        ]
        read_only_fields = fields
