"""The official schemas load offline from ../shared/data, with both known traps handled."""

import copy

import pytest

from reporting.opendata import schemas

VALID_GRANT = {
    "id": "360G-wirral-GR-1",
    "title": "Saturday kitchen",
    "description": "Cooking with families on Saturdays.",
    "currency": "GBP",
    "amountAwarded": 2500,
    "awardDate": "2025-05-01",
    "recipientOrganization": [{"id": "GB-CHC-1012345", "name": "A Charity"}],
    "fundingOrganization": [{"id": "GB-LAE-WRL", "name": "Wirral Council"}],
}


def _package(*grants):
    return {"grants": list(grants), "version": "1.4"}


def test_a_valid_360giving_package_has_no_errors_with_a_real_date_check():
    # Without a format checker, 2025-05-01 would match both oneOf branches and fail.
    validator = schemas.threesixtygiving_package_validator()
    assert schemas.schema_errors(validator, _package(VALID_GRANT)) == []


def test_a_grant_missing_required_fields_is_reported():
    grant = copy.deepcopy(VALID_GRANT)
    del grant["amountAwarded"]
    errors = schemas.schema_errors(schemas.threesixtygiving_package_validator(), _package(grant))
    assert errors and all(e.startswith("grants/0") for e in errors)


def test_without_a_format_checker_a_good_award_date_fails_oneof():
    # The trap SOURCES.md warns of, shown so the validator's format checker stays.
    from jsonschema import Draft202012Validator

    validator = schemas.threesixtygiving_package_validator()
    unchecked = Draft202012Validator(validator.schema, registry=validator._registry)
    assert schemas.schema_errors(unchecked, _package(VALID_GRANT)) != []


def test_the_ocds_release_package_schema_resolves_the_release_schema_offline():
    validator = schemas.ocds_release_package_validator()
    errors = schemas.schema_errors(validator, {"releases": [{}]})
    assert any("uri" in e for e in errors)  # the package's own requirements
    assert any("releases/0" in e for e in errors)  # and the release schema, found locally


def test_a_missing_schema_says_where_it_should_be(monkeypatch, tmp_path):
    monkeypatch.setenv("SHARED_DATA_DIR", str(tmp_path))
    schemas.threesixtygiving_package_validator.cache_clear()
    try:
        with pytest.raises(schemas.SchemaMissing, match="not copied into this project"):
            schemas.threesixtygiving_package_validator()
    finally:
        monkeypatch.delenv("SHARED_DATA_DIR")
        schemas.threesixtygiving_package_validator.cache_clear()


def test_a_package_without_grants_is_not_valid_360giving():
    # Why the exports answer 404 rather than an empty package when nothing can be published.
    errors = schemas.schema_errors(schemas.threesixtygiving_package_validator(), _package())
    assert errors == ["grants: [] should be non-empty"]
