"""Awarded grants: accepting, payments and the end-of-grant report."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from config.filtering import LIST_FILTER_BACKENDS
from config.rows import ValuesListMixin
from grants.api.filters import GrantFilter, PaymentFilter
from grants.api.panel_serializers import (
    GrantListSerializer,
    GrantSerializer,
    PaymentSerializer,
    PublishSerializer,
    ReportSerializer,
    ReportSubmitSerializer,
    WithholdSerializer,
)
from grants.models import EndOfGrantReport, Grant, Payment
from grants.services.payments import grant_accept, payment_record
from grants.services.publication import grant_publish, grant_withhold
from grants.services.reports import report_submit


def _grants(user):
    return (
        Grant.objects.visible_to(user)
        .select_related("application__organisation", "report")
        .prefetch_related("tranches")
    )


# What a list row reads (GrantListSerializer), so the page does not fetch the rest.
LIST_COLUMNS = [
    "identifier",
    "application__title",
    "application__organisation__name",
    "application__round_id",
    "amount",
    "paid_total",
    "status",
    "report_tier",
    "awarded_at",
    "accepted_at",
    "withheld",
    "report__status",
    "report__due_on",
]

# The same columns as `.values()` keys, read into `config.rows.Row`s rather than instances.
LIST_VALUES = [
    "id",
    "application_id",
    "application__organisation_id",
    "report__id",
    *LIST_COLUMNS,
]


class GrantViewSet(
    ValuesListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Grants awarded, their payment schedule and the state of their report."""

    serializer_class = GrantSerializer
    list_values = LIST_VALUES
    list_nullable = ("report",)
    filterset_class = GrantFilter
    filter_backends = LIST_FILTER_BACKENDS
    ordering_fields = ["awarded_at", "amount"]

    def get_queryset(self):
        if self.action == "list":
            # The list row's columns only (GrantListSerializer): the schedule, conditions
            # and the report's answers are on the grant itself.
            return (
                Grant.objects.visible_to(self.request.user)
                .select_related("application__organisation", "report")
                .only(*LIST_COLUMNS)
            )
        return _grants(self.request.user)

    def get_serializer_class(self):
        if self.action == "list":
            return GrantListSerializer
        return GrantSerializer

    @extend_schema(request=None, responses=GrantSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """The group accepts the award and its conditions; the report then falls due."""
        grant = grant_accept(grant=self.get_object(), by=request.user)
        return Response(GrantSerializer(self.get_queryset().get(pk=grant.pk)).data)

    @extend_schema(request=WithholdSerializer, responses=GrantSerializer)
    @action(detail=True, methods=["post"])
    def withhold(self, request, pk=None):
        """Keep the grant out of the 360Giving open data, with a reason (commissioners).

        It is then counted in the published package but not listed."""
        serializer = WithholdSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        grant = grant_withhold(grant=self.get_object(), by=request.user, reason=data["reason"])
        return Response(GrantSerializer(self.get_queryset().get(pk=grant.pk)).data)

    @extend_schema(request=PublishSerializer, responses=GrantSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """List a withheld grant in the open data again (commissioners)."""
        serializer = PublishSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        grant = grant_publish(grant=self.get_object(), by=request.user, comment=data["comment"])
        return Response(GrantSerializer(self.get_queryset().get(pk=grant.pk)).data)


class _OfGrant:
    def grant(self) -> Grant:
        if not hasattr(self, "_grant"):
            self._grant = get_object_or_404(
                Grant.objects.visible_to(self.request.user).select_related("application"),
                pk=self.kwargs["grant_pk"],
            )
        return self._grant


class PaymentViewSet(
    _OfGrant, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Payments made on a grant. Commissioners record them; never more than the award."""

    serializer_class = PaymentSerializer
    filterset_class = PaymentFilter
    ordering_fields = ["paid_on"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Payment.objects.none()
        return Payment.objects.visible_to(self.request.user).filter(grant=self.grant())

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = payment_record(
            grant=self.grant(),
            by=self.request.user,
            amount=data["amount"],
            paid_on=data["paid_on"],
            reference=data["reference"],
            tranche=data.get("tranche"),
        )


class ReportView(_OfGrant, APIView):
    """The end-of-grant report: the questions for the grant's size, its due date and
    whether it is overdue (GET); the group sends its answers (POST)."""

    def report(self) -> EndOfGrantReport:
        report = EndOfGrantReport.objects.filter(grant=self.grant()).first()
        if report is None:
            raise NotFound("There is no report yet: it falls due once the grant is accepted.")
        return report

    @extend_schema(responses=ReportSerializer)
    def get(self, request, grant_pk=None):
        return Response(ReportSerializer(self.report()).data)

    @extend_schema(request=ReportSubmitSerializer, responses=ReportSerializer)
    def post(self, request, grant_pk=None):
        serializer = ReportSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = report_submit(
            report=self.report(), by=request.user, answers=serializer.validated_data["answers"]
        )
        return Response(ReportSerializer(report).data)
