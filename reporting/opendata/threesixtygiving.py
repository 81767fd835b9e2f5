"""Awarded grants in the 360Giving Data Standard, as a JSON package and as CSV (DESIGN §5).

What is published: every awarded grant that is not withheld, with its recipient's org-id and
name, and for registered bodies (charities, companies) their registered number and postcode.
What never is: the street address of anyone, the postcode of an unregistered group, contact
names, e-mail addresses or telephone numbers, and anything about a withheld grant except that
it exists (the package counts them).

A grant failing one of our critical quality checks (reporting/opendata/quality.py) is not
published: it is left out, the reason is logged, and the package counts it, so that a slip
(an e-mail address typed into a title, say) never reaches the open data.

Both exports stream: the grants are one `values_list` query read with `.iterator()` (a
server-side cursor on PostgreSQL) in chunks of `CHUNK` rows, each chunk's payments are one
more query, and each chunk is written out before the next is read, so memory stays flat
however many grants there are.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import islice

from django.conf import settings
from django.utils import timezone

from alliance.models import Ward
from grants.models import ApplicationStatus, Grant, Payment
from reporting.exports.organisation_register import _plain
from reporting.opendata import quality

logger = logging.getLogger(__name__)

CHUNK = 2000
VERSION = "1.4"
JSON_PATH = "/api/v1/open-data/360giving.json"
CSV_PATH = "/api/v1/open-data/360giving.csv"
# The ONS entity code of a local authority names its 360Giving geoCodeType.
AUTHORITY_TYPES = {
    "E06": "UA",
    "E07": "NMD",
    "E08": "MD",
    "E09": "LONB",
    "W06": "UA",
    "S12": "CA",
    "N09": "LGD",
}

_FIELDS = (
    "pk",
    "identifier",
    "amount",
    "paid_total",
    "awarded_at",
    "modified_at",
    "application__title",
    "application__summary",
    "application__starts_on",
    "application__ends_on",
    "application__ward_codes",
    "application__organisation__org_id",
    "application__organisation__name",
    "application__organisation__legal_form",
    "application__organisation__charity_number",
    "application__organisation__company_number",
    "application__organisation__postcode",
    "application__round__programme_id",
    "application__round__programme__name",
    "application__round__programme__currency",
    "application__round__programme__identifier_prefix",
    "application__round__programme__funder__org_id",
    "application__round__programme__funder__name",
)


def published_grants():
    """Grants the open data lists: awarded (never declined or withdrawn), not withheld."""
    return Grant.objects.filter(application__status=ApplicationStatus.AWARDED, withheld=False)


def withheld_count() -> int:
    return Grant.objects.filter(
        application__status=ApplicationStatus.AWARDED, withheld=True
    ).count()


def is_registered(charity: str, company: str) -> bool:
    """A registered body: on the charity or company register, where its address is public.
    Everyone else (an unincorporated group, a faith group) never has a postcode published."""
    return bool(charity or company)


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _utc(moment: datetime) -> str:
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    return moment.isoformat(timespec="seconds")


@dataclass
class Tally:
    published: int = 0
    withheld: int = 0
    excluded: list[str] = field(default_factory=list)

    def note(self) -> str:
        parts = [f"{self.published} grants published."]
        if self.withheld:
            parts.append(f"{self.withheld} grants withheld for the safety of small groups.")
        if self.excluded:
            parts.append(
                f"{len(self.excluded)} grants held back until a data quality problem is fixed."
            )
        return " ".join(parts)


class Builder:
    """Turns rows of `_FIELDS` (and their payments) into 360Giving grants."""

    def __init__(self):
        self.wards = {
            code: (name, la_code, la_name)
            for code, name, la_code, la_name in Ward.objects.values_list(
                "code", "name", "local_authority_code", "local_authority_name"
            )
        }
        self.data_source = settings.SITE_URL + JSON_PATH
        self.today = timezone.localdate()
        self.zone = timezone.get_current_timezone()
        self._locations: dict[tuple, list[dict]] = {}
        self._shared: dict[tuple, list[dict]] = {}

    def shared(self, key: tuple) -> list[dict]:
        """The funder and programme, built once each: many grants share them."""
        found = self._shared.get(key)
        if found is None:
            if key[0] == "funder":
                found = [{"id": key[1], "name": key[2]}]
            else:
                _, prefix, programme_id, name = key
                found = [{"code": f"{prefix}-PRG-{programme_id}", "title": name}]
            self._shared[key] = found
        return found

    def locations(self, ward_codes) -> list[dict]:
        # Many grants share their wards: build each set of locations once (read-only after).
        key = tuple(ward_codes or ())
        found = self._locations.get(key)
        if found is None:
            found = self._locations[key] = self._build_locations(key)
        return found

    def _build_locations(self, ward_codes) -> list[dict]:
        wards, authorities = [], {}
        for code in ward_codes or []:
            name, la_code, la_name = self.wards.get(code, (code, "", ""))
            wards.append({"name": name, "geoCode": code, "geoCodeType": "WD", "countryCode": "GB"})
            if la_code and la_code[:3] in AUTHORITY_TYPES:
                authorities[la_code] = {
                    "name": la_name,
                    "geoCode": la_code,
                    "geoCodeType": AUTHORITY_TYPES[la_code[:3]],
                    "countryCode": "GB",
                }
        return wards + list(authorities.values())

    def grant(self, row: tuple, payments: list[tuple]) -> dict:
        (
            _pk,
            identifier,
            amount,
            paid_total,
            awarded_at,
            modified_at,
            title,
            summary,
            starts_on,
            ends_on,
            ward_codes,
            org_id,
            org_name,
            _legal_form,
            charity,
            company,
            postcode,
            programme_id,
            programme_name,
            currency,
            prefix,
            funder_id,
            funder_name,
        ) = row
        recipient = {"id": org_id, "name": org_name}
        if is_registered(charity, company):
            if charity:
                recipient["charityNumber"] = charity
            if company:
                recipient["companyNumber"] = company
            if postcode:
                recipient["postalCode"] = postcode
        grant = {
            "id": identifier,
            "title": title,
            "description": summary or title,
            "currency": currency,
            "amountAwarded": _number(amount),
            "awardDate": awarded_at.astimezone(self.zone).date().isoformat(),
        }
        if starts_on and ends_on:
            grant["plannedDates"] = [
                {"startDate": starts_on.isoformat(), "endDate": ends_on.isoformat()}
            ]
        grant["recipientOrganization"] = [recipient]
        grant["fundingOrganization"] = self.shared(("funder", funder_id, funder_name))
        locations = self.locations(ward_codes)
        if locations:
            grant["beneficiaryLocation"] = locations
        grant["grantProgramme"] = [
            {"code": f"{prefix}-PRG-{programme_id}", "title": programme_name}
        ]
        grant["fromOpenCall"] = "Yes"  # every grant comes from a round open to applications
        grant["amountDisbursed"] = _number(paid_total)
        latest = modified_at or awarded_at
        if payments:
            grant["disbursementTransaction"] = [
                {
                    "id": f"{identifier}-PAY-{payment_pk}",
                    "transactionDate": paid_on.isoformat(),
                    "currency": currency,
                    "value": _number(value),
                    "provider": funder_id,
                    "recipient": org_id,
                }
                for payment_pk, paid_on, value, _recorded in payments
            ]
            latest = max(latest, max(p[3] for p in payments))
        grant["dateModified"] = _utc(latest)
        grant["dataSource"] = self.data_source
        return grant


def _problems(grant: dict, today: date) -> list[str]:
    if quality.looks_clean(grant, today=today):
        return []
    found = []
    for check in quality.CHECKS:
        extra = {"today": today} if check is quality.check_award_date else {}
        found += [problem.message for problem in check(grant, **extra)]
    return found


def grants(tally: Tally | None = None, *, chunk: int = CHUNK) -> Iterator[list[dict]]:
    """Chunks of publishable grants in 360Giving form, counting what was left out."""
    tally = tally if tally is not None else Tally()
    tally.withheld = withheld_count()
    builder = Builder()
    # One query, read through a server-side cursor (on PostgreSQL) in chunks; each chunk's
    # payments in one more query. Memory holds a chunk, never the whole export.
    rows = published_grants().order_by("pk").values_list(*_FIELDS).iterator(chunk_size=chunk)
    while True:
        batch = list(islice(rows, chunk))
        if not batch:
            return
        payments = defaultdict(list)
        # The chunk is in pk order: a range takes two parameters where an IN list of the
        # chunk's ids took thousands to build and send. Payments of grants in the range
        # that are not published are fetched and never looked up.
        for grant_id, *payment in (
            Payment.objects.filter(grant_id__gte=batch[0][0], grant_id__lte=batch[-1][0])
            .order_by("grant_id", "paid_on", "pk")
            .values_list("grant_id", "pk", "paid_on", "amount", "recorded_at")
        ):
            payments[grant_id].append(payment)
        out = []
        for row in batch:
            grant = builder.grant(row, payments.get(row[0], []))
            problems = _problems(grant, builder.today)
            if problems:
                tally.excluded.append(grant["id"])
                logger.warning(
                    "Grant %s left out of the 360Giving data: %s", grant["id"], "; ".join(problems)
                )
                continue
            out.append(grant)
        tally.published += len(out)
        yield out


def package_metadata(tally: Tally) -> dict:
    now = timezone.now()
    return {
        "version": VERSION,
        "title": settings.OPEN_DATA_TITLE,
        "description": tally.note(),
        "identifier": f"{settings.ORG_ID_PREFIX}-grants",
        "issued": timezone.localdate(now).isoformat(),
        "modified": _utc(now),
        "publisher": {
            "name": settings.OPEN_DATA_PUBLISHER_NAME,
            "identifier": settings.OPEN_DATA_PUBLISHER_ID,
            "website": settings.OPEN_DATA_PUBLISHER_WEBSITE,
        },
        "license": settings.OPEN_DATA_LICENSE,
    }


def json_package(*, chunk: int = CHUNK) -> Iterator[str]:
    """The package as pieces of JSON text. The metadata comes after the grants, so that
    its counts (withheld, held back) are exact; key order means nothing in JSON."""
    tally = Tally()
    yield '{"grants": ['
    first = True
    for batch in grants(tally, chunk=chunk):
        if not batch:
            continue
        # One call a chunk (the C encoder); no cycle check: the grants are trees built above.
        text = json.dumps(batch, ensure_ascii=False, check_circular=False)[1:-1]
        yield text if first else ", " + text
        first = False
    metadata = json.dumps(package_metadata(tally), ensure_ascii=False)
    yield "],\n" + metadata[1:]


# The standard's column titles (flattened with the schema's titles, as the 360Giving
# templates are). Locations take fixed slots: wards first, then the local authority.
LOCATION_SLOTS = 4
COLUMNS = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Awarded",
    "Award Date",
    "Planned Dates:Start Date",
    "Planned Dates:End Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Recipient Org:Charity Number",
    "Recipient Org:Company Number",
    "Recipient Org:Postal Code",
    "Funding Org:Identifier",
    "Funding Org:Name",
    *[
        f"Beneficiary Location:{slot}:{title}"
        for slot in range(LOCATION_SLOTS)
        for title in ("Name", "Geographic Code", "Geographic Code Type", "Country Code")
    ],
    "Grant Programme:Code",
    "Grant Programme:Title",
    "From An Open Call?",
    "Amount Disbursed",
    "Last Modified",
    "Data Source",
]


def csv_row(grant: dict) -> list:
    recipient = grant["recipientOrganization"][0]
    funder = grant["fundingOrganization"][0]
    planned = (grant.get("plannedDates") or [{}])[0]
    locations = grant.get("beneficiaryLocation", [])
    if len(locations) > LOCATION_SLOTS:
        # Keep the local authority (last) and as many wards as fit.
        locations = locations[: LOCATION_SLOTS - 1] + locations[-1:]
    cells = []
    for slot in range(LOCATION_SLOTS):
        place = locations[slot] if slot < len(locations) else {}
        cells += [place.get(k, "") for k in ("name", "geoCode", "geoCodeType", "countryCode")]
    programme = grant["grantProgramme"][0]
    row = [
        grant["id"],
        grant["title"],
        grant["description"],
        grant["currency"],
        grant["amountAwarded"],
        grant["awardDate"],
        planned.get("startDate", ""),
        planned.get("endDate", ""),
        recipient["id"],
        recipient["name"],
        recipient.get("charityNumber", ""),
        recipient.get("companyNumber", ""),
        recipient.get("postalCode", ""),
        funder["id"],
        funder["name"],
        *cells,
        programme["code"],
        programme["title"],
        grant["fromOpenCall"],
        grant["amountDisbursed"],
        grant["dateModified"],
        grant["dataSource"],
    ]
    return [_plain(value) for value in row]


def csv_rows(*, chunk: int = CHUNK) -> Iterator[str]:
    """The CSV as pieces of text: a header, then a piece per chunk of grants."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    yield buffer.getvalue()
    for batch in grants(chunk=chunk):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(csv_row(grant) for grant in batch)
        yield buffer.getvalue()
