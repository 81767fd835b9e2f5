"""The returns list's rows (`FastRowsMixin`) are exactly what DRF would write."""

from decimal import Decimal

from django.utils import timezone
from rest_framework import serializers

from alliance.api.return_serializers import ReturnListSerializer
from alliance.api.returns import LIST_VALUES, return_list_for
from alliance.models import Return
from alliance.services.returns import return_start
from config.rows import rows_from_values


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


def test_a_return_row_read_as_values_is_what_drf_would_write_from_the_instance(
    framework, period, organisation, lead, commissioner
):
    # The list view reads its page with `.values()` (config.rows.ValuesListMixin).
    return_start(period=period, organisation=organisation, by=lead)
    Return.objects.update(spend=Decimal("12.50"), accepted_at=timezone.now())
    instances = list(return_list_for(commissioner).order_by("pk"))
    values = return_list_for(commissioner).order_by("pk").values(*LIST_VALUES)
    rows = ReturnListSerializer(rows_from_values(values, Return), many=True).data
    assert rows == _as_drf_would(ReturnListSerializer, instances)
    assert rows[0]["period_label"] and rows[0]["accepted_at"].endswith("Z")
