"""Panel work and awarded grants in the API."""

from rest_framework import serializers

from config.api import StrictModelSerializer, StrictSerializer
from config.rows import FastRowsMixin
from grants.models import (
    Application,
    Attachment,
    AttachmentKind,
    ConflictDeclaration,
    Criterion,
    EndOfGrantReport,
    Grant,
    Payment,
    Score,
    Tranche,
    Vote,
)
from grants.services.reports import QUESTIONS


class AttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "kind",
            "original_name",
            "content_type",
            "size",
            "uploaded_at",
            "download_url",
        ]

    def get_download_url(self, obj) -> str:
        return f"/api/v1/applications/{obj.application_id}/attachments/{obj.pk}/download/"


class AttachmentUploadSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=AttachmentKind.choices)
    file = serializers.FileField(help_text="PDF, JPEG, PNG or Word (.docx), at most 10 MB")


class ConflictSerializer(StrictModelSerializer):
    user = serializers.EmailField(source="user.email", read_only=True)

    class Meta:
        model = ConflictDeclaration
        fields = ["id", "user", "reason", "declared_at"]
        read_only_fields = ["declared_at"]


class ScoreSerializer(StrictModelSerializer):
    criterion = serializers.PrimaryKeyRelatedField(queryset=Criterion.objects.all())
    criterion_name = serializers.CharField(source="criterion.name", read_only=True)
    scorer = serializers.EmailField(source="scorer.email", read_only=True)

    class Meta:
        model = Score
        fields = ["id", "criterion", "criterion_name", "score", "comment", "scorer", "scored_at"]
        read_only_fields = ["scored_at"]
        extra_kwargs = {"score": {"min_value": 1, "max_value": 5}}


class VoteSerializer(StrictModelSerializer):
    application = serializers.PrimaryKeyRelatedField(queryset=Application.objects.all())

    class Meta:
        model = Vote
        fields = ["id", "application", "cast_at"]
        read_only_fields = ["cast_at"]


class RankEntrySerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    application_id = serializers.IntegerField()
    title = serializers.CharField()
    organisation = serializers.CharField()
    amount_requested = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    status = serializers.CharField()
    score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    votes = serializers.IntegerField(allow_null=True)
    scorers = serializers.IntegerField()


class RankingSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    method = serializers.CharField()
    budget = serializers.DecimalField(max_digits=12, decimal_places=2)
    awarded_total = serializers.DecimalField(max_digits=12, decimal_places=2)
    entries = RankEntrySerializer(many=True)


class FundDownRequestSerializer(StrictSerializer):
    conditions = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class FundDownAwardSerializer(serializers.Serializer):
    application = serializers.IntegerField(source="application_id")
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    rank = serializers.IntegerField(allow_null=True)


class FundDownResultSerializer(serializers.Serializer):
    awarded = FundDownAwardSerializer(many=True, source="decisions")
    stopped_at = serializers.IntegerField(
        allow_null=True, help_text="The application it stopped at"
    )
    reason = serializers.CharField()
    round_remaining = serializers.DecimalField(max_digits=12, decimal_places=2)
    programme_remaining = serializers.DecimalField(max_digits=12, decimal_places=2)


class TrancheSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tranche
        fields = ["id", "position", "amount", "due_on"]


class ReportSerializer(serializers.ModelSerializer):
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)
    questions = serializers.SerializerMethodField()

    class Meta:
        model = EndOfGrantReport
        fields = ["tier", "due_on", "status", "overdue", "questions", "answers", "submitted_at"]

    def get_questions(self, obj) -> dict[str, str]:
        return dict(QUESTIONS[obj.tier])


class ReportSubmitSerializer(StrictSerializer):
    answers = serializers.DictField(help_text="One answer per question, keyed as in `questions`")


class _GrantRowSerializer(serializers.ModelSerializer):
    """A grant's headline facts: the list row, and the head of the grant's own page."""

    title = serializers.CharField(source="application.title", read_only=True)
    organisation = serializers.IntegerField(source="application.organisation_id", read_only=True)
    organisation_name = serializers.CharField(
        source="application.organisation.name", read_only=True
    )
    round = serializers.IntegerField(source="application.round_id", read_only=True)
    report_status = serializers.CharField(
        source="report.status",
        read_only=True,
        default=None,
        allow_null=True,
        help_text="The end-of-grant report's state, `due` or `submitted`; null until the "
        "grant is accepted",
    )
    report_due_on = serializers.DateField(
        source="report.due_on", read_only=True, default=None, allow_null=True
    )
    report_overdue = serializers.BooleanField(
        source="report.is_overdue", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Grant
        fields = [
            "id",
            "identifier",
            "application",
            "title",
            "organisation",
            "organisation_name",
            "round",
            "amount",
            "paid_total",
            "status",
            "report_tier",
            "awarded_at",
            "accepted_at",
            "report_status",
            "report_due_on",
            "report_overdue",
            "withheld",
        ]
        read_only_fields = fields


class GrantListSerializer(FastRowsMixin, _GrantRowSerializer):
    """A grant in a list: its headline facts and its report's state. The conditions, the
    payment schedule and the report's questions and answers are on the grant itself,
    `GET /grants/{id}/`, so a page of fifty stays small and quick."""

    class Meta(_GrantRowSerializer.Meta):
        pass


class GrantSerializer(_GrantRowSerializer):
    """The whole grant: the list row, its conditions, payment schedule and report."""

    tranches = TrancheSerializer(many=True, read_only=True)
    report = ReportSerializer(read_only=True, default=None)

    class Meta(_GrantRowSerializer.Meta):
        fields = [
            *_GrantRowSerializer.Meta.fields,
            "conditions",
            "withheld_reason",
            "tranches",
            "report",
        ]
        read_only_fields = fields


class PaymentSerializer(StrictModelSerializer):
    tranche = serializers.PrimaryKeyRelatedField(
        queryset=Tranche.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Payment
        fields = ["id", "amount", "paid_on", "reference", "tranche", "recorded_at"]
        read_only_fields = ["recorded_at"]
        extra_kwargs = {"amount": {"min_value": 0}}


class WithholdSerializer(StrictSerializer):
    reason = serializers.CharField(
        help_text="Why the grant is kept out of the open data (not published)"
    )


class PublishSerializer(StrictSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")
