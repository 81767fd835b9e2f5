"""The published form of a compiled snapshot: small-number suppression (rule 10) applied.

Counts (`sum` and `latest` indicators, and the numerators and denominators of `ratio`
ones) go through reporting/suppression.py as tables: partners x wards where an indicator
is broken down by ward (so the ward and the partner breakdowns are protected together),
otherwise partners in one column. The indicator's value is the table's grand total; a
percentage whose numerator or denominator is hidden is hidden; a change or a progress
worked out from a hidden figure is hidden too.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from django.conf import settings

from reporting import suppression as sup
from reporting.charts import trend_svg
from reporting.suppression import SUPPRESSED

RATIO = "ratio"


def _whole(value) -> int | None:
    if value is None:
        return None
    number = Decimal(str(value))
    if number != number.to_integral_value() or number < 0:
        return None
    return int(number)


def _count(value, threshold):
    whole = _whole(value)
    if whole is None:
        return value
    return sup.suppress_count(whole, threshold=threshold)


def _pct(numerator, denominator):
    value = sup.percentage(numerator, denominator)
    if value is None or value == SUPPRESSED:
        return value
    return str(value)


def _column(values: list, threshold: int) -> sup.SuppressedTable | None:
    wholes = [_whole(v) for v in values]
    if not wholes or any(w is None for w in wholes):
        return None
    return sup.suppress_table([[w] for w in wholes], threshold=threshold)


def _hidden(*values) -> bool:
    return any(v == SUPPRESSED for v in values)


def _publish_indicator(entry: dict, threshold: int) -> dict:
    out = copy.deepcopy(entry)
    partners = out["partners"]
    if entry["aggregation"] == RATIO:
        numerators = _column([p["numerator"] for p in partners], threshold)
        denominators = _column([p["denominator"] for p in partners], threshold)
        if numerators and denominators:
            for i, partner in enumerate(partners):
                partner["numerator"] = numerators.cells[i][0]
                partner["denominator"] = denominators.cells[i][0]
                partner["value"] = _pct(partner["numerator"], partner["denominator"])
            out["numerator"] = numerators.grand_total
            out["denominator"] = denominators.grand_total
        else:
            out["numerator"] = _count(entry["numerator"], threshold)
            out["denominator"] = _count(entry["denominator"], threshold)
        if out["numerator"] is not None and out["denominator"] is not None:
            out["value"] = _pct(out["numerator"], out["denominator"])
        pn = _count(out.pop("previous_numerator", None), threshold)
        pd = _count(out.pop("previous_denominator", None), threshold)
        if pn is not None and pd is not None:
            out["previous"] = _pct(pn, pd)
    else:
        wards = entry.get("wards")
        table = None
        if wards and wards["cells"]:
            wholes = [[_whole(v) for v in row] for row in wards["cells"]]
            if all(w is not None for row in wholes for w in row):
                table = sup.suppress_table(wholes, threshold=threshold)
        if table is not None:
            out["wards"]["cells"] = table.cells
            out["wards"]["partner_totals"] = table.row_totals
            out["wards"]["ward_totals"] = table.column_totals
            by_org = {
                p["organisation_id"]: total
                for p, total in zip(wards["partners"], table.row_totals, strict=True)
            }
            for partner in partners:
                partner["value"] = by_org.get(partner["organisation_id"], partner["value"])
                partner["value"] = _count(partner["value"], threshold)
            out["value"] = table.grand_total
        else:
            column = _column([p["value"] for p in partners], threshold)
            if column is not None:
                for i, partner in enumerate(partners):
                    partner["value"] = column.cells[i][0]
                out["value"] = column.grand_total
            else:
                out["value"] = _count(entry["value"], threshold)
            if wards:
                out["wards"]["cells"] = [
                    [SUPPRESSED for _ in row] for row in wards["cells"]
                ]  # cells that are not whole counts are never published
        out["previous"] = _count(entry["previous"], threshold)
    out["year_to_date"] = (
        entry["year_to_date"]
        if entry["aggregation"] == RATIO
        else _count(entry["year_to_date"], threshold)
    )
    if _hidden(out["value"], out["previous"]):
        out["change_on_previous"] = SUPPRESSED
    if _hidden(out["value"]):
        out["change_on_baseline"] = SUPPRESSED
    if _hidden(out["year_to_date"]) or (entry["aggregation"] == RATIO and _hidden(out["value"])):
        out["year_to_date"] = SUPPRESSED
        out["progress_to_target"] = SUPPRESSED
    for point in out["trend"]:
        if entry["aggregation"] != RATIO:
            point["value"] = _count(point["value"], threshold)
        else:
            point["numerator"] = _count(point["numerator"], threshold)
            point["denominator"] = _count(point["denominator"], threshold)
            if point["numerator"] is not None and point["denominator"] is not None:
                point["value"] = _pct(point["numerator"], point["denominator"])
    return out


def published(payload: dict[str, Any], *, threshold: int | None = None) -> dict[str, Any]:
    """The payload as it may be published or exported."""
    threshold = threshold or settings.SUPPRESSION_THRESHOLD
    out = copy.deepcopy(payload)
    out["indicators"] = [_publish_indicator(e, threshold) for e in payload["indicators"]]
    _charts(out)
    out["published"] = True
    out["label"] = sup.PUBLISHED_LABEL.format(threshold=threshold)
    return out


def internal(payload: dict[str, Any]) -> dict[str, Any]:
    """Exact figures for commissioners, labelled unpublished."""
    out = copy.deepcopy(payload)
    _charts(out)
    return {**out, "published": False, "label": sup.INTERNAL_LABEL}


def _charts(payload: dict[str, Any]) -> None:
    """A trend chart against target per indicator, drawn from the figures as given (so a
    published chart shows no hidden figure)."""
    for entry in payload["indicators"]:
        entry["chart_svg"] = trend_svg(entry["trend"], title=f"{entry['code']} {entry['name']}")
