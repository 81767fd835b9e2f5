"""The public open-data endpoints: no login, nothing personal, streamed."""

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from reporting.opendata import ocds, threesixtygiving


class _Public(APIView):
    # Open data is public: no credentials are asked for (or looked at) and none needed.
    authentication_classes: list = []
    permission_classes = [AllowAny]


class ThreeSixtyGivingJSONView(_Public):
    """Every awarded grant that is not withheld, as a 360Giving JSON package.

    Withheld grants are counted in the package's description but not listed; unregistered
    groups never have a postcode or address published."""

    @extend_schema(
        responses={
            (200, "application/json"): OpenApiResponse(
                OpenApiTypes.OBJECT, description="A 360Giving data package"
            )
        }
    )
    def get(self, request):
        response = StreamingHttpResponse(
            threesixtygiving.json_package(), content_type="application/json"
        )
        response["Content-Disposition"] = 'inline; filename="360giving.json"'
        return response


class ThreeSixtyGivingCSVView(_Public):
    """The same grants as CSV, with the 360Giving standard's column titles."""

    @extend_schema(
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description="360Giving grants as CSV"
            )
        }
    )
    def get(self, request):
        response = StreamingHttpResponse(
            threesixtygiving.csv_rows(), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="360giving.csv"'
        return response


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
