"""Each critical quality check fails on its bad case and passes a good grant."""

from datetime import date

import pytest

from reporting.opendata.quality import check_award_date, critical_problems, looks_clean

GOOD = {
    "id": "360G-wirral-GR-1",
    "title": "Saturday kitchen",
    "description": "Cooking with families.",
    "amountAwarded": 2500,
    "awardDate": "2025-05-01",
    "recipientOrganization": [{"id": "GB-CHC-1012345", "name": "A Charity"}],
    "fundingOrganization": [{"id": "GB-LAE-WRL", "name": "Wirral Council"}],
}


def test_a_good_grant_has_no_critical_problems():
    assert critical_problems([GOOD]) == []


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"amountAwarded": 0}, "zero_amount"),
        ({"recipientOrganization": [{"id": "GB-CHC-12AB", "name": "X"}]}, "malformed_org_id"),
        ({"recipientOrganization": [{"id": "GB-COH-123", "name": "X"}]}, "malformed_org_id"),
        ({"recipientOrganization": [{"id": "GB-SC-012345", "name": "X"}]}, "malformed_org_id"),
        (
            {"recipientOrganization": [{"id": "360G-w-1", "name": "X", "charityNumber": "12AB"}]},
            "malformed_charity_number",
        ),
        (
            {"recipientOrganization": [{"id": "360G-w-1", "name": "X", "charityNumber": "1234\n"}]},
            "malformed_charity_number",
        ),
        (
            {"recipientOrganization": [{"id": "360G-w-1", "name": "X", "companyNumber": "123"}]},
            "malformed_company_number",
        ),
        ({"id": "360G-wirral-GR-1\n"}, "line_break_in_id"),
        ({"recipientOrganization": [{"id": "GB-CHC-1012345\r", "name": "X"}]}, "line_break_in_id"),
        ({"description": "Ask sam@example.org for details"}, "email_in_text"),
        ({"title": "Contact kitchen@group.org.uk"}, "email_in_text"),
        ({"awardDate": "1925-05-01"}, "award_date_far_past"),
        ({"awardDate": "2099-05-01"}, "award_date_far_future"),
    ],
)
def test_each_critical_check_catches_its_case(change, code):
    problems = critical_problems([{**GOOD, **change}])
    assert code in [p.code for p in problems]
    assert all(p.message.startswith(GOOD["id"][:10]) for p in problems)


def test_award_dates_within_a_year_ahead_are_accepted():
    assert list(check_award_date({"awardDate": "2026-06-01"}, today=date(2025, 7, 1))) == []


@pytest.mark.parametrize(
    "change",
    [
        {"amountAwarded": 0},
        {"recipientOrganization": [{"id": "GB-CHC-12AB", "name": "X"}]},
        {"recipientOrganization": [{"id": "GB-SC-012345", "name": "X"}]},
        {"recipientOrganization": [{"id": "GB-CHC-1012345", "name": "X", "charityNumber": "1"}]},
        {"recipientOrganization": [{"id": "GB-COH-01234567", "name": "X", "companyNumber": "1"}]},
        {"id": "360G-wirral-GR-1\n"},
        {"recipientOrganization": [{"id": "GB-CHC-1012345\r", "name": "X"}]},
        {"description": "Ask sam@example.org for details"},
        {"recipientOrganization": [{"id": "GB-CHC-1012345", "name": "a@b.org"}]},
        {"awardDate": "1925-05-01"},
        {"awardDate": "2099-05-01"},
        {"awardDate": "soon"},
    ],
)
def test_the_fast_test_used_by_the_export_never_passes_a_bad_grant(change):
    # The export runs the full checks only when `looks_clean` says no: it must never say
    # yes to a grant the full checks would stop.
    grant = {**GOOD, **change}
    assert critical_problems([grant]) != []
    assert looks_clean(grant, today=date(2025, 7, 1)) is False


def test_the_fast_test_passes_a_good_grant():
    assert looks_clean(GOOD, today=date(2025, 7, 1)) is True


@pytest.mark.parametrize(
    "organisation",
    [
        {"id": "GB-CHC-1012345", "name": "A Charity", "charityNumber": "1012345"},
        {"id": "GB-SC-SC012345", "name": "A Scottish Charity", "charityNumber": "SC012345"},
        {"id": "GB-COH-SC123456", "name": "A Company", "companyNumber": "SC123456"},
    ],
)
def test_well_formed_registered_numbers_pass(organisation):
    assert critical_problems([{**GOOD, "recipientOrganization": [organisation]}]) == []
