"""Programmes and rounds, with a round's ranking and its fund-down action."""

from django.db.models import Count
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from config.errors import NotAllowed
from grants.access import commissions_programme, is_panel_member, require_commissioner
from grants.api.filters import ProgrammeFilter, RoundFilter
from grants.api.panel_serializers import (
    FundDownRequestSerializer,
    FundDownResultSerializer,
    RankingSerializer,
)
from grants.api.serializers import ProgrammeSerializer, RoundSerializer
from grants.models import Application, Programme, Round
from grants.services.fund_down import round_fund_down_ranking
from grants.services.programmes import programme_create, round_create
from grants.services.ranking import round_ranking


class ProgrammeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Grant programmes: the funder's budget and the rules every round keeps.

    Every signed-in person can read them; only commissioners set them up."""

    serializer_class = ProgrammeSerializer
    filterset_class = ProgrammeFilter
    ordering_fields = ["name", "created_at", "budget"]

    def get_queryset(self):
        return Programme.objects.visible_to(self.request.user)

    def create(self, request, *args, **kwargs):
        # Before validating, so nobody else can probe the input (e.g. which e-mails exist).
        require_commissioner(request.user, "set up a grant programme")
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = programme_create(
            by=self.request.user, data=dict(serializer.validated_data)
        )


class RoundViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Rounds of a programme: when they open and close, their budget and how they decide."""

    serializer_class = RoundSerializer
    filterset_class = RoundFilter
    ordering_fields = ["opens_at", "closes_at", "budget"]

    def get_queryset(self):
        return (
            Round.objects.visible_to(self.request.user)
            .select_related("programme")
            .prefetch_related("criteria")
            .annotate(panel_size=Count("panel_members", distinct=True))
            .order_by("-opens_at", "id")  # a GROUP BY drops the model's default ordering
        )

    def create(self, request, *args, **kwargs):
        # Before validating, so nobody else can probe the input (e.g. which e-mails exist).
        require_commissioner(request.user, "set up a grant round")
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        criteria = [dict(c) for c in data.pop("criteria", [])]
        panel = data.pop("panel_members", [])
        programme = data.pop("programme")
        created = round_create(
            by=self.request.user, programme=programme, data=data, criteria=criteria, panel=panel
        )
        serializer.instance = self.get_queryset().get(pk=created.pk)

    @extend_schema(responses=RankingSerializer)
    @action(detail=True, methods=["get"])
    def ranking(self, request, pk=None):
        """The round's ranked list, by its decision method (rule 15).

        Commissioners see all of it; a panel member sees the applications they have no
        conflict with (rule 13)."""
        round_ = self.get_object()
        user = request.user
        entries = round_ranking(round_)
        if not commissions_programme(user, round_.programme):
            if not is_panel_member(user, round_.pk):
                raise NotAllowed(
                    "Only the funding council's commissioners and this round's panel see its "
                    "ranking.",
                    rule="grants.panel_only",
                )
            allowed = set(
                Application.objects.assessable_by(user)
                .filter(round=round_)
                .values_list("pk", flat=True)
            )
            entries = [entry for entry in entries if entry.application_id in allowed]
        body = {
            "round": round_.pk,
            "method": round_.decision_method,
            "budget": round_.budget,
            "awarded_total": round_.awarded_total,
            "entries": entries,
        }
        return Response(RankingSerializer(body).data)

    @extend_schema(request=FundDownRequestSerializer, responses=FundDownResultSerializer)
    @action(detail=True, methods=["post"], url_path="fund-down-ranking")
    def fund_down_ranking(self, request, pk=None):
        """Award in rank order while the budget lasts; says where it stopped and why."""
        round_ = self.get_object()
        serializer = FundDownRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = round_fund_down_ranking(
            round_=round_,
            by=request.user,
            conditions=serializer.validated_data.get("conditions", ""),
        )
        round_.refresh_from_db()
        programme = Programme.objects.get(pk=round_.programme_id)
        body = {
            "decisions": result.decisions,
            "stopped_at": result.stopped_at,
            "reason": result.reason,
            "round_remaining": round_.remaining,
            "programme_remaining": programme.budget - programme.awarded_total,
        }
        return Response(FundDownResultSerializer(body).data, status=status.HTTP_200_OK)
