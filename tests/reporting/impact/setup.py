"""Accepted returns for the collective impact tests, written straight to the tables (the
returns workflow has its own tests)."""

from decimal import Decimal

from alliance.models import Figure, Return, WardFigure


def a_return(period, organisation, by, figures, *, status="accepted"):
    """`figures`: {indicator: value | (numerator, denominator) | (value, {ward: value})}."""
    record = Return.objects.create(
        contract=period.contract,
        period=period,
        organisation=organisation,
        status=status,
        rating="good" if status == "accepted" else "",
        created_by=by,
    )
    for indicator, given in figures.items():
        version = indicator.current_version
        wards = {}
        if version.aggregation == "ratio":
            figure = Figure.objects.create(
                return_record=record,
                indicator_version=version,
                numerator=Decimal(given[0]),
                denominator=Decimal(given[1]),
            )
        else:
            if isinstance(given, tuple):
                given, wards = given
            figure = Figure.objects.create(
                return_record=record, indicator_version=version, value=Decimal(given)
            )
        for place, value in wards.items():
            WardFigure.objects.create(figure=figure, ward=place, value=Decimal(value))
    return record


def periods(contract, n):
    return list(contract.periods.order_by("starts_on")[:n])
