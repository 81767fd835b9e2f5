"""Our version of the 360Giving data quality tool's critical checks.

The schema says a file is well formed; these say it is fit to publish. Each check takes
one grant in 360Giving JSON form and answers the problems it finds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from decimal import Decimal

from alliance.identifiers import CHARITY_EW, CHARITY_SCOTLAND, COMPANY
from config.errors import Problem

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
# Earlier than this is almost always a typing slip (1925 for 2025), as the tool warns.
EARLIEST_AWARD = date(1990, 1, 1)
# An award is a decision already made; a year ahead allows for a published timetable.
LATEST_AWARD_AHEAD = timedelta(days=366)
_ORG_ID_FORMATS = {
    "GB-CHC-": (CHARITY_EW, "a charity number of 6 or 7 digits"),
    "GB-SC-": (CHARITY_SCOTLAND, "a Scottish charity number, SC and 6 digits"),
    "GB-COH-": (COMPANY, "a Companies House number of 8 characters"),
}
_TEXT_FIELDS = ("title", "description")


def _organisations(grant: dict) -> Iterator[tuple[str, dict]]:
    for key in ("recipientOrganization", "fundingOrganization"):
        for index, organisation in enumerate(grant.get(key) or []):
            yield f"{key}/{index}", organisation


def check_amount(grant: dict) -> Iterator[Problem]:
    if Decimal(str(grant.get("amountAwarded", 0))) == 0:
        yield Problem("zero_amount", "The grant's amountAwarded is zero.", "amountAwarded")


def check_org_ids(grant: dict) -> Iterator[Problem]:
    for path, organisation in _organisations(grant):
        identifier = organisation.get("id", "")
        for prefix, (pattern, described) in _ORG_ID_FORMATS.items():
            if identifier.startswith(prefix) and not pattern.match(identifier[len(prefix) :]):
                yield Problem(
                    "malformed_org_id",
                    f"{identifier} does not end in {described}.",
                    f"{path}/id",
                )


def check_registered_numbers(grant: dict) -> Iterator[Problem]:
    # `fullmatch`, not `match`: a pattern ending in `$` also matches before a final "\n".
    for path, organisation in _organisations(grant):
        charity = organisation.get("charityNumber")
        if charity is not None and not (
            CHARITY_EW.fullmatch(charity) or CHARITY_SCOTLAND.fullmatch(charity)
        ):
            yield Problem(
                "malformed_charity_number",
                f"charityNumber {charity!r} is not 6 or 7 digits, nor SC and 6 digits.",
                f"{path}/charityNumber",
            )
        company = organisation.get("companyNumber")
        if company is not None and not COMPANY.fullmatch(company):
            yield Problem(
                "malformed_company_number",
                f"companyNumber {company!r} is not a Companies House number of 8 characters.",
                f"{path}/companyNumber",
            )


def check_ids_have_no_line_breaks(grant: dict) -> Iterator[Problem]:
    ids = [("id", grant.get("id", ""))]
    ids += [(f"{path}/id", org.get("id", "")) for path, org in _organisations(grant)]
    for path, value in ids:
        if "\n" in value or "\r" in value:
            yield Problem("line_break_in_id", f"The identifier at {path} has a line break.", path)


def check_no_email_addresses(grant: dict) -> Iterator[Problem]:
    texts = [(name, grant.get(name) or "") for name in _TEXT_FIELDS]
    texts += [(f"{path}/name", org.get("name", "")) for path, org in _organisations(grant)]
    for path, text in texts:
        if EMAIL.search(text):
            yield Problem("email_in_text", f"The text at {path} contains an e-mail address.", path)


def check_award_date(grant: dict, *, today: date | None = None) -> Iterator[Problem]:
    today = today or date.today()
    raw = grant.get("awardDate", "")
    try:
        awarded = date.fromisoformat(raw[:10])
    except ValueError:
        yield Problem("award_date_unreadable", f"awardDate {raw!r} is not a date.", "awardDate")
        return
    if awarded < EARLIEST_AWARD:
        yield Problem(
            "award_date_far_past", f"awardDate {raw} is before {EARLIEST_AWARD}.", "awardDate"
        )
    if awarded > today + LATEST_AWARD_AHEAD:
        yield Problem(
            "award_date_far_future", f"awardDate {raw} is more than a year ahead.", "awardDate"
        )


CHECKS = (
    check_amount,
    check_org_ids,
    check_registered_numbers,
    check_ids_have_no_line_breaks,
    check_no_email_addresses,
    check_award_date,
)


# The checks that look only at an organisation: an export runs them once per organisation,
# not once per grant.
ORGANISATION_CHECKS = (
    check_org_ids,
    check_registered_numbers,
    check_ids_have_no_line_breaks,
    check_no_email_addresses,
)


def organisation_problems(organisation: dict) -> list[Problem]:
    """What the checks find in one organisation (recipient or funder) on its own."""
    alone = {"recipientOrganization": [organisation]}
    return [problem for check in ORGANISATION_CHECKS for problem in check(alone)]


def _organisation_ok(organisation: dict, _seen: dict[tuple, bool] = {}) -> bool:  # noqa: B006
    key = tuple(sorted(organisation.items()))
    known = _seen.get(key)
    if known is None:
        known = not organisation_problems(organisation)
        if len(_seen) < 100_000:  # a cache, bounded
            _seen[key] = known
    return known


def award_date_range(today: date) -> tuple[str, str]:
    """The first and last acceptable award dates as ISO text, which compares as dates do."""
    return EARLIEST_AWARD.isoformat(), (today + LATEST_AWARD_AHEAD).isoformat()


def looks_clean(grant: dict, *, today: date) -> bool:
    """A fast test, for exporting many grants: True only when every check above would find
    nothing. When it answers False, run `CHECKS` to find out what is wrong (it may be
    nothing: an "@" that is not part of an e-mail address, say)."""
    if not grant.get("amountAwarded"):
        return False
    identifier = grant.get("id", "")
    if "\n" in identifier or "\r" in identifier:
        return False
    for key in ("recipientOrganization", "fundingOrganization"):
        for organisation in grant.get(key) or []:
            if not _organisation_ok(organisation):
                return False
    if any("@" in (grant.get(name) or "") for name in _TEXT_FIELDS):
        return False
    earliest, latest = award_date_range(today)
    award = grant.get("awardDate", "")
    return len(award) >= 10 and earliest <= award[:10] <= latest and award[4] == "-"


def critical_problems(grants: Iterable[dict]) -> list[Problem]:
    """Every critical problem in the grants, each message naming the grant."""
    found = []
    for grant in grants:
        for check in CHECKS:
            for problem in check(grant):
                found.append(
                    Problem(
                        problem.code, f"{grant.get('id', '?')}: {problem.message}", problem.field
                    )
                )
    return found
