"""The 360Giving exports: what is published, what never is, and that they stream."""

import csv
import io
import json
import logging
from datetime import date
from decimal import Decimal

import pytest
from django.http import StreamingHttpResponse

from alliance.models.people import LegalForm
from grants.models import Grant, Payment, Tranche
from reporting.opendata import quality, schemas, threesixtygiving
from reporting.opendata.publish import open_data_dir
from reporting.opendata.tasks import publish_files
from tests.alliance.factories import OrganisationFactory, UserFactory, WardFactory
from tests.conftest import client_for
from tests.grants.factories import ApplicationFactory, ProgrammeFactory, RoundFactory

pytestmark = pytest.mark.django_db

JSON_URL = "/api/v1/open-data/360giving.json"
CSV_URL = "/api/v1/open-data/360giving.csv"


@pytest.fixture
def round_(council):
    return RoundFactory(programme=ProgrammeFactory(funder=council, identifier_prefix="360G-wirral"))


def award(round_, organisation=None, *, status="awarded", paid=(), withheld=False, **fields):
    application = ApplicationFactory(
        round=round_,
        status=status,
        **({"organisation": organisation} if organisation else {}),
        **fields,
    )
    grant = Grant.objects.create(
        application=application,
        identifier=f"{round_.programme.identifier_prefix}-{application.pk}",
        amount=Decimal("1000.00"),
        paid_total=sum(paid, Decimal("0.00")),
        report_tier="light",
        status="accepted",
        withheld=withheld,
        withheld_reason="For the safety of a small group" if withheld else "",
    )
    recorder = UserFactory()
    for n, amount in enumerate(paid, start=1):
        tranche = Tranche.objects.create(
            grant=grant, position=n, amount=amount, due_on=date.today()
        )
        Payment.objects.create(
            grant=grant,
            tranche=tranche,
            amount=amount,
            paid_on=date(2026, 5, n),
            reference=f"BACS-{n}",
            recorded_by=recorder,
        )
    return grant


def unregistered_group():
    return OrganisationFactory(
        legal_form=LegalForm.UNINCORPORATED_GROUP,
        charity_number="",
        org_id=f"360G-wirral-ORG-{UserFactory().pk}",
        address_line_1="12 Secret Street",
        address_line_2="Flat 3",
        town="Birkenhead",
        postcode="CH41 9ZZ",
        name="Mums Who Walk",
    )


def package(client=None) -> dict:
    response = (client or client_for(None)).get(JSON_URL)
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    return json.loads(b"".join(response.streaming_content))


def csv_rows(client=None) -> list[dict]:
    response = (client or client_for(None)).get(CSV_URL)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_an_awarded_grant_is_published_with_every_field_the_issue_asks_for(round_, council):
    ward = WardFactory(code="E05000972", name="Rock Ferry")
    grant = award(round_, paid=[Decimal("600.00"), Decimal("400.00")], ward_codes=[ward.code])
    published = package()
    (item,) = published["grants"]
    organisation = grant.application.organisation
    assert item["id"] == f"360G-wirral-{grant.application_id}"
    assert item["title"] == grant.application.title
    assert item["currency"] == "GBP"
    assert item["amountAwarded"] == 1000
    assert item["awardDate"] == grant.awarded_at.date().isoformat()
    assert item["plannedDates"][0]["startDate"] == grant.application.starts_on.isoformat()
    assert item["recipientOrganization"] == [
        {
            "id": organisation.org_id,
            "name": organisation.name,
            "charityNumber": organisation.charity_number,
            "postalCode": "CH41 5LH",  # a registered charity's postcode is public
        }
    ]
    assert item["fundingOrganization"] == [{"id": council.org_id, "name": council.name}]
    assert {(p["geoCode"], p["geoCodeType"]) for p in item["beneficiaryLocation"]} == {
        ("E05000972", "WD"),
        ("E08000015", "MD"),  # the council's code, from the Ward model
    }
    assert item["grantProgramme"][0]["title"] == round_.programme.name
    assert item["fromOpenCall"] == "Yes"
    assert item["amountDisbursed"] == 1000
    assert [t["value"] for t in item["disbursementTransaction"]] == [600, 400]
    assert item["dateModified"].endswith("+00:00")
    assert item["dataSource"].endswith(JSON_URL)
    assert published["publisher"]["identifier"] == "GB-LAE-WRL"
    assert published["license"].startswith("https://")
    assert {"issued", "modified", "version", "title"} <= set(published)


@pytest.mark.parametrize("status", ["declined", "withdrawn", "submitted"])
def test_only_awarded_grants_are_published(round_, status):
    award(round_, status=status)
    kept = award(round_)
    assert [g["id"] for g in package()["grants"]] == [kept.identifier]


def test_no_postcode_or_street_address_of_an_unregistered_group_is_ever_published(round_):
    group = unregistered_group()
    award(round_, group)
    (item,) = package()["grants"]
    assert item["recipientOrganization"] == [{"id": group.org_id, "name": "Mums Who Walk"}]
    json_text = b"".join(client_for(None).get(JSON_URL).streaming_content).decode()
    csv_text = b"".join(client_for(None).get(CSV_URL).streaming_content).decode()
    for text in (json_text, csv_text):
        for private in ("CH41 9ZZ", "Secret Street", "Flat 3", group.contact_email or "@"):
            assert private not in text.replace(JSON_URL, "")


def test_no_street_address_is_published_even_for_a_registered_charity(round_):
    charity = OrganisationFactory(address_line_1="1 Charity Row")
    award(round_, charity)
    assert "Charity Row" not in json.dumps(package())
    assert "streetAddress" not in json.dumps(package())


def test_a_withheld_grant_is_counted_but_not_listed(round_):
    award(round_, withheld=True)
    award(round_, withheld=True)
    shown = award(round_)
    published = package()
    assert [g["id"] for g in published["grants"]] == [shown.identifier]
    assert "2 grants withheld for the safety of small groups" in published["description"]
    assert [row["Identifier"] for row in csv_rows()] == [shown.identifier]


def test_a_grant_failing_a_critical_check_is_held_back_with_a_logged_reason(round_, caplog):
    award(round_, title="Call jo@example.org to join")
    good = award(round_)
    with caplog.at_level(logging.WARNING, logger="reporting.opendata.threesixtygiving"):
        published = package()
    assert [g["id"] for g in published["grants"]] == [good.identifier]
    assert "1 grants held back until a data quality problem is fixed" in published["description"]
    assert "e-mail address" in caplog.text
    assert quality.critical_problems(published["grants"]) == []


def test_the_package_is_valid_against_the_official_schema(round_):
    award(round_, paid=[Decimal("1000.00")])
    award(round_, unregistered_group())
    validator = schemas.threesixtygiving_package_validator()
    assert schemas.schema_errors(validator, package()) == []


def test_the_csv_uses_the_standards_column_titles_and_matches_the_json(round_):
    grant = award(round_, paid=[Decimal("250.00")])
    (row,) = csv_rows()
    assert list(row) == threesixtygiving.COLUMNS
    assert row["Identifier"] == grant.identifier
    assert row["Amount Awarded"] == "1000"
    assert row["Amount Disbursed"] == "250"
    assert row["Recipient Org:Identifier"] == grant.application.organisation.org_id
    assert row["Funding Org:Identifier"].startswith("GB-LAE-")
    assert row["Beneficiary Location:1:Geographic Code"] == "E08000015"
    assert row["Beneficiary Location:1:Geographic Code Type"] == "MD"


def test_a_title_that_looks_like_a_formula_is_made_plain_text_in_the_csv(round_):
    award(round_, title="=HYPERLINK(1)")
    assert csv_rows()[0]["Title"] == "'=HYPERLINK(1)"


@pytest.mark.parametrize("url", [JSON_URL, CSV_URL])
@pytest.mark.parametrize("persona", [None, "member", "other_member", "commissioner", "outsider"])
def test_the_exports_are_public_to_everyone(request, round_, url, persona):
    award(round_)
    user = request.getfixturevalue(persona) if persona else None
    assert client_for(user).get(url).status_code == 200


@pytest.mark.parametrize("url", [JSON_URL, CSV_URL])
def test_the_export_issues_the_same_queries_for_10_grants_as_for_100(
    round_, url, django_assert_num_queries
):
    def count(n):
        while Grant.objects.count() < n:
            award(round_, paid=[Decimal("100.00")])
        # 1 count of withheld grants, 1 wards, 1 grants (read through one cursor), and
        # 1 payments for each chunk of 2,000 grants.
        with django_assert_num_queries(4):
            response = client_for(None).get(url)
            b"".join(response.streaming_content)

    count(10)
    count(100)


def test_the_export_reads_in_chunks_and_loses_nothing_between_them(round_):
    made = [award(round_).identifier for _ in range(7)]
    ids = [g["id"] for batch in threesixtygiving.grants(chunk=3) for g in batch]
    assert ids == made
    parsed = json.loads("".join(threesixtygiving.json_package(chunk=3)))
    assert [g["id"] for g in parsed["grants"]] == made


def test_the_nightly_task_writes_both_files(round_, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    grant = award(round_)
    written = publish_files()
    assert set(written) == {"360giving.json", "360giving.csv"}
    folder = open_data_dir()
    stored = json.loads((folder / "360giving.json").read_text(encoding="utf-8"))
    assert [g["id"] for g in stored["grants"]] == [grant.identifier]
    assert grant.identifier in (folder / "360giving.csv").read_text(encoding="utf-8")
    assert not list(folder.glob(".*partial"))


def test_the_nightly_task_is_on_beats_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["reporting-open-data-files"]
    assert entry["task"] == publish_files.name
