"""Combining accepted returns into the Alliance's shared figures (DESIGN §3 rules 8 and 9).

Every sum is done by the database (GROUP BY); Python only picks, for each indicator, which
of the grouped rows count and works out change, progress and status from a few numbers.
The partner x ward tables, most of the rows, come one row per partner (see `_ward_rows`).

- `sum`: partners add, quarters add.
- `ratio`: the sum of numerators over the sum of denominators; never an average of
  percentages.
- `latest`: partners add; over time the latest period with accepted figures counts, never
  a sum over quarters.

Only accepted returns count (rule 9); the payload names the returns used and the partners
whose return is missing or not yet accepted.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from operator import itemgetter
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import BigIntegerField, Q, Sum
from django.db.models.functions import Cast

from alliance.models import (
    Aggregation,
    Contract,
    ContractMember,
    Direction,
    Figure,
    Indicator,
    IndicatorTarget,
    ReportingPeriod,
    Return,
    ReturnStatus,
    Ward,
    WardFigure,
)
from reporting.impact.models import Scope
from reporting.scope import check_period

ONE_PLACE = Decimal("0.1")
HUNDRED = Decimal(100)


class Status:
    MET = "met"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    NO_TARGET = "no_target"
    NO_DATA = "no_data"


STATUS_LABELS = {
    Status.MET: "Target met",
    Status.ON_TRACK: "On track",
    Status.BEHIND: "Behind",
    Status.NO_TARGET: "No target set",
    Status.NO_DATA: "No accepted figures yet",
}


def number(value: Decimal | None) -> int | str | None:
    """A figure for JSON: whole numbers as integers, others as exact decimal strings."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return str(value.quantize(Decimal("0.01")))


def _pct(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    if numerator is None or not denominator:
        return None
    return (numerator * HUNDRED / denominator).quantize(ONE_PLACE, ROUND_HALF_UP)


@dataclass
class Sums:
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None

    def add(self, other: Sums) -> Sums:
        def plus(a, b):
            return b if a is None else a if b is None else a + b

        return Sums(
            plus(self.value, other.value),
            plus(self.numerator, other.numerator),
            plus(self.denominator, other.denominator),
        )

    def figure(self, aggregation: str) -> Decimal | None:
        if aggregation == Aggregation.RATIO:
            return _pct(self.numerator, self.denominator)
        return self.value


def canonical_json(payload: dict) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(payload: dict) -> str:
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


def _accepted(contract: Contract) -> Q:
    return Q(
        return_record__contract_id=contract.pk,
        return_record__status=ReturnStatus.ACCEPTED,
    )


def _tuples(query) -> list[tuple]:
    """The rows of a `values_list().annotate()` query (its fields, then its annotations).

    On PostgreSQL straight from the cursor: the driver already gives the integers and
    Decimals the ORM's per-row converters would make, and skipping them matters over many
    thousands of rows. Elsewhere through the ORM (SQLite keeps decimals as floats or text
    and needs its converters)."""
    if connection.vendor != "postgresql":
        return list(query)
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _figure_sums(contract, where: Q, key: str) -> list[tuple]:
    """Accepted figures summed in the database by indicator and `key`:
    (indicator, key, sum of values, sum of numerators, sum of denominators)."""
    return _tuples(
        Figure.objects.filter(_accepted(contract) & where)
        .values_list(_INDICATOR, key)
        .annotate(v=Sum("value"), n=Sum("numerator"), d=Sum("denominator"))
        .order_by()
    )


_INDICATOR = "indicator_version__indicator_id"


class WardRow(NamedTuple):
    """One partner's ward figures for one indicator: ward ids ascending, and their sums."""

    organisation: int
    wards: tuple[int, ...]
    values: list[int | None]


def _ward_rows(contract, needs: dict[tuple[int, ...], list[int]]) -> dict[int, list[WardRow]]:
    """Accepted ward figures summed by indicator, partner and ward (one cross table each),
    as {indicator: [WardRow]}; `needs` gives the periods that count for which indicators.

    Where each indicator counts one period (every indicator for a period alone, `latest`
    ones to date), a partner has one figure per indicator (one return a period), so on
    PostgreSQL its wards are read straight off that figure (see `_ward_rows_by_figure`);
    otherwise, and should a partner have two figures after all, they are summed by a
    GROUP BY."""
    if connection.vendor == "postgresql" and all(len(ids) == 1 for ids in needs):
        rows = _ward_rows_by_figure(contract, needs)
        if rows is not None:
            return rows
    return _ward_rows_grouped(contract, needs)


def _ward_rows_by_figure(contract, needs) -> dict[int, list[WardRow]] | None:
    """One row per accepted figure with its ward figures as two arrays, ascending by ward,
    read through the (figure, ward) unique index: no sort and no GROUP BY over every ward
    figure, which is most of a compile's time. A ward figure is unique per figure and
    ward, so each figure's wards need no adding up. None if a partner has two figures for
    one indicator (figures of two versions of it in one return): those must be added."""
    where = Q()
    for ids, pks in needs.items():
        where |= Q(indicator_version__indicator_id__in=pks, return_record__period_id__in=ids)
    figures = (
        Figure.objects.filter(_accepted(contract) & where)
        .values_list(_INDICATOR, F_ORG, "pk")
        .order_by()
    )
    sql, params = figures.query.sql_with_params()
    rows: dict[int, list[WardRow]] = defaultdict(list)
    seen = set()
    with connection.cursor() as cursor:
        # `sql` is the ORM's own, its values left in `params`: nothing is interpolated.
        cursor.execute(
            f"SELECT f.i, f.o, w.wards, w.vals FROM ({sql}) AS f (i, o, id) "  # noqa: S608
            f"CROSS JOIN LATERAL ({_WARDS_OF_FIGURE}) AS w WHERE w.wards IS NOT NULL",
            params,
        )
        for indicator_id, organisation_id, wards, values in cursor.fetchall():
            if (indicator_id, organisation_id) in seen:
                return None
            seen.add((indicator_id, organisation_id))
            rows[indicator_id].append(WardRow(organisation_id, tuple(wards), values))
    return rows


# A figure's ward figures. The cast rounds as the GROUP BY's CAST(SUM(value)) does for one
# value: ward figures are whole counts (rule 7), so no Decimal per cell.
_WARDS_OF_FIGURE = (
    "SELECT array_agg(x.ward_id ORDER BY x.ward_id) AS wards, "  # noqa: S608 - a table name
    "array_agg(CAST(x.value AS bigint) ORDER BY x.ward_id) AS vals "
    f"FROM {WardFigure._meta.db_table} AS x WHERE x.figure_id = f.id"
)


def _ward_rows_grouped(contract, needs) -> dict[int, list[WardRow]]:
    """The general case: ward figures summed by a GROUP BY (indicator, partner, ward),
    built by the ORM. On PostgreSQL a second GROUP BY folds each partner's wards into two
    arrays, so a partner x ward table arrives as one row per partner instead of one per
    cell: twenty times fewer rows to send and to turn into Python objects."""
    where = Q()
    for ids, pks in needs.items():
        where |= Q(
            figure__indicator_version__indicator_id__in=pks,
            figure__return_record__period_id__in=ids,
        )
    query = (
        WardFigure.objects.filter(
            Q(
                figure__return_record__contract_id=contract.pk,
                figure__return_record__status=ReturnStatus.ACCEPTED,
            )
            & where
        )
        .values_list(F_IND_W, F_ORG_W, "ward_id")
        # Ward figures are whole counts (rule 7 refuses a return otherwise), so their sums
        # come back as integers: no Decimal to build for each of many cells.
        .annotate(v=Cast(Sum("value"), BigIntegerField()))
        .order_by()
    )
    sql, params = query.query.sql_with_params()
    rows: dict[int, list[WardRow]] = defaultdict(list)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # `sql` is the ORM's own, its values left in `params`: nothing is interpolated.
            folded = (
                f"SELECT c.i, c.o, {_FOLD} FROM ({sql}) AS c (i, o, w, v) "  # noqa: S608
                "GROUP BY c.i, c.o"
            )
            cursor.execute(folded, params)
            for indicator_id, organisation_id, wards, values in cursor.fetchall():
                rows[indicator_id].append(WardRow(organisation_id, tuple(wards), values))
            return rows
        cursor.execute(sql, params)
        cells: dict[tuple[int, int], list[tuple[int, int | None]]] = defaultdict(list)
        for indicator_id, organisation_id, ward_id, value in cursor.fetchall():
            cells[indicator_id, organisation_id].append((ward_id, value))
    for (indicator_id, organisation_id), pairs in cells.items():
        pairs.sort()
        rows[indicator_id].append(
            WardRow(organisation_id, tuple(w for w, _ in pairs), [v for _, v in pairs])
        )
    return rows


_FOLD = "array_agg(c.w ORDER BY c.w), array_agg(c.v ORDER BY c.w)"
F_IND_W = "figure__indicator_version__indicator_id"
F_ORG_W = "figure__return_record__organisation_id"


def compile_impact(contract: Contract, period: ReportingPeriod, scope: str) -> dict[str, Any]:
    """The collective impact of `contract` for `period` (scope `period`) or up to the end
    of `period` (scope `to_date`), as a JSON-ready dict of exact figures."""
    check_period(contract, period)
    # All the contract's periods in one query: those up to `period`, and the size of its year.
    every = list(
        ReportingPeriod.objects.filter(contract=contract)
        .select_related("contract_year")
        .order_by("starts_on")
    )
    periods = [p for p in every if p.starts_on <= period.starts_on]
    period_ids = [p.pk for p in periods]
    position = {p.pk: i for i, p in enumerate(periods)}
    year_periods = [p for p in periods if p.contract_year_id == period.contract_year_id]
    year_total = sum(1 for p in every if p.contract_year_id == period.contract_year_id)

    indicators = list(
        Indicator.objects.filter(contract=contract, is_active=True, current_version__isnull=False)
        .select_related("current_version", "priority")
        .order_by("code")
    )
    targets = {
        (t["version__indicator_id"], t["year_number"]): t["value"]
        for t in IndicatorTarget.objects.filter(
            version__indicator__contract=contract,
            version_id__in=[i.current_version_id for i in indicators],
        ).values("version__indicator_id", "year_number", "value")
    }

    if scope == Scope.PERIOD:
        # The period alone needs its year so far (progress) and the period before it.
        periods = periods[max(0, len(periods) - len(year_periods) - 1) :]
        period_ids = [p.pk for p in periods]
        position = {p.pk: i for i, p in enumerate(periods)}

    # 1. One series per indicator: accepted sums per period (indicators x periods rows).
    series: dict[int, dict[int, Sums]] = defaultdict(dict)
    for indicator_id, period_id, *sums in _figure_sums(
        contract, Q(return_record__period_id__in=period_ids), "return_record__period_id"
    ):
        series[indicator_id][period_id] = Sums(*sums)

    def combined(indicator: Indicator, upto: int, scope: str, among=None) -> Sums | None:
        """The figure for periods[upto] alone, or to date, from the series."""
        aggregation = indicator.current_version.aggregation
        by_period = series.get(indicator.pk, {})
        chosen = [p for p in (among if among is not None else periods[: upto + 1])]
        if scope == Scope.PERIOD:
            return by_period.get(periods[upto].pk)
        if aggregation == Aggregation.LATEST:
            for p in reversed(chosen):
                if p.pk in by_period:
                    return by_period[p.pk]
            return None
        total = None
        for p in chosen:
            if p.pk in by_period:
                total = by_period[p.pk] if total is None else total.add(by_period[p.pk])
        return total

    last = position[period.pk]

    # 2. Which periods count for each indicator's breakdowns: the period; or to date, all of
    # them (sum, ratio) or the latest with accepted figures (latest).
    def breakdown_periods(indicator: Indicator) -> list[int]:
        if scope == Scope.PERIOD:
            return [period.pk]
        if indicator.current_version.aggregation == Aggregation.LATEST:
            by_period = series.get(indicator.pk, {})
            for p in reversed(periods):
                if p.pk in by_period:
                    return [p.pk]
            return []
        return period_ids

    # Indicators that need the same periods share one condition (to date: every sum and
    # ratio indicator needs them all; latest ones mostly the same latest period).
    needs: dict[tuple[int, ...], list[int]] = defaultdict(list)
    ward_needs: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for indicator in indicators:
        ids = tuple(breakdown_periods(indicator))
        if ids:
            needs[ids].append(indicator.pk)
            if indicator.current_version.ward_breakdown:
                ward_needs[ids].append(indicator.pk)
    wanted = Q()
    for ids, pks in needs.items():
        wanted |= Q(indicator_version__indicator_id__in=pks, return_record__period_id__in=ids)
    partners_rows = _figure_sums(contract, wanted, F_ORG) if wanted else []
    ward_rows = _ward_rows(contract, ward_needs) if ward_needs else {}

    members = list(
        ContractMember.objects.filter(contract=contract)
        .select_related("organisation")
        .order_by("organisation__name", "organisation_id")
    )
    names = {m.organisation_id: m.organisation.name for m in members}
    by_partner: dict[int, dict[int, Sums]] = defaultdict(dict)
    for indicator_id, organisation_id, *sums in partners_rows:
        by_partner[indicator_id][organisation_id] = Sums(*sums)
    # Partners in the order they are listed in (by name), sorted once, not per indicator.
    partner_order = sorted(
        {o for sums in by_partner.values() for o in sums}, key=lambda o: (names.get(o, ""), o)
    )
    ward_names: dict[int, tuple[str, str]] = {}
    if ward_rows:
        present = {w for rows in ward_rows.values() for row in {r.wards for r in rows} for w in row}
        ward_names = {
            pk: (code, name)
            for pk, code, name in Ward.objects.filter(pk__in=present).values_list(
                "pk", "code", "name"
            )
        }

    elapsed = Decimal(len(year_periods)) / Decimal(year_total or 1)
    year_number = period.contract_year.number
    results = []
    for indicator in indicators:
        version = indicator.current_version
        aggregation = version.aggregation
        now = combined(indicator, last, scope)
        before = combined(indicator, last - 1, scope) if last > 0 else None
        year = combined(indicator, last, Scope.TO_DATE, among=year_periods)
        value = now.figure(aggregation) if now else None
        previous = before.figure(aggregation) if before else None
        year_value = year.figure(aggregation) if year else None
        target = targets.get((indicator.pk, year_number))
        progress, status = _progress(version, year_value, target, elapsed)
        partner_sums = by_partner.get(indicator.pk, {})
        ordered = [(o, partner_sums[o]) for o in partner_order if o in partner_sums]
        entry = {
            "indicator_id": indicator.pk,
            "code": indicator.code,
            "name": version.name,
            "version": version.version,
            "priority": indicator.priority.name if indicator.priority else None,
            "unit": version.unit,
            "aggregation": aggregation,
            "direction": version.direction,
            "value": number(value),
            "numerator": number(now.numerator) if now and aggregation == "ratio" else None,
            "denominator": number(now.denominator) if now and aggregation == "ratio" else None,
            "previous": number(previous),
            **(
                {
                    "previous_numerator": number(before.numerator) if before else None,
                    "previous_denominator": number(before.denominator) if before else None,
                }
                if aggregation == Aggregation.RATIO
                else {}
            ),
            "baseline": number(version.baseline),
            "target": number(target),
            "year_to_date": number(year_value),
            "change_on_previous": _diff(value, previous),
            "change_on_baseline": _diff(value, version.baseline),
            "progress_to_target": number(progress),
            "status": status,
            "status_label": STATUS_LABELS[status],
            "partners": [
                {
                    "organisation_id": org_id,
                    "name": names.get(org_id, ""),
                    "value": number(sums.figure(aggregation)),
                    **(
                        {
                            "numerator": number(sums.numerator),
                            "denominator": number(sums.denominator),
                        }
                        if aggregation == Aggregation.RATIO
                        else {}
                    ),
                }
                for org_id, sums in ordered
            ],
            "trend": [
                {
                    "period": p.label,
                    **_point(combined(indicator, i, scope), aggregation),
                    "target": number(targets.get((indicator.pk, p.contract_year.number))),
                }
                for i, p in enumerate(periods)
            ],
        }
        if version.ward_breakdown:
            entry["wards"] = _ward_table(ward_rows.get(indicator.pk, []), ward_names, names)
        results.append(entry)

    # The returns of the periods compiled, whatever their status, in one query: the
    # accepted ones were used; the period's others are named as missing.
    returns = list(
        Return.objects.filter(
            contract=contract,
            period_id__in=period_ids if scope == Scope.TO_DATE else [period.pk],
        )
        .order_by("period__starts_on", "organisation__name", "pk")
        .values_list("pk", "period_id", "organisation_id", "status")
    )
    used = [(pk, p, org) for pk, p, org, status in returns if status == ReturnStatus.ACCEPTED]
    this_period = {org: status for _, p, org, status in returns if p == period.pk}
    labels = {p.pk: p.label for p in periods}
    return {
        "contract": {"id": contract.pk, "reference": contract.reference, "title": contract.title},
        "period": {"id": period.pk, "label": period.label, "ends_on": period.ends_on.isoformat()},
        "scope": scope,
        "periods": [labels[pk] for pk in period_ids] if scope == Scope.TO_DATE else [period.label],
        "indicators": results,
        "returns_used": _used(used, labels, names, scope),
        "returns_missing": [
            {
                "organisation_id": m.organisation_id,
                "name": m.organisation.name,
                "status": this_period.get(m.organisation_id) or "not_started",
            }
            for m in members
            if this_period.get(m.organisation_id) != ReturnStatus.ACCEPTED
        ],
    }


F_ORG = "return_record__organisation_id"


def _used(used, labels, names, scope) -> list[dict] | dict:
    if scope == Scope.PERIOD:
        return [{"return_id": pk, "name": names.get(org, "")} for pk, _, org in used]
    grouped: dict[str, list[int]] = defaultdict(list)
    for pk, period_id, _ in used:
        grouped[labels[period_id]].append(pk)
    return [{"period": label, "return_ids": ids} for label, ids in grouped.items()]


def _ward_table(rows: list[WardRow], ward_names, names) -> dict:
    """Partner x ward counts: published as one table, so that the ward breakdown and the
    partner breakdown cannot undo each other's suppression. A partner without a figure for
    a ward the others have counts 0 there."""
    shapes = {row.wards for row in rows}  # mostly one: every partner reports every ward
    present = set().union(*shapes)
    wards = sorted(present, key=lambda w: (ward_names[w][1], ward_names[w][0]))
    column = {w: j for j, w in enumerate(wards)}
    # For a partner with every ward, the cells in table order are its values taken in this
    # order of positions (its wards are in ascending id order).
    full = tuple(sorted(present))
    take = itemgetter(*[full.index(w) for w in wards]) if len(wards) > 1 else None
    grid = {}
    for row in rows:
        if row.wards == full and take is not None and None not in row.values:
            grid[row.organisation] = list(take(row.values))
            continue
        cells = [0] * len(wards)
        for ward, value in zip(row.wards, row.values, strict=True):
            cells[column[ward]] = 0 if value is None else value
        grid[row.organisation] = cells
    partners = sorted(grid, key=lambda o: (names.get(o, ""), o))
    return {
        "wards": [
            {"ward_id": w, "code": ward_names[w][0], "name": ward_names[w][1]} for w in wards
        ],
        "partners": [{"organisation_id": o, "name": names.get(o, "")} for o in partners],
        "cells": [grid[o] for o in partners],
    }


def _point(sums: Sums | None, aggregation: str) -> dict:
    point = {"value": _figure(sums, aggregation)}
    if aggregation == Aggregation.RATIO:
        point["numerator"] = number(sums.numerator) if sums else None
        point["denominator"] = number(sums.denominator) if sums else None
    return point


def _figure(sums: Sums | None, aggregation: str) -> int | str | None:
    return number(sums.figure(aggregation)) if sums else None


def _diff(a: Decimal | None, b: Decimal | None) -> int | str | None:
    if a is None or b is None:
        return None
    return number(a - b)


def _progress(version, year_value, target, elapsed) -> tuple[Decimal | None, str]:
    """Progress to the year's target, and a status that respects the direction.

    For `sum` indicators the year's target is for the whole year, so a quarter through the
    year is on track at a quarter of it; other indicators are compared with it directly."""
    if year_value is None:
        return None, Status.NO_DATA
    if target is None:
        return None, Status.NO_TARGET
    expected = target * elapsed if version.aggregation == Aggregation.SUM else target
    if version.direction == Direction.HIGHER:
        progress = (year_value * HUNDRED / target).quantize(ONE_PLACE) if target else None
        if year_value >= target:
            return progress, Status.MET
        return progress, Status.ON_TRACK if year_value >= expected else Status.BEHIND
    baseline = version.baseline
    progress = None
    if baseline is not None and baseline != target:
        progress = ((baseline - year_value) * HUNDRED / (baseline - target)).quantize(ONE_PLACE)
    if version.aggregation == Aggregation.SUM:
        return progress, Status.ON_TRACK if year_value <= expected else Status.BEHIND
    if year_value <= target:
        return progress, Status.MET
    return progress, Status.BEHIND
