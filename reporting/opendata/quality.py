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
    check_ids_have_no_line_breaks,
    check_no_email_addresses,
    check_award_date,
)


_TROUBLE = ("\n", "\r")


def _org_id_ok(identifier: str, _seen: dict[str, bool] = {}) -> bool:  # noqa: B006 - a cache
    known = _seen.get(identifier)
    if known is None:
        grant = {"recipientOrganization": [{"id": identifier, "name": ""}]}
        known = not any(check_org_ids(grant)) and not any(c in identifier for c in _TROUBLE)
        if len(_seen) < 100_000:
            _seen[identifier] = known
    return known


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
            if not _org_id_ok(organisation.get("id", "")) or "@" in organisation.get("name", ""):
                return False
    if any("@" in (grant.get(name) or "") for name in _TEXT_FIELDS):
        return False
    earliest = EARLIEST_AWARD.isoformat()
    latest = (today + LATEST_AWARD_AHEAD).isoformat()
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
