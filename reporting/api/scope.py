"""What the compiled-report views share: the contract and period the caller asked for, and
answering with a file whose format the query names."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework.renderers import JSONRenderer

from alliance.models import Contract, ReportingPeriod
from config.errors import RuleBroken
from reporting.scope import check_period


def visible_contract(user, contract_id: int) -> Contract:
    """The contract, if the caller can see it; otherwise a 404 that gives nothing away."""
    contract = Contract.objects.visible_to(user).filter(pk=contract_id).first()
    if contract is None:
        raise Http404("No contract you can see has that id.")
    return contract


def contract_period(contract: Contract, period_id: int) -> ReportingPeriod:
    """The period: a 404 if there is none, a 400 if it belongs to another contract."""
    period = ReportingPeriod.objects.filter(pk=period_id).first()
    if period is None:
        raise Http404("There is no reporting period with that id.")
    check_period(contract, period)
    return period


def file_format(asked: str, formats: dict[str, str], *, rule: str) -> str:
    """The format a file was asked for, or a 400 naming the ones there are."""
    fmt = asked.lower()
    if fmt not in formats:
        choices = ", ".join(formats)
        raise RuleBroken(
            f"There is no export format '{asked}': choose {' or '.join(formats)}.",
            rule=rule,
            fields={"format": [f"Choose one of: {choices}."]},
        )
    return fmt


def file_responses(formats: dict[str, str]) -> dict:
    """The OpenAPI answers of a file export: one binary body per format."""
    return {
        (200, media_type.split(";")[0]): OpenApiResponse(
            OpenApiTypes.BINARY, description=name.upper()
        )
        for name, media_type in formats.items()
    }


class FormatInQuery:
    """A view whose `format` query parameter names the file to answer with, not the API's
    rendering: errors stay in the JSON error shape."""

    def perform_content_negotiation(self, request, force=False):
        return JSONRenderer(), JSONRenderer.media_type
