"""The demo's open data, fetched from the public endpoints, is valid against the official
schemas with zero errors and passes our critical quality checks with zero problems
(issue 6, "Done when"). This runs in `make test`, so CI checks it on every change."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from alliance.models import Contract, Organisation, Variation
from alliance.models.contracts import ContractStatus
from alliance.services.variations import variation_approve, variation_propose
from reporting.opendata import quality, schemas, threesixtygiving
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)


def _streamed(url: str) -> str:
    response = client_for(None).get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8")


def test_the_demos_360giving_package_has_zero_schema_errors_and_zero_critical_problems(demo):
    package = json.loads(_streamed("/api/v1/open-data/360giving.json"))
    assert len(package["grants"]) >= 10
    validator = schemas.threesixtygiving_package_validator()
    assert schemas.schema_errors(validator, package) == []
    assert quality.critical_problems(package["grants"]) == []
    assert "held back" not in package["description"]  # nothing in the demo fails a check
    assert {g["fundingOrganization"][0]["id"] for g in package["grants"]} == {"GB-LAE-WRL"}
    assert all(g["id"].startswith("360G-wirral-") for g in package["grants"])
    codes = {
        (p["geoCode"], p["geoCodeType"])
        for g in package["grants"]
        for p in g["beneficiaryLocation"]
    }
    assert ("E08000015", "MD") in codes
    assert any(kind == "WD" and code.startswith("E05") for code, kind in codes)


def test_the_demos_unregistered_groups_have_no_postcode_or_address_published(demo):
    # Give every unregistered group with a grant a full address, as a group might type.
    groups = Organisation.objects.filter(
        grant_applications__grant__isnull=False, charity_number="", company_number=""
    ).distinct()
    assert groups.exists()
    for n, group in enumerate(groups):
        group.address_line_1 = f"{n + 1} Hidden Lane"
        group.postcode = f"CH4{n % 10} 1ZZ"
        group.save(update_fields=["address_line_1", "postcode"])
    text = _streamed("/api/v1/open-data/360giving.json") + _streamed(
        "/api/v1/open-data/360giving.csv"
    )
    for group in groups:
        assert group.name.split(" (")[0] in text  # the group is published...
        assert group.postcode not in text  # ...but never where it is
    assert "Hidden Lane" not in text
    assert "streetAddress" not in text and "postalCode" not in _unregistered_json(groups)


def _unregistered_json(groups) -> str:
    package = json.loads(_streamed("/api/v1/open-data/360giving.json"))
    ids = set(groups.values_list("org_id", flat=True))
    return json.dumps([g for g in package["grants"] if g["recipientOrganization"][0]["id"] in ids])


def test_the_demos_csv_rows_match_its_json_grants(demo):
    rows = list(csv.DictReader(io.StringIO(_streamed("/api/v1/open-data/360giving.csv"))))
    package = json.loads(_streamed("/api/v1/open-data/360giving.json"))
    assert list(rows[0]) == threesixtygiving.COLUMNS
    assert [row["Identifier"] for row in rows] == [g["id"] for g in package["grants"]]
    assert sum(Decimal(row["Amount Awarded"]) for row in rows) == sum(
        Decimal(str(g["amountAwarded"])) for g in package["grants"]
    )


def test_every_demo_contract_is_a_valid_ocds_release_package(demo):
    contract = Contract.objects.filter(status=ContractStatus.ACTIVE).order_by("pk").first()
    council_commissioner = contract.council.memberships.filter(role="commissioner").first().user
    variation = variation_propose(
        contract=contract,
        by=council_commissioner,
        reason="More families than planned in year one",
        changes={"value": str(contract.value + Decimal("10000.00"))},
    )
    variation_approve(variation=variation, by=council_commissioner, comment="Agreed at board")
    validator = schemas.ocds_release_package_validator()
    published = Contract.objects.exclude(status=ContractStatus.SETTING_UP)
    assert published.exists()
    for each in published:
        response = client_for(None).get(f"/api/v1/open-data/ocds/{each.pk}.json")
        assert response.status_code == 200
        package = response.json()
        assert schemas.schema_errors(validator, package) == []
    release = (
        client_for(None).get(f"/api/v1/open-data/ocds/{contract.pk}.json").json()["releases"][0]
    )
    roles = {party["id"]: party["roles"] for party in release["parties"]}
    assert roles["GB-LAE-WRL"] == ["buyer", "payer"]
    partners = contract.members.values_list("organisation__org_id", flat=True)
    assert all(roles[org_id] == ["supplier", "payee"] for org_id in partners)
    (amendment,) = release["contracts"][0]["amendments"]
    assert amendment["id"] == f"variation-{Variation.objects.get().pk}"
    assert amendment["rationale"] == "More families than planned in year one"
    assert "contractAmendment" in release["tag"]
    award = release["awards"][0]
    assert award["contractPeriod"]["maxExtentDate"] >= award["contractPeriod"]["endDate"]
    assert "extension options" in award["description"] or "No extension" in award["description"]
