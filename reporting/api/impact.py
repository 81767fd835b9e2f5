"""Collective impact: read the latest compiled snapshot, ask for a compile, and see every
contract's latest figures side by side. Views parse input, call a service, render."""

from django.http import Http404, HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance import access
from config.api import StrictSerializer
from config.errors import NotAllowed
from reporting.api.scope import (
    FormatInQuery,
    contract_period,
    file_format,
    file_responses,
    visible_contract,
)
from reporting.api.serializers import JobSerializer
from reporting.exports import impact as exports
from reporting.impact import publish
from reporting.impact.models import ImpactSnapshot, Scope
from reporting.impact.services import impact_request


class CompileRequestSerializer(StrictSerializer):
    contract = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    period = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


class ImpactQuerySerializer(serializers.Serializer):
    contract = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    period = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    scope = serializers.ChoiceField(choices=Scope.choices, default=Scope.PERIOD)
    internal = serializers.BooleanField(default=False)


class SnapshotSerializer(serializers.ModelSerializer):
    figures = serializers.SerializerMethodField(
        help_text="The compiled figures: published (suppressed) unless internal was asked for"
    )

    class Meta:
        model = ImpactSnapshot
        fields = [
            "id",
            "contract",
            "period",
            "scope",
            "version",
            "content_hash",
            "created_at",
            "job",
            "figures",
        ]
        read_only_fields = fields

    def get_figures(self, snapshot) -> dict:
        if self.context.get("internal"):
            return publish.internal(snapshot.payload)
        return publish.published(snapshot.payload)


def _internal_allowed(user, asked: bool) -> bool:
    if asked and not access.is_commissioner(user):
        raise NotAllowed(
            "Only commissioners can see exact, unpublished figures.",
            rule="impact.internal_for_commissioners",
        )
    return asked


class CollectiveImpactView(APIView):
    """The Alliance's collective impact for a contract and a period.

    GET: the latest compiled snapshot, published with small-number suppression; a
    commissioner may ask `internal=true` for exact figures, labelled unpublished. `scope`
    is `period` (the quarter alone) or `to_date` (the contract up to the period's end).
    POST (commissioners of the contract): compile again; answers 202 with the job."""

    @extend_schema(parameters=[ImpactQuerySerializer], responses=SnapshotSerializer)
    def get(self, request):
        query = ImpactQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        contract = visible_contract(request.user, data["contract"])
        period = contract_period(contract, data["period"])
        internal = _internal_allowed(request.user, data["internal"])
        snapshot = (
            ImpactSnapshot.objects.filter(contract=contract, period=period, scope=data["scope"])
            .order_by("-version")
            .first()
        )
        if snapshot is None:
            raise Http404("These figures have not been compiled yet.")
        return Response(
            SnapshotSerializer(snapshot, context={"request": request, "internal": internal}).data
        )

    @extend_schema(request=CompileRequestSerializer, responses={202: JobSerializer})
    def post(self, request):
        body = CompileRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        contract = visible_contract(request.user, body.validated_data["contract"])
        period = contract_period(contract, body.validated_data["period"])
        job = impact_request(contract=contract, period=period, by=request.user)
        job.refresh_from_db()  # without a broker it has run already, in this request
        return Response(
            JobSerializer(job, context={"request": request}).data,
            status=status.HTTP_202_ACCEPTED,
        )


class SideBySideQuerySerializer(serializers.Serializer):
    internal = serializers.BooleanField(default=False)


class CollectiveImpactLatestView(generics.ListAPIView):
    """Every contract you can see, side by side: the latest compiled figures to date of
    each (for a regional commissioner, every place within theirs). Newest period first."""

    serializer_class = SnapshotSerializer

    def get_queryset(self):
        return (
            ImpactSnapshot.objects.visible_to(self.request.user)
            .filter(scope=Scope.TO_DATE)
            .latest_versions()
            .order_by("contract_id", "-period__starts_on", "-version")
        )

    def get_serializer_context(self):
        query = SideBySideQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        internal = _internal_allowed(self.request.user, query.validated_data["internal"])
        return {**super().get_serializer_context(), "internal": internal}

    @extend_schema(
        parameters=[OpenApiParameter("internal", bool, description="Exact figures (commissioners)")]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ExportQuerySerializer(ImpactQuerySerializer):
    format = serializers.CharField(help_text="csv or xlsx")


class CollectiveImpactExportView(FormatInQuery, APIView):
    """The latest compiled collective impact as a file: `format=csv` or `format=xlsx`.

    Published figures, with small-number suppression; a commissioner may ask
    `internal=true` for the exact figures, labelled unpublished in the file's first row."""

    @extend_schema(parameters=[ExportQuerySerializer], responses=file_responses(exports.FORMATS))
    def get(self, request):
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        fmt = file_format(data["format"], exports.FORMATS, rule="impact.export_format")
        contract = visible_contract(request.user, data["contract"])
        period = contract_period(contract, data["period"])
        internal = _internal_allowed(request.user, data["internal"])
        snapshot = (
            ImpactSnapshot.objects.filter(contract=contract, period=period, scope=data["scope"])
            .order_by("-version")
            .first()
        )
        if snapshot is None:
            raise Http404("These figures have not been compiled yet.")
        figures = (publish.internal if internal else publish.published)(snapshot.payload)
        name = f"collective-impact-{contract.reference}-{period.label.replace(' ', '-')}"
        response = HttpResponse(exports.render(figures, fmt), content_type=exports.FORMATS[fmt])
        response["Content-Disposition"] = f'attachment; filename="{name}-{data["scope"]}.{fmt}"'
        return response
