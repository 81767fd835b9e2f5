"""The partner x ward tables of collective impact. On PostgreSQL a period's table is read
one figure at a time (one return per partner and period); these tests hold it to the
same sums as the GROUP BY it stands in for, including where it must hand over to it."""

from decimal import Decimal

import pytest

from alliance.models import Figure, WardFigure
from reporting.impact.compile import compile_impact
from tests.alliance.factories import WardFactory
from tests.reporting.impact.setup import a_return, periods

pytestmark = pytest.mark.django_db


def _wards(payload, code="FE1"):
    entry = next(i for i in payload["indicators"] if i["code"] == code)
    table = entry["wards"]
    return (
        [w["name"] for w in table["wards"]],
        {p["name"]: row for p, row in zip(table["partners"], table["cells"], strict=True)},
    )


def test_figures_of_two_versions_of_an_indicator_in_one_return_are_added_by_ward(
    contract, framework, period, organisation, lead, ward
):
    other_ward = WardFactory(name="Birkenhead")
    fe1 = framework["FE1"]
    record = a_return(period, organisation, lead, {fe1: ("12", {ward: "7", other_ward: "5"})})
    # A figure of another version of the same indicator in the same return (kept from
    # before a change of definition): the partner's ward counts are the sum of both.
    second = fe1.current_version
    second.pk, second.version = None, second.version + 1
    second.save()
    figure = Figure.objects.create(
        return_record=record, indicator_version=second, value=Decimal("4")
    )
    WardFigure.objects.create(figure=figure, ward=ward, value=Decimal("4"))
    names, cells = _wards(compile_impact(contract, period, "period"))
    assert names == ["Birkenhead", "Rock Ferry"]
    assert cells == {organisation.name: [5, 11]}


def test_to_date_ward_counts_add_the_quarters_and_a_missing_ward_counts_nought(
    contract, framework, organisation, other_organisation, lead, ward
):
    other_ward = WardFactory(name="Tranmere")
    q1, q2 = periods(contract, 2)
    fe1 = framework["FE1"]
    a_return(q1, organisation, lead, {fe1: ("3", {ward: "3"})})
    a_return(q2, organisation, lead, {fe1: ("6", {ward: "2", other_ward: "4"})})
    a_return(q2, other_organisation, lead, {fe1: ("1", {other_ward: "1"})})
    names, to_date = _wards(compile_impact(contract, q2, "to_date"))
    assert names == ["Rock Ferry", "Tranmere"]
    assert to_date == {organisation.name: [5, 4], other_organisation.name: [0, 1]}
    names, alone = _wards(compile_impact(contract, q2, "period"))
    assert alone == {organisation.name: [2, 4], other_organisation.name: [0, 1]}
