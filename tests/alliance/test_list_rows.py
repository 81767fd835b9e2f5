"""The returns list's rows (`FastRowsMixin`) are exactly what DRF would write."""

from decimal import Decimal

from rest_framework import serializers

from alliance.api.return_serializers import ReturnListSerializer
from alliance.api.returns import return_list_for
from alliance.models import Return
from alliance.services.returns import return_start


def _as_drf_would(serializer_class, rows):
    serializer = serializer_class()
    return [serializers.ModelSerializer.to_representation(serializer, row) for row in rows]


def test_a_return_row_is_what_drf_would_write(framework, period, organisation, lead, commissioner):
    return_start(period=period, organisation=organisation, by=lead)
    Return.objects.update(spend=Decimal("12.50"))
    rows = list(return_list_for(commissioner))
    assert rows
    fast = ReturnListSerializer(rows, many=True).data
    assert fast == _as_drf_would(ReturnListSerializer, rows)
    assert fast[0]["submitted_at"] is None and fast[0]["spend"] == "12.50"
