"""Applications and their actions. Views parse input, call one service, render."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from config.filtering import LIST_FILTER_BACKENDS
from config.rows import ValuesListMixin
from grants.api.filters import ApplicationFilter
from grants.api.serializers import (
    ApplicationListSerializer,
    ApplicationSerializer,
    DecideSerializer,
    WithdrawSerializer,
)
from grants.models import Application, BudgetLine
from grants.services.applications import (
    application_create,
    application_submit,
    application_update,
    application_withdraw,
)
from grants.services.awards import application_decide

# What a list row reads (ApplicationListSerializer), so the page does not fetch the rest.
LIST_COLUMNS = [
    "round_id",
    "organisation__name",
    "status",
    "title",
    "amount_requested",
    "ward_codes",
    "expected_beneficiaries",
    "themes",
    "starts_on",
    "ends_on",
    "submitted_at",
    "created_at",
    "updated_at",
    "decision__outcome",
    "decision__method",
    "decision__amount",
    "decision__conditions",
    "decision__reason",
    "decision__rank",
    "decision__decided_at",
    "grant__id",
]

# The same columns as `.values()` keys, read into `config.rows.Row`s rather than instances.
LIST_VALUES = [
    "id",
    "organisation_id",
    "decision__id",
    *LIST_COLUMNS,
]


class ApplicationViewSet(
    ValuesListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Applications for micro-grants.

    Save a draft as often as you like with any part filled in (POST, then PATCH); nothing
    is checked until you submit, when every problem is listed at once. Visible to the
    applicant organisation's members, commissioners, and the round's panel members who
    have no conflict with it."""

    serializer_class = ApplicationSerializer
    list_values = LIST_VALUES
    list_nullable = ("decision", "grant")
    filterset_class = ApplicationFilter
    filter_backends = LIST_FILTER_BACKENDS
    ordering_fields = ["created_at", "submitted_at", "amount_requested", "title"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.action == "list":
            # The list row's columns only (ApplicationListSerializer): no summary (up to
            # 20,000 characters) or budget lines, which are on the application itself.
            return (
                Application.objects.visible_to(self.request.user)
                .select_related("organisation", "decision", "grant")
                .only(*LIST_COLUMNS)
            )
        return (
            Application.objects.visible_to(self.request.user)
            .select_related("organisation", "decision", "grant")
            .prefetch_related(
                Prefetch("budget_lines", queryset=BudgetLine.objects.order_by("position", "pk"))
            )
        )

    def get_serializer_class(self):
        if self.action == "list":
            return ApplicationListSerializer
        return ApplicationSerializer

    def _render(self, application_id: int) -> Response:
        return Response(ApplicationSerializer(self.get_queryset().get(pk=application_id)).data)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        round_ = data.pop("round")
        organisation = data.pop("organisation")
        if "budget_lines" in data:
            data["budget_lines"] = [dict(line) for line in data["budget_lines"]]
        created = application_create(
            round_=round_, organisation=organisation, by=self.request.user, data=data
        )
        serializer.instance = self.get_queryset().get(pk=created.pk)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        if "budget_lines" in data:
            data["budget_lines"] = [dict(line) for line in data["budget_lines"]]
        application_update(application=serializer.instance, by=self.request.user, data=data)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    @extend_schema(request=None, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit while the round is open (rule 11); every eligibility problem is listed
        in `problems` (rule 12) and the draft is kept."""
        application = application_submit(application=self.get_object(), by=request.user)
        return self._render(application.pk)

    @extend_schema(request=WithdrawSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw the application, at any time before a decision."""
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = application_withdraw(
            application=self.get_object(),
            by=request.user,
            reason=serializer.validated_data.get("reason", ""),
        )
        return self._render(application.pk)

    @extend_schema(request=DecideSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Commissioners: award up to the amount requested (with conditions), or decline
        with a reason the group will see. Awards never overspend the round or programme."""
        serializer = DecideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        application = self.get_object()
        application_decide(
            application=application,
            by=request.user,
            outcome=data["outcome"],
            amount=data.get("amount"),
            conditions=data.get("conditions", ""),
            reason=data.get("reason", ""),
        )
        return self._render(application.pk)
