"""Domain errors and the one place that turns every error into the API's error shape.

Services raise `RuleBroken` (400), `NotAllowed` (403) or `Conflict` (409) naming the rule;
views never build error responses themselves. Every error answer looks like:

    {"status": 400, "code": "rule_broken", "rule": "returns.numerator_within_denominator",
     "message": "A sentence a person can act on.",
     "fields": {"amount": ["Enter an amount of at least £250.00."]},
     "problems": [{"code": "...", "message": "..."}]}
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Problem:
    """One failing check, for errors that list several (eligibility, completeness)."""

    code: str
    message: str
    field: str | None = None

    def as_dict(self) -> dict:
        data = {"code": self.code, "message": self.message}
        if self.field:
            data["field"] = self.field
        return data


class DomainError(Exception):
    status_code = status.HTTP_400_BAD_REQUEST
    code = "rule_broken"

    def __init__(
        self,
        message: str,
        *,
        rule: str | None = None,
        fields: dict[str, list[str]] | None = None,
        problems: list[Problem] | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.rule = rule
        self.fields = fields or {}
        self.problems = problems or []


class RuleBroken(DomainError):
    """The request would break one of the system's rules (DESIGN §3)."""


class NotAllowed(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "not_allowed"


class Conflict(DomainError):
    """The object changed under the request: another action won, or it already exists."""

    status_code = status.HTTP_409_CONFLICT
    code = "conflict"


def error_body(
    *,
    status_code: int,
    code: str,
    message: str,
    rule: str | None = None,
    fields: dict | None = None,
    problems: list[dict] | None = None,
) -> dict:
    return {
        "status": status_code,
        "code": code,
        "rule": rule,
        "message": message,
        "fields": fields or {},
        "problems": problems or [],
    }


def _flatten(detail) -> list[str]:
    if isinstance(detail, dict):
        return [m for value in detail.values() for m in _flatten(value)]
    if isinstance(detail, list):
        return [m for item in detail for m in _flatten(item)]
    return [str(detail)]


def _validation_body(detail) -> dict:
    fields: dict = {}
    general: list[str] = []
    if isinstance(detail, dict):
        for name, value in detail.items():
            if name in ("non_field_errors", "__all__"):
                general.extend(_flatten(value))
            else:
                fields[name] = value if isinstance(value, (list, dict)) else [value]
    else:
        general.extend(_flatten(detail))
    if general:
        message = " ".join(general)
    elif len(fields) == 1:
        name, value = next(iter(fields.items()))
        message = f"{name}: {' '.join(_flatten(value))}"
    else:
        message = "Some fields need correcting: " + ", ".join(fields) + "."
    return error_body(
        status_code=400,
        code="invalid",
        message=message,
        fields=fields,
    )


def api_exception_handler(exc, context):
    if isinstance(exc, (OperationalError, InterfaceError)):
        # The database went away mid-request. Every service runs in one transaction, so
        # nothing was half-saved; the client may safely try again.
        logger.warning("Database unavailable during %s: %s", context.get("view"), exc)
        body = error_body(
            status_code=503,
            code="database_unavailable",
            message="The database is not answering just now. Nothing was saved; please try "
            "again in a minute.",
        )
        return Response(body, status=503, headers={"Retry-After": "30"})
    if isinstance(exc, DomainError):
        body = error_body(
            status_code=exc.status_code,
            code=exc.code,
            message=exc.message,
            rule=exc.rule,
            fields=exc.fields,
            problems=[p.as_dict() for p in exc.problems],
        )
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    if isinstance(exc, exceptions.ValidationError):
        return Response(_validation_body(exc.detail), status=400)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found: it does not exist, or you cannot see it.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        return None
    messages = _flatten(response.data)
    response.data = error_body(
        status_code=response.status_code,
        code=getattr(exc, "default_code", "error"),
        message=" ".join(messages),
    )
    return response


def _json_error(status_code: int, code: str, message: str):
    from django.http import JsonResponse

    body = error_body(status_code=status_code, code=code, message=message)
    return JsonResponse(body, status=status_code)


def not_found(request, exception=None):
    """A URL that matches nothing: JSON under /api/, the usual page elsewhere."""
    if request.path.startswith("/api/"):
        return _json_error(404, "not_found", "Not found: it does not exist, or you cannot see it.")
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def server_error(request):
    """An unexpected failure: nothing about it is shown, and it is logged for us."""
    if request.path.startswith("/api/"):
        return _json_error(
            500,
            "server_error",
            "Something went wrong on our side and it has been logged. Please try again.",
        )
    from django.views.defaults import server_error as default_server_error

    return default_server_error(request)
