"""The shared learning digest: read the latest compiled version (JSON, HTML or Markdown)
and ask for a compile. Views parse input, call a service, render."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import StrictSerializer
from reporting.api.scope import FormatInQuery, contract_period, visible_contract
from reporting.api.serializers import JobSerializer
from reporting.learning.models import LearningDigest
from reporting.learning.services import learning_request

FORMATS = {
    "json": "application/json",
    "html": "text/html; charset=utf-8",
    "markdown": "text/markdown; charset=utf-8",
}


class LearningCompileRequestSerializer(StrictSerializer):
    contract = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    period = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


class LearningDigestQuerySerializer(serializers.Serializer):
    contract = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    period = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    format = serializers.ChoiceField(
        choices=list(FORMATS),
        default="json",
        help_text="json (the digest and both renderings), html or markdown",
        error_messages={
            "invalid_choice": "There is no digest format '{input}': choose json, html or markdown."
        },
    )


class LearningEntrySerializer(serializers.Serializer):
    source = serializers.ChoiceField(
        choices=["return", "grant_report"], help_text="A partner's return or a group's report"
    )
    organisation = serializers.CharField(help_text="The partner or group that wrote it")
    what_worked = serializers.CharField(required=False, help_text="From a return")
    what_did_not = serializers.CharField(required=False, help_text="From a return")
    tags = serializers.ListField(child=serializers.CharField(), required=False)
    programme = serializers.CharField(required=False, help_text="From a grant report")
    lesson = serializers.CharField(required=False, help_text="From a grant report")
    story = serializers.CharField(required=False, help_text="From a grant report")


class LearningThemeSerializer(serializers.Serializer):
    theme = serializers.CharField()
    entries = LearningEntrySerializer(many=True)


class LearningDigestContentSerializer(serializers.Serializer):
    themes = LearningThemeSerializer(many=True)
    entry_count = serializers.IntegerField()
    grant_report_count = serializers.IntegerField()
    accepted_returns_from = serializers.ListField(child=serializers.CharField())
    returns_awaited_from = serializers.ListField(child=serializers.CharField())


class LearningDigestSerializer(serializers.ModelSerializer):
    digest = serializers.SerializerMethodField()

    class Meta:
        model = LearningDigest
        fields = [
            "id",
            "contract",
            "period",
            "version",
            "content_hash",
            "created_at",
            "job",
            "emailed_at",
            "digest",
            "html",
            "markdown",
        ]
        read_only_fields = fields

    @extend_schema_field(LearningDigestContentSerializer)
    def get_digest(self, digest) -> dict:
        return digest.payload


class SharedLearningView(FormatInQuery, APIView):
    """The Alliance's shared learning digest for a contract and a reporting period.

    GET (the contract's commissioners and partners): the latest compiled version. What the
    partners' accepted returns and the community groups' end-of-grant reports said they
    learnt, grouped by theme, with who said it. `format=json` (the default) gives the
    digest with its HTML and Markdown renderings; `format=html` or `format=markdown` the
    rendering alone. POST (commissioners of the contract): compile again; answers 202 with
    the job. A new version is e-mailed to the Alliance once stored."""

    @extend_schema(
        parameters=[LearningDigestQuerySerializer],
        responses={
            (200, "application/json"): LearningDigestSerializer,
            (200, "text/html"): OpenApiResponse(OpenApiTypes.STR, description="HTML"),
            (200, "text/markdown"): OpenApiResponse(OpenApiTypes.STR, description="Markdown"),
        },
    )
    def get(self, request):
        query = LearningDigestQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        fmt = data["format"]
        contract = visible_contract(request.user, data["contract"])
        period = contract_period(contract, data["period"])
        digest = (
            LearningDigest.objects.filter(contract=contract, period=period)
            .order_by("-version")
            .first()
        )
        if digest is None:
            # The contract is visible, so saying why is safe (and more use than "not found").
            raise NotFound(
                "The shared learning digest for this period has not been compiled yet. "
                "A commissioner can compile it now; it is also compiled each night."
            )
        if fmt == "json":
            return Response(LearningDigestSerializer(digest, context={"request": request}).data)
        body = digest.html if fmt == "html" else digest.markdown
        return HttpResponse(body, content_type=FORMATS[fmt])

    @extend_schema(request=LearningCompileRequestSerializer, responses={202: JobSerializer})
    def post(self, request):
        body = LearningCompileRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        contract = visible_contract(request.user, body.validated_data["contract"])
        period = contract_period(contract, body.validated_data["period"])
        job = learning_request(contract=contract, period=period, by=request.user)
        job.refresh_from_db()  # without a broker it has run already, in this request
        return Response(
            JobSerializer(job, context={"request": request}).data,
            status=status.HTTP_202_ACCEPTED,
        )
