"""Fund utilisation as CSV or XLSX: the figures as the API gives them (published, with
small-number suppression, unless a commissioner asked for the exact ones). One row for
the headline figures of the programme (or the round), one per round, then one per ward
and one per legal form. Money is a number in XLSX, hidden cells are `c`."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from reporting.exports.organisation_register import _plain

FORMATS = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
COLUMNS = [
    "section",
    "code",
    "name",
    "budget",
    "applications",
    "grants",
    "awarded",
    "paid",
    "remaining",
]
MONEY_COLUMNS = {"budget", "awarded", "paid", "remaining"}


def _row(section: str, code, name: str, figures: dict) -> list:
    return [section, code, name, *(figures.get(column, "") for column in COLUMNS[3:])]


def rows(figures: dict) -> list[list]:
    scope = figures["round"]
    out = [
        _row(
            "total", "", scope["name"] if scope else figures["programme"]["name"], figures["totals"]
        )
    ]
    if scope is None:
        out += [_row("round", r["id"], r["name"], r) for r in figures["rounds"]]
    out += [_row("ward", w["code"], w["name"], w) for w in figures["by_ward"]]
    out += [_row("legal_form", f["code"], f["name"], f) for f in figures["by_legal_form"]]
    return [[_plain("" if v is None else v) for v in row] for row in out]


def _heading(figures: dict) -> list[list]:
    scope = figures["round"]
    title = figures["programme"]["name"] + (f": {scope['name']}" if scope else "")
    lines = [[figures["label"]], [f"{title} ({figures['programme']['currency']})"]]
    lines += [[f"Withheld: {w['breakdown']} {w['count']}: {w['why']}"] for w in figures["withheld"]]
    return [*lines, [figures["ward_attribution"]], COLUMNS]


def render(figures: dict, fmt: str) -> bytes:
    heading, body = _heading(figures), rows(figures)
    if fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows(heading + body)
        return buffer.getvalue().encode("utf-8-sig")
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Fund utilisation"
    for line in heading:
        sheet.append(line)
    money_at = {i for i, column in enumerate(COLUMNS) if column in MONEY_COLUMNS}
    for row in body:
        sheet.append(
            [Decimal(v) if i in money_at and v not in ("", "c") else v for i, v in enumerate(row)]
        )
    for cells in sheet.iter_rows(min_row=len(heading) + 1):
        for i in money_at:
            cells[i].number_format = "#,##0.00"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
