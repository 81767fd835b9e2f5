"""Quarterly returns and their review, and the shared learning drawn from them."""

from django.db.models import OuterRef, Prefetch, Subquery
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from alliance.api import return_serializers as s
from alliance.api.contract_filters import LearningFilter, ReturnFilter
from alliance.models import Allocation, Figure, LearningEntry, Return, WardFigure
from alliance.return_history import return_history
from alliance.services.returns import return_start, return_update
from alliance.services.review import (
    return_accept,
    return_comment,
    return_reopen,
    return_request_changes,
    return_submit,
)
from config.filtering import LIST_FILTER_BACKENDS
from config.rows import ValuesListMixin

PAGE_PARAMETERS = [
    OpenApiParameter("page", int, description="A page number within the paginated result."),
    OpenApiParameter("page_size", int, description="Rows per page, up to 200."),
]


def _allocations():
    # One allocation per partner and contract year (a unique constraint), so no ordering:
    # the model's default one would join every partner's name into the subquery.
    return (
        Allocation.objects.filter(
            contract_year_id=OuterRef("period__contract_year_id"),
            organisation_id=OuterRef("organisation_id"),
        )
        .order_by()
        .values("amount")[:1]
    )


# The columns a list row shows (ReturnListSerializer): not the narrative, which can be long.
LIST_COLUMNS = [
    "contract_id",
    "period__financial_year",
    "period__quarter",
    "period__due_on",
    "organisation__name",
    "status",
    "is_late",
    "rating",
    "spend",
    "created_at",
    "updated_at",
    "first_submitted_at",
    "submitted_at",
    "accepted_at",
]

# The same columns as `.values()` keys, read into `config.rows.Row`s rather than instances.
LIST_VALUES = ["id", "period_id", "organisation_id", *LIST_COLUMNS, "allocation"]


def return_list_for(user):
    """The list's rows: no figures or narrative lists, which the list does not show."""
    return (
        Return.objects.visible_to(user)
        .select_related("period", "organisation")
        .only(*LIST_COLUMNS)
        .annotate(allocation=Subquery(_allocations()))
    )


def returns_for(user):
    allocation = _allocations()
    figures = Figure.objects.select_related("indicator_version__indicator").prefetch_related(
        Prefetch("wards", queryset=WardFigure.objects.select_related("ward"))
    )
    return (
        Return.objects.visible_to(user)
        .select_related("period", "organisation")
        .annotate(allocation=Subquery(allocation))
        .prefetch_related(Prefetch("figures", queryset=figures), "stories", "learning", "risks")
    )


class ReturnViewSet(
    ValuesListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Quarterly returns, one per partner per period. A partner's leads and contributors
    see and edit its returns; commissioners see those of the places they commission.

    States: `draft -> submitted -> accepted`, `submitted -> changes_requested -> submitted`,
    `accepted -> reopened -> submitted`. Leads and contributors edit a draft, a return with
    changes requested, or a reopened one; only a lead submits; only a commissioner asks for
    changes, accepts (with a rating) or reopens. Every action answers the updated return."""

    serializer_class = s.ReturnSerializer
    list_values = LIST_VALUES
    filterset_class = ReturnFilter
    filter_backends = LIST_FILTER_BACKENDS
    ordering_fields = ["period__starts_on", "submitted_at", "status"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.action == "list":
            return return_list_for(self.request.user)
        if self.action == "retrieve":
            return returns_for(self.request.user)
        # Actions lock and reload the return themselves; they only need to find it.
        return Return.objects.visible_to(self.request.user)

    def _render(self, return_, code=status.HTTP_200_OK):
        return Response(
            s.ReturnSerializer(returns_for(self.request.user).get(pk=return_.pk)).data,
            status=code,
        )

    def get_serializer_class(self):
        if self.action == "list":
            return s.ReturnListSerializer
        return s.ReturnSerializer

    def _input(self, serializer_class):
        data = serializer_class(data=self.request.data)
        data.is_valid(raise_exception=True)
        return data.validated_data

    @extend_schema(request=s.ReturnCreateSerializer, responses={201: s.ReturnSerializer})
    def create(self, request):
        """Start a return for a period, prefilled from the partner's previous one."""
        return_ = return_start(**self._input(s.ReturnCreateSerializer), by=request.user)
        return self._render(return_, status.HTTP_201_CREATED)

    @extend_schema(request=s.ReturnUpdateSerializer, responses=s.ReturnSerializer)
    def partial_update(self, request, pk=None):
        """Change figures, spend, narrative, stories, learning or risks. Lists given here
        (stories, learning, risks) replace the return's; figures are matched by indicator."""
        data = self._input(s.ReturnUpdateSerializer)
        return self._render(return_update(return_=self.get_object(), by=request.user, data=data))

    @extend_schema(request=None, responses=s.ReturnSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit (alliance lead). Every failing check is listed in `problems`."""
        return self._render(return_submit(return_=self.get_object(), by=request.user))

    @extend_schema(request=s.ReasonSerializer, responses=s.ReturnSerializer)
    @action(detail=True, methods=["post"], url_path="request-changes")
    def request_changes(self, request, pk=None):
        """Send a submitted return back to the partner (commissioner; reason required)."""
        reason = self._input(s.ReasonSerializer)["reason"]
        return_ = return_request_changes(return_=self.get_object(), by=request.user, reason=reason)
        return self._render(return_)

    @extend_schema(request=s.AcceptSerializer, responses=s.ReturnSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept with a rating on the Procurement Act 2023 scale (commissioner)."""
        data = self._input(s.AcceptSerializer)
        return self._render(return_accept(return_=self.get_object(), by=request.user, **data))

    @extend_schema(request=s.ReasonSerializer, responses=s.ReturnSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """Return an accepted return to editing (commissioner; reason required)."""
        reason = self._input(s.ReasonSerializer)["reason"]
        return self._render(
            return_reopen(return_=self.get_object(), by=request.user, reason=reason)
        )

    def _page(self, rows, serializer_class):
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(serializer_class(page, many=True).data)

    @extend_schema(responses=s.HistoryPageSerializer, parameters=PAGE_PARAMETERS)
    @action(detail=True, methods=["get"], filterset_class=None)
    def history(self, request, pk=None):
        """Every transition, and every change to a figure after first submission, oldest
        first: who, when, from, to, and the comment. Paginated like every list."""
        return self._page(return_history(self.get_object()), s.HistoryEntrySerializer)

    @extend_schema(methods=["GET"], responses=s.CommentPageSerializer, parameters=PAGE_PARAMETERS)
    @extend_schema(
        methods=["POST"], request=s.CommentInputSerializer, responses={201: s.CommentSerializer}
    )
    @action(detail=True, methods=["get", "post"], filterset_class=None)
    def comments(self, request, pk=None):
        """Commissioners' comments on the whole return or on one figure (`figure`), oldest
        first. Partners read them; commissioners write them."""
        return_ = self.get_object()
        comments = return_.comments.select_related("author", "figure__indicator_version__indicator")
        if request.method == "POST":
            data = self._input(s.CommentInputSerializer)
            comment = return_comment(return_=return_, by=request.user, **data)
            return Response(s.CommentSerializer(comments.get(pk=comment.pk)).data, status=201)
        return self._page(comments, s.CommentSerializer)


class LearningViewSet(viewsets.ReadOnlyModelViewSet):
    """Shared learning: what partners found worked and what did not. A partner sees its own
    entries, and every partner's once the council has accepted the return they came in."""

    serializer_class = s.LearningSerializer
    filterset_class = LearningFilter
    ordering_fields = ["id", "theme"]

    def get_queryset(self):
        return LearningEntry.objects.visible_to(self.request.user).select_related(
            "return_record__organisation", "return_record__period"
        )
