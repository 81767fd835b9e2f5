"""Collective impact exports (CSV, XLSX) and trend charts: published figures only."""

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from reporting.charts import trend_svg
from reporting.impact.services import impact_compile
from tests.conftest import client_for
from tests.reporting.impact.setup import a_return

EXPORT = "/api/v1/reports/collective-impact/export/"


@pytest.fixture
def compiled(contract, framework, period, organisation, other_organisation, lead):
    a_return(period, organisation, lead, {framework["FE1"]: "12"})
    a_return(period, other_organisation, lead, {framework["FE1"]: "3"})
    impact_compile(contract_id=contract.pk, period_id=period.pk)
    return {"contract": contract.pk, "period": period.pk}


def _csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.django_db
def test_the_csv_export_is_published_with_small_counts_hidden(compiled, lead):
    response = client_for(lead).get(EXPORT, {**compiled, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    rows = _csv(response)
    assert rows[0][0].startswith("Published figures")
    fe1 = [r for r in rows[3:] if r[0] == "FE1"]
    assert [r[7] for r in fe1] == ["15", "c", "c"]  # the total, then both partners hidden


@pytest.mark.django_db
def test_the_xlsx_export_matches_the_csv(compiled, commissioner):
    client = client_for(commissioner)
    response = client.get(EXPORT, {**compiled, "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c for c in row] for row in sheet.iter_rows(min_row=4, values_only=True)]
    csv_rows = _csv(client.get(EXPORT, {**compiled, "format": "csv"}))[3:]
    assert [[("" if v is None else str(v)) for v in row] for row in values] == csv_rows


@pytest.mark.django_db
def test_a_commissioner_may_export_exact_figures_labelled_unpublished(compiled, commissioner):
    rows = _csv(
        client_for(commissioner).get(EXPORT, {**compiled, "format": "csv", "internal": "true"})
    )
    assert rows[0][0].startswith("UNPUBLISHED")
    assert sorted(r[7] for r in rows[3:] if r[0] == "FE1" and r[5] == "partner") == ["12", "3"]


@pytest.mark.django_db
def test_an_unknown_export_format_is_a_400_naming_the_formats(compiled, commissioner):
    response = client_for(commissioner).get(EXPORT, {**compiled, "format": "pdf"})
    assert response.status_code == 400
    assert "csv or xlsx" in response.json()["message"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona, expected",
    [
        ("anonymous", 401),
        ("lead", 200),
        ("stranger", 404),
        ("commissioner", 200),
        ("other_commissioner", 404),
    ],
)
def test_export_permission_matrix(request, compiled, persona, expected):
    client = APIClient() if persona == "anonymous" else client_for(request.getfixturevalue(persona))
    assert client.get(EXPORT, {**compiled, "format": "csv"}).status_code == expected


def test_a_trend_chart_is_an_svg_with_a_gap_for_hidden_figures():
    svg = trend_svg(
        [
            {"period": "2022-23 Q1", "value": 40, "target": 450},
            {"period": "2022-23 Q2", "value": "c", "target": 450},
            {"period": "2022-23 Q3", "value": 60, "target": 450},
        ],
        title="FE1 Families <engaging>",
    )
    root = ET.fromstring(svg)  # well-formed, with the title escaped
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    assert len(root.findall(f"{ns}circle")) == 2  # the hidden figure is not drawn
    assert "Families <engaging>" in root.find(f"{ns}title").text


@pytest.mark.django_db
def test_the_compiled_report_carries_a_chart_per_indicator(compiled, lead):
    figures = client_for(lead).get("/api/v1/reports/collective-impact/", compiled).json()["figures"]
    assert all(i["chart_svg"].startswith("<svg") for i in figures["indicators"])
