"""A list serializer's row plan is built once per process and holds nothing of a request;
a serializer whose rows could depend on the request keeps a plan per page."""

import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from alliance.api.return_serializers import ReturnListSerializer
from alliance.models import Organisation
from config import rows
from config.rows import rows_from_values
from grants.api.panel_serializers import GrantListSerializer
from grants.api.serializers import ApplicationListSerializer, DecisionRowSerializer


class _AsksTheRequest(rows.FastRowsMixin, serializers.ModelSerializer):
    who = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = ["id", "name", "who"]

    def get_who(self, obj) -> str:
        return self.context["request"].user.email


class _Plain(rows.FastRowsMixin, serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "created_at"]


def test_list_plans_are_built_once_and_shared_between_requests():
    request = APIRequestFactory().get("/")
    first = ReturnListSerializer(context={"request": request})._row_plan()
    second = ReturnListSerializer(context={"request": object()})._row_plan()
    assert first is second
    for _name, field, _path, _convert in first:
        # Bound to a serializer made with no request, never to a page's.
        assert field.root.context == {}
    for serializer_class in (ApplicationListSerializer, GrantListSerializer, DecisionRowSerializer):
        assert serializer_class._shareable()


def test_a_serializer_that_reads_the_request_keeps_a_plan_per_page():
    assert not _AsksTheRequest._shareable()
    one = _AsksTheRequest(context={"request": object()})
    two = _AsksTheRequest(context={"request": object()})
    assert one._row_plan() is not two._row_plan()


def test_plans_follow_the_time_zone_and_a_change_of_settings():
    europe = _Plain()._row_plan()
    with timezone.override("America/New_York"):
        assert _Plain()._row_plan() is not europe
    assert _Plain()._row_plan() is europe
    with override_settings(REST_FRAMEWORK={"DATETIME_FORMAT": "%Y"}):
        assert _Plain()._row_plan() is not europe


def test_value_rows_read_like_instances():
    from alliance.models import ReportingPeriod, Return
    from alliance.models.framework import period_label
    from grants.models import Application

    period = {"period__id": 7, "period__financial_year": 2025, "period__quarter": 2}
    (row,) = rows_from_values([{"id": 1, "organisation__name": "Hope", **period}], Return)
    assert row.pk == 1 and row.organisation.name == "Hope"
    # A model property, computed by the model's own code from the columns read.
    assert row.period.label == period_label(2025, 2)
    assert isinstance(row.period, rows.row_class(ReportingPeriod))

    values = [
        {"id": 1, "decision__id": None, "decision__outcome": None, "grant__id": None},
        {"id": 2, "decision__id": 5, "decision__outcome": "award", "grant__id": 9},
    ]
    undecided, awarded = rows_from_values(values, Application, ("decision", "grant"))
    assert undecided.decision is None and undecided.grant is None
    assert awarded.decision.outcome == "award" and awarded.grant.pk == 9
    assert rows_from_values([], Application) == []


def test_a_column_hidden_by_a_property_is_refused():
    from alliance.models import ReportingPeriod

    with pytest.raises(ValueError, match="label is a property"):
        rows_from_values([{"id": 1, "label": "x"}], ReportingPeriod)
