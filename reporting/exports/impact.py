"""Collective impact as CSV or XLSX: the published figures (small-number suppression
applied, rule 10), one row for each indicator's total and one for each partner."""

from __future__ import annotations

import csv
import io

from reporting.exports.organisation_register import _plain

FORMATS = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
COLUMNS = [
    "indicator",
    "name",
    "unit",
    "aggregation",
    "direction",
    "row",
    "partner",
    "value",
    "numerator",
    "denominator",
    "previous",
    "baseline",
    "target",
    "change_on_previous",
    "change_on_baseline",
    "progress_to_target",
    "status",
]


def rows(figures: dict) -> list[list]:
    out = []
    for entry in figures["indicators"]:
        common = [
            entry["code"],
            entry["name"],
            entry["unit"],
            entry["aggregation"],
            entry["direction"],
        ]
        out.append(
            [
                *common,
                "total",
                "",
                entry["value"],
                entry.get("numerator"),
                entry.get("denominator"),
                entry["previous"],
                entry["baseline"],
                entry["target"],
                entry["change_on_previous"],
                entry["change_on_baseline"],
                entry["progress_to_target"],
                entry["status_label"],
            ]
        )
        for partner in entry["partners"]:
            out.append(
                [
                    *common,
                    "partner",
                    partner["name"],
                    partner["value"],
                    partner.get("numerator"),
                    partner.get("denominator"),
                    *[None] * 7,
                ]
            )
    return [[_plain("" if v is None else v) for v in row] for row in out]


def render(figures: dict, fmt: str) -> bytes:
    heading = [
        [figures["label"]],
        [f"{figures['contract']['title']}: {figures['period']['label']} ({figures['scope']})"],
        COLUMNS,
    ]
    body = rows(figures)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerows(heading + body)
        return buffer.getvalue().encode("utf-8-sig")
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Collective impact"
    for row in heading + body:
        sheet.append([str(v) if not isinstance(v, int | float | str) else v for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
