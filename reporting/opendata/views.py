"""The public open-data endpoints: no login, nothing personal, streamed."""

from collections.abc import Iterator
from itertools import chain

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from reporting.opendata import ocds, threesixtygiving


class _NoNegotiation(BaseContentNegotiation):
    """Each file is what it is (JSON or CSV) and an error is the API's JSON error shape,
    whatever the request's Accept header: `Accept: text/csv` on the CSV, as a download tool
    may send, gets the CSV rather than a 406."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class _Public(APIView):
    # Open data is public: no credentials are asked for (or looked at) and none needed.
    authentication_classes: list = []
    permission_classes = [AllowAny]
    content_negotiation_class = _NoNegotiation


_NOTHING_PUBLISHED = OpenApiResponse(
    description="No grant can be published yet (none awarded, or every one withheld or held "
    "back): a 360Giving package needs at least one grant, so there is none to give."
)


def _streamed(pieces: Iterator[str], content_type: str, disposition: str) -> StreamingHttpResponse:
    # The first piece is made before the response starts, so that "nothing to publish" can
    # still be a 404 rather than a 200 cut short; it is read from the first chunk of rows.
    try:
        first = next(pieces)
    except threesixtygiving.NothingToPublish as empty:
        raise NotFound(empty.message) from None
    response = StreamingHttpResponse(chain([first], pieces), content_type=content_type)
    response["Content-Disposition"] = disposition
    return response


class ThreeSixtyGivingJSONView(_Public):
    """Every awarded grant that is not withheld, as a 360Giving JSON package.

    Withheld grants are counted in the package's description but not listed; unregistered
    groups never have a postcode or address published. With no grant to publish the answer
    is 404: the standard's package needs at least one grant."""

    @extend_schema(
        responses={
            (200, "application/json"): OpenApiResponse(
                OpenApiTypes.OBJECT, description="A 360Giving data package"
            ),
            404: _NOTHING_PUBLISHED,
        }
    )
    def get(self, request):
        return _streamed(
            threesixtygiving.json_package(),
            "application/json",
            'inline; filename="360giving.json"',
        )


class ThreeSixtyGivingCSVView(_Public):
    """The same grants as CSV, with the 360Giving standard's column titles."""

    @extend_schema(
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description="360Giving grants as CSV"
            ),
            404: _NOTHING_PUBLISHED,
        }
    )
    def get(self, request):
        return _streamed(
            threesixtygiving.csv_rows(),
            "text/csv; charset=utf-8",
            'attachment; filename="360giving.csv"',
        )


class OCDSContractView(_Public):
    """An Alliance contract as an OCDS 1.1 release package. A contract still being set up
    is not published (404)."""

    @extend_schema(
        responses={
            (200, "application/json"): OpenApiResponse(
                OpenApiTypes.OBJECT, description="An OCDS 1.1 release package"
            )
        }
    )
    def get(self, request, pk: int):
        return ocds.release_package_response(pk)
