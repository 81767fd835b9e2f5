"""Fund utilisation exports (CSV, XLSX): the figures the API gives, as files."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from reporting.utilisation.services import utilisation_compile
from tests.conftest import client_for
from tests.reporting.utilisation.conftest import a_grant

EXPORT = "/api/v1/reports/fund-utilisation/export/"
HEADER = ["section", "code", "name", "budget", "applications", "grants", "awarded", "paid"]


@pytest.fixture
def compiled(programme, first_round, second_round, wards):
    bidston, claughton, seacombe = wards
    for _ in range(3):
        a_grant(first_round, ward_codes=[bidston.code], amount="500.00", paid=["500.00"])
    for _ in range(10):
        a_grant(first_round, ward_codes=[claughton.code], amount="500.00")
    for _ in range(12):
        a_grant(first_round, ward_codes=[seacombe.code], amount="250.00", legal_form="cic")
    utilisation_compile(programme_id=programme.pk)
    return programme


def _csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _body(rows):
    start = next(i for i, row in enumerate(rows) if row[:8] == HEADER) + 1
    return rows[start:]


@pytest.mark.django_db
def test_the_csv_export_is_published_with_small_counts_hidden(compiled, applicant):
    response = client_for(applicant).get(EXPORT, {"programme": compiled.pk, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].endswith('-v1.csv"')
    rows = _csv(response)
    assert rows[0][0].startswith("Published figures")
    body = _body(rows)
    total = body[0]
    assert total[:1] + total[3:] == [
        "total",
        "50000.00",
        "25",
        "25",
        "9500.00",
        "1500.00",
        "40500.00",
    ]
    assert [r[0] for r in body[1:3]] == ["round", "round"]
    wards = {r[2]: r for r in body if r[0] == "ward"}
    assert wards["Bidston"][4:8] == ["c", "c", "c", "c"]
    assert wards["Claughton"][5] == "c"  # secondary: else Bidston = total - the others
    assert wards["Seacombe"][5:8] == ["12", "3000.00", "0.00"]
    forms = {r[2]: r for r in body if r[0] == "legal_form"}
    assert forms["Registered charity"][5] == "13"


@pytest.mark.django_db
def test_the_xlsx_export_has_the_same_rows_with_money_as_numbers(compiled, commissioner):
    client = client_for(commissioner)
    response = client.get(EXPORT, {"programme": compiled.pk, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Fund utilisation"
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    body = _body([[("" if v is None else v) for v in row] for row in values])
    total = body[0]
    assert total[3] == Decimal("50000") and isinstance(total[3], int | float | Decimal)
    assert total[6] == 9500
    csv_body = _body(_csv(client.get(EXPORT, {"programme": compiled.pk, "format": "csv"})))
    as_text = [
        [
            f"{v:.2f}" if isinstance(v, float | int) and i in (3, 6, 7, 8) else str(v)
            for i, v in enumerate(row)
        ]
        for row in body
    ]
    assert as_text == [[str(v) for v in row] for row in csv_body]


@pytest.mark.django_db
def test_a_commissioner_may_export_exact_figures_labelled_unpublished(
    compiled, commissioner, first_round
):
    response = client_for(commissioner).get(
        EXPORT,
        {"programme": compiled.pk, "round": first_round.pk, "format": "csv", "internal": "true"},
    )
    assert "unpublished" in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0][0].startswith("UNPUBLISHED")
    body = _body(rows)
    assert body[0][2] == first_round.name  # the round's own headline, no other rounds
    assert not [r for r in body if r[0] == "round"]
    wards = {r[2]: r for r in body if r[0] == "ward"}
    assert wards["Bidston"][4:8] == ["3", "3", "1500.00", "1500.00"]


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["pdf", "", "CSVX"])
def test_an_unknown_format_is_a_clear_400(compiled, applicant, fmt):
    response = client_for(applicant).get(EXPORT, {"programme": compiled.pk, "format": fmt})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_a_formula_in_a_name_is_exported_as_text(programme, first_round, wards, commissioner):
    programme.name = "=HYPERLINK(1)"
    programme.save(update_fields=["name"])
    a_grant(first_round, ward_codes=[wards[0].code], amount="500.00")
    utilisation_compile(programme_id=programme.pk)
    rows = _csv(client_for(commissioner).get(EXPORT, {"programme": programme.pk, "format": "csv"}))
    assert _body(rows)[0][2] == "'=HYPERLINK(1)"
