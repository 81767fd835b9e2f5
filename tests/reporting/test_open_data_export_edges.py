"""The 360Giving exports at their edges: the spliced fast path makes exactly what the
reference builder makes, every critical quality check holds a bad grant back from both the
JSON and the CSV, and with no grant to publish there is no package (the standard needs one)."""

import csv
import io
import json
import logging
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from alliance.models.people import LegalForm
from grants.models import Grant
from reporting.opendata import schemas, threesixtygiving
from reporting.opendata.publish import open_data_dir, publish_open_data_files
from tests.alliance.factories import OrganisationFactory, WardFactory
from tests.conftest import client_for
from tests.reporting.test_open_data_360giving import (
    CSV_URL,
    JSON_URL,
    award,
    csv_rows,
    package,
    unregistered_group,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(council):
    from tests.grants.factories import ProgrammeFactory, RoundFactory

    return RoundFactory(programme=ProgrammeFactory(funder=council, identifier_prefix="360G-wirral"))


def _reference_csv(grants: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(threesixtygiving.COLUMNS)
    writer.writerows(threesixtygiving.csv_row(grant) for grant in grants)
    return buffer.getvalue()


def _varied_grants(round_):
    """One of each shape a grant's parts can take."""
    wards = [WardFactory(code=f"E0500097{n}", name=f"Ward {n}") for n in range(6)]
    company = OrganisationFactory(
        legal_form=LegalForm.COMPANY_LIMITED_BY_GUARANTEE,
        charity_number="",
        company_number="01234567",
        org_id="GB-COH-01234567",
        name='The "Quoted", Company Ltd',
    )
    award(round_, paid=[Decimal("600.00"), Decimal("400.00")], ward_codes=[wards[0].code])
    award(round_, company, ward_codes=[w.code for w in wards], title="=SUM(A1)")
    award(round_, unregistered_group(), ward_codes=[], starts_on=None, ends_on=None)
    # An "@" that is not an e-mail address: the quick test says "not sure", the full checks
    # pass it, and it is published through the reference builder.
    award(round_, title="Tea @ the park", summary="")
    award(round_, title='The "Big" Lunch, again', summary="+44 is not a formula here\r\n")
    pence = award(round_, summary="Café, crèche\nand a line break — «quoted»")
    Grant.objects.filter(pk=pence.pk).update(amount=Decimal("1234.56"), paid_total=Decimal("0.5"))
    # Two grants of one organisation, so that its parts are made once and used twice.
    again = award(round_, paid=[Decimal("250.00")])
    award(round_, again.application.organisation, ward_codes=[wards[1].code])


def test_the_spliced_json_and_csv_are_exactly_what_the_reference_builder_makes(round_):
    _varied_grants(round_)
    reference = [grant for batch in threesixtygiving.grants(chunk=3) for grant in batch]
    assert len(reference) == 8
    text = "".join(threesixtygiving.json_package(chunk=3))
    expected = json.dumps(reference, ensure_ascii=False)[1:-1]
    assert text.startswith('{"grants": [' + expected + "],\n")
    parsed = json.loads(text)
    assert parsed["grants"] == reference
    assert schemas.schema_errors(schemas.threesixtygiving_package_validator(), parsed) == []
    assert "".join(threesixtygiving.csv_rows(chunk=3)) == _reference_csv(reference)


def test_the_csv_reads_in_chunks_and_loses_nothing_between_them(round_):
    made = [award(round_).identifier for _ in range(7)]
    text = "".join(threesixtygiving.csv_rows(chunk=3))
    assert [row["Identifier"] for row in csv.DictReader(io.StringIO(text))] == made


# --- every critical check holds a bad grant back, from the JSON and the CSV --------------


def _far_past(grant):
    Grant.objects.filter(pk=grant.pk).update(awarded_at=datetime(1925, 5, 1, 12, tzinfo=UTC))


def _far_future(grant):
    Grant.objects.filter(pk=grant.pk).update(awarded_at=datetime(2099, 5, 1, 12, tzinfo=UTC))


def _line_break_in_id(grant):
    Grant.objects.filter(pk=grant.pk).update(identifier=grant.identifier + "\n")


def _organisation(**fields):
    def change(grant):
        type(grant.application.organisation).objects.filter(
            pk=grant.application.organisation_id
        ).update(**fields)

    return change


def _application(**fields):
    def change(grant):
        type(grant.application).objects.filter(pk=grant.application_id).update(**fields)

    return change


BAD_CASES = {
    "award_date_far_past": _far_past,
    "award_date_far_future": _far_future,
    "line_break_in_id": _line_break_in_id,
    "email_in_title": _application(title="Call jo@example.org to join"),
    "email_in_description": _application(summary="Details from sam@group.org.uk"),
    "email_in_recipient_name": _organisation(name="Friends (friends@example.org)"),
    "malformed_charity_org_id": _organisation(org_id="GB-CHC-12AB", charity_number="123456"),
    "malformed_charity_number": _organisation(charity_number="12AB"),
    "malformed_company_number": _organisation(company_number="123"),
    "malformed_company_org_id": _organisation(
        org_id="GB-COH-123", charity_number="", company_number="01234567"
    ),
}


@pytest.mark.parametrize("case", list(BAD_CASES))
def test_each_critical_check_holds_a_bad_grant_back_from_both_exports(round_, case, caplog):
    bad = award(round_)
    good = award(round_)
    BAD_CASES[case](bad)
    with caplog.at_level(logging.WARNING, logger="reporting.opendata.threesixtygiving"):
        published = package()
        rows = csv_rows()
    assert [g["id"] for g in published["grants"]] == [good.identifier]
    assert [row["Identifier"] for row in rows] == [good.identifier]
    assert "1 grants held back until a data quality problem is fixed" in published["description"]
    assert "left out of the 360Giving data" in caplog.text


def _row(**changes) -> tuple:
    """A grant row as the export reads it (`_FIELDS`), for what the database cannot hold."""
    values = {
        "pk": 1,
        "identifier": "360G-wirral-1",
        "amount": Decimal("1000.00"),
        "paid_total": Decimal("0.00"),
        "awarded_at": datetime(2025, 5, 1, 12, tzinfo=UTC),
        "modified_at": None,
        "application__title": "Saturday kitchen",
        "application__summary": "Cooking with families.",
        "application__starts_on": None,
        "application__ends_on": None,
        "application__ward_codes": [],
        "application__organisation__org_id": "GB-CHC-1012345",
        "application__organisation__name": "A Charity",
        "application__organisation__legal_form": "registered_charity",
        "application__organisation__charity_number": "1012345",
        "application__organisation__company_number": "",
        "application__organisation__postcode": "CH41 5LH",
        "application__round__programme_id": 1,
        "application__round__programme__name": "Micro-grants",
        "application__round__programme__currency": "GBP",
        "application__round__programme__identifier_prefix": "360G-wirral",
        "application__round__programme__funder__org_id": "GB-LAE-WRL",
        "application__round__programme__funder__name": "Wirral Council",
    }
    values.update(changes)
    return tuple(values[name] for name in threesixtygiving._FIELDS)


def test_a_zero_amount_is_held_back_by_the_export_too():
    # The database refuses a zero grant (a check constraint), so the row is made by hand.
    builder = threesixtygiving.Builder()
    tally = threesixtygiving.Tally()
    assert builder.grant_json(_row(), [], tally) is not None
    assert builder.grant_json(_row(pk=2, amount=Decimal("0.00")), [], tally) is None
    assert builder.grant_csv(_row(pk=3, amount=Decimal("0")), [], tally) is None
    assert len(tally.excluded) == 2


def test_a_funder_with_a_malformed_org_id_holds_back_its_grants():
    builder = threesixtygiving.Builder()
    tally = threesixtygiving.Tally()
    row = _row(**{"application__round__programme__funder__org_id": "GB-CHC-12AB"})
    assert builder.grant_json(row, [], tally) is None
    assert tally.excluded == ["360G-wirral-1"]


# --- nothing to publish --------------------------------------------------------------------


@pytest.mark.parametrize("url", [JSON_URL, CSV_URL])
def test_with_no_awarded_grant_there_is_no_package_and_the_answer_says_why(round_, url):
    award(round_, status="declined")
    response = client_for(None).get(url)
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "not_found"
    assert "needs at least one grant" in body["message"]
    assert "no grant is awarded" in body["message"]


@pytest.mark.parametrize("url", [JSON_URL, CSV_URL])
def test_with_every_grant_withheld_or_held_back_there_is_no_package(round_, url):
    award(round_, withheld=True)
    _line_break_in_id(award(round_))
    response = client_for(None).get(url)
    assert response.status_code == 404
    message = response.json()["message"]
    assert "1 withheld for the safety of small groups" in message
    assert "1 held back until a data quality problem is fixed" in message


def test_a_package_whose_first_chunk_is_all_held_back_is_still_whole(round_):
    first = award(round_)
    _line_break_in_id(first)
    kept = award(round_)
    text = "".join(threesixtygiving.json_package(chunk=1))
    parsed = json.loads(text)
    assert [g["id"] for g in parsed["grants"]] == [kept.identifier]
    assert schemas.schema_errors(schemas.threesixtygiving_package_validator(), parsed) == []
    rows = list(csv.DictReader(io.StringIO("".join(threesixtygiving.csv_rows(chunk=1)))))
    assert [row["Identifier"] for row in rows] == [kept.identifier]


def test_the_nightly_job_removes_the_files_when_nothing_can_be_published(
    round_, settings, tmp_path, commissioner
):
    from grants.services.publication import grant_withhold

    settings.MEDIA_ROOT = tmp_path
    grant = award(round_)
    publish_open_data_files()
    folder = open_data_dir()
    assert grant.identifier in (folder / "360giving.json").read_text(encoding="utf-8")
    # Withheld for safety: yesterday's files must not go on listing it.
    grant_withhold(grant=grant, by=commissioner, reason="A refuge group's meeting place")
    assert publish_open_data_files() == {"360giving.json": 0, "360giving.csv": 0}
    assert sorted(p.name for p in folder.iterdir()) == []
    # Published again: the files come back.
    award(round_)
    written = publish_open_data_files()
    assert all(size > 0 for size in written.values())
    stored = json.loads((folder / "360giving.json").read_text(encoding="utf-8"))
    assert schemas.schema_errors(schemas.threesixtygiving_package_validator(), stored) == []


@pytest.mark.parametrize(
    ("url", "accept", "type_"),
    [
        (CSV_URL, "text/csv", "text/csv"),
        (JSON_URL, "application/json", "application/json"),
        (JSON_URL, "text/html", "application/json"),
    ],
)
def test_an_accept_header_naming_the_files_type_is_answered_not_refused(round_, url, accept, type_):
    empty = client_for(None).get(url, HTTP_ACCEPT=accept)
    assert empty.status_code == 404
    assert "at least one grant" in empty.json()["message"]
    award(round_)
    response = client_for(None).get(url, HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(type_)
