"""Contracts, allocations, variations, indicators and periods. Views parse, call a service,
render; who sees what is `visible_to(user)` on each queryset."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from alliance.api import contract_serializers as s
from alliance.api.contract_filters import (
    AllocationFilter,
    ContractFilter,
    IndicatorFilter,
    PeriodFilter,
    VariationFilter,
)
from alliance.models import (
    Allocation,
    Contract,
    ContractMember,
    Indicator,
    Priority,
    ReportingPeriod,
    Variation,
)
from alliance.services.contracts import allocation_set, contract_activate, contract_create
from alliance.services.framework import indicator_create, indicator_revise
from alliance.services.variations import variation_approve, variation_propose, variation_reject


def _contracts(user):
    return (
        Contract.objects.visible_to(user)
        .select_related("place", "council")
        .prefetch_related(
            Prefetch("members", queryset=ContractMember.objects.select_related("organisation")),
            "years",
            Prefetch("priorities", queryset=Priority.objects.order_by("number")),
        )
    )


class ContractViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Alliance contracts: partners see the contracts they are in; commissioners those of the
    places they commission (a regional commissioner, every place in the region).

    A commissioner sets a contract up (`POST`), sets its first allocations, then starts it
    (`activate/`); after that its money and term change only through variations."""

    serializer_class = s.ContractSerializer
    filterset_class = ContractFilter
    ordering_fields = ["starts_on", "title", "value"]

    def get_queryset(self):
        return _contracts(self.request.user)

    def _render(self, contract, code=status.HTTP_200_OK):
        return Response(
            self.get_serializer(_contracts(self.request.user).get(pk=contract.pk)).data, status=code
        )

    @extend_schema(request=s.ContractCreateSerializer, responses={201: s.ContractSerializer})
    def create(self, request):
        data = s.ContractCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["members"] = [dict(m) for m in values["members"]]
        contract = contract_create(by=request.user, **values)
        return self._render(contract, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.ContractSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        """Start the contract: allocations then change only through variations."""
        return self._render(contract_activate(contract=self.get_object(), by=request.user))


class _ContractChildMixin:
    def contract(self) -> Contract:
        if not hasattr(self, "_contract"):
            self._contract = get_object_or_404(
                Contract.objects.visible_to(self.request.user), pk=self.kwargs["contract_pk"]
            )
        return self._contract


class AllocationViewSet(_ContractChildMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Allocations per partner per contract year. A partner sees its own.

    While the contract is being set up a commissioner sets them here (`POST`); once it has
    started, only an approved variation changes them. Never over a year's budget."""

    serializer_class = s.AllocationSerializer
    filterset_class = AllocationFilter
    ordering_fields = ["amount"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Allocation.objects.none()
        return (
            Allocation.objects.visible_to(self.request.user)
            .filter(contract_year__contract=self.contract())
            .select_related("contract_year", "organisation")
        )

    @extend_schema(request=s.AllocationInputSerializer, responses={201: s.AllocationSerializer})
    def create(self, request, contract_pk=None):
        data = s.AllocationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        allocation = allocation_set(
            contract=self.contract(),
            organisation=data.validated_data["organisation"],
            year_number=data.validated_data["year"],
            amount=data.validated_data["amount"],
            by=request.user,
        )
        allocation = self.get_queryset().get(pk=allocation.pk)
        return Response(s.AllocationSerializer(allocation).data, status=status.HTTP_201_CREATED)


class VariationViewSet(
    _ContractChildMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Variations to a contract, newest first, each with its before and after: the history of
    the contract's money and term. Proposed by a commissioner or the lead partner's alliance
    lead; applied, all at once, only when a commissioner approves."""

    serializer_class = s.VariationSerializer
    filterset_class = VariationFilter
    ordering_fields = ["proposed_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Variation.objects.none()
        return (
            Variation.objects.visible_to(self.request.user)
            .filter(contract=self.contract())
            .select_related("proposed_by", "decided_by")
        )

    def _render(self, variation, code=status.HTTP_200_OK):
        return Response(
            s.VariationSerializer(self.get_queryset().get(pk=variation.pk)).data, status=code
        )

    @extend_schema(request=s.VariationInputSerializer, responses={201: s.VariationSerializer})
    def create(self, request, contract_pk=None):
        data = s.VariationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        variation = variation_propose(
            contract=self.contract(), by=request.user, **data.validated_data
        )
        return self._render(variation, status.HTTP_201_CREATED)

    @extend_schema(request=s.VariationDecisionSerializer, responses=s.VariationSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, contract_pk=None, pk=None):
        """Apply the variation atomically; it keeps the contract's figures before and after."""
        data = s.VariationDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        variation = variation_approve(
            variation=self.get_object(), by=request.user, **data.validated_data
        )
        return self._render(variation)

    @extend_schema(request=s.VariationDecisionSerializer, responses=s.VariationSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, contract_pk=None, pk=None):
        """Turn the variation down, with the reason; nothing changes."""
        data = s.VariationDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        variation = variation_reject(
            variation=self.get_object(), by=request.user, **data.validated_data
        )
        return self._render(variation)


class IndicatorViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The outcome framework's indicators, at their current version.

    A commissioner adds one (`POST`) or revises it (`PATCH`): a revision adds a version, and
    figures already given keep the version they answered."""

    serializer_class = s.IndicatorSerializer
    filterset_class = IndicatorFilter
    ordering_fields = ["code"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return (
            Indicator.objects.visible_to(self.request.user)
            .select_related("priority", "current_version")
            .prefetch_related("current_version__targets")
        )

    def _render(self, indicator, code=status.HTTP_200_OK):
        return Response(
            s.IndicatorSerializer(self.get_queryset().get(pk=indicator.pk)).data, status=code
        )

    @staticmethod
    def _split(validated):
        data = dict(validated)
        targets = data.pop("targets", None)
        if targets is not None:
            targets = {t["year_number"]: t["value"] for t in targets}
        return data, targets

    @extend_schema(request=s.IndicatorCreateSerializer, responses={201: s.IndicatorSerializer})
    def create(self, request):
        data = s.IndicatorCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values, targets = self._split(data.validated_data)
        indicator = indicator_create(
            contract=values.pop("contract"),
            code=values.pop("code"),
            priority=values.pop("priority", None),
            by=request.user,
            data=values,
            targets=targets,
        )
        return self._render(indicator, status.HTTP_201_CREATED)

    @extend_schema(request=s.IndicatorReviseSerializer, responses=s.IndicatorSerializer)
    def partial_update(self, request, pk=None):
        data = s.IndicatorReviseSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values, targets = self._split(data.validated_data)
        indicator = indicator_revise(
            indicator=self.get_object(), by=request.user, data=values, targets=targets
        )
        return self._render(indicator)


class PeriodViewSet(viewsets.ReadOnlyModelViewSet):
    """Reporting periods: the financial-year quarters of each contract's term, with the date
    each quarter's return is due."""

    serializer_class = s.PeriodSerializer
    filterset_class = PeriodFilter
    ordering_fields = ["starts_on", "due_on"]

    def get_queryset(self):
        return ReportingPeriod.objects.visible_to(self.request.user).select_related("contract_year")
