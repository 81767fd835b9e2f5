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
however many grants there are. Most of a grant is shared with other grants (organisation,
programme, wards, amounts): those parts are made once as text and spliced (see `Builder`).

With no grant to publish there is no valid package (the standard asks for at least one
grant): the exports raise `NothingToPublish` before writing anything.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import islice
from json.encoder import encode_basestring as _encode  # the C encoder json.dumps uses

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


class NothingToPublish(Exception):
    """No grant can be published. The 360Giving package schema asks for at least one grant
    (`minItems: 1`), so there is no valid package to give: the endpoints answer 404 with this
    message and the nightly job removes yesterday's files rather than leave grants in them
    that have since been withheld."""

    def __init__(self, tally: Tally):
        self.tally = tally
        held = []
        if tally.withheld:
            held.append(f"{tally.withheld} withheld for the safety of small groups")
        if tally.excluded:
            held.append(f"{len(tally.excluded)} held back until a data quality problem is fixed")
        why = (
            f"every awarded grant is withheld or held back ({', '.join(held)})"
            if held
            else "no grant is awarded"
        )
        message = (
            f"No grant can be published as 360Giving open data yet: {why}. A 360Giving "
            "package needs at least one grant, so there is none to give."
        )
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class _Organisation:
    """A recipient's parts of a grant, made once however many grants it has."""

    json: str  # the recipientOrganization object, as JSON text
    parties_json: str  # '"recipient": <its id>', for its payments
    csv: str  # its five CSV cells, as CSV text
    ok: bool  # passes every organisation-level quality check


@dataclass(frozen=True, slots=True)
class _Programme:
    """A programme's (and its funder's) parts of a grant, made once."""

    before_amount: str  # ', "currency": ..., "amountAwarded": '
    funder: str  # ', "fundingOrganization": [...]'
    after_locations: str  # ', "grantProgramme": [...], "fromOpenCall": "Yes", "amountDisbursed": '
    currency_json: str
    funder_id_json: str
    currency_csv: str  # the CSV cells, as CSV text
    funder_csv: str
    programme_csv: str
    ok: bool


class Builder:
    """Turns rows of `_FIELDS` (and their payments) into 360Giving grants.

    `grant()` builds one grant as a dict: it is the reference, used by `grants()` and for any
    grant whose quick quality test fails. The exports use `grant_json()` and `grant_csv()`,
    which make the same JSON text and CSV cells (a test holds them equal) by splicing parts
    made once per organisation, programme, set of wards and amount: most of a grant is shared
    with many others, and only its id, title, description and dates are its own.
    """

    def __init__(self, *, for_csv: bool = True, for_json: bool = True):
        # An export makes only its own form of each organisation's parts: the organisation
        # cache is the one that grows (with the number of recipients), so half is spared.
        self.for_csv, self.for_json = for_csv, for_json
        self.wards = {
            code: (name, la_code, la_name)
            for code, name, la_code, la_name in Ward.objects.values_list(
                "code", "name", "local_authority_code", "local_authority_name"
            )
        }
        self.data_source = settings.SITE_URL + JSON_PATH
        self.today = timezone.localdate()
        self.zone = timezone.get_current_timezone()
        self.earliest, self.latest = quality.award_date_range(self.today)
        self._end = '", "dataSource": ' + _encode(self.data_source) + "}"
        self._source_csv = _csv_text(self.data_source)
        self._locations: dict[tuple, list[dict]] = {}
        self._shared: dict[tuple, list[dict]] = {}
        # Parts made once and spliced; each cache is bounded by the number of distinct
        # organisations, programmes, ward sets, date pairs and amounts in the export.
        self._organisations: dict[str, _Organisation] = {}
        self._programmes: dict[int, _Programme] = {}
        self._location_parts: dict[tuple, tuple[str, str]] = {}
        self._planned: dict[tuple, tuple[str, str]] = {}
        self._amounts: dict[Decimal, str] = {}

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

    @staticmethod
    def recipient(org_id, org_name, charity, company, postcode) -> dict:
        recipient = {"id": org_id, "name": org_name}
        if is_registered(charity, company):
            if charity:
                recipient["charityNumber"] = charity
            if company:
                recipient["companyNumber"] = company
            if postcode:
                recipient["postalCode"] = postcode
        return recipient

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
        grant["recipientOrganization"] = [
            self.recipient(org_id, org_name, charity, company, postcode)
        ]
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

    # --- the parts, made once -------------------------------------------------------------

    def _organisation(self, row: tuple) -> _Organisation:
        # org_id is unique, and every row of one query sees the same organisation row.
        found = self._organisations.get(row[11])
        if found is None:
            recipient = self.recipient(row[11], row[12], row[14], row[15], row[16])
            found = _Organisation(
                json=_dumps(recipient) if self.for_json else "",
                parties_json='"recipient": ' + _encode(row[11]) if self.for_json else "",
                csv=_csv_line(
                    [
                        _plain(recipient.get(k, ""))
                        for k in ("id", "name", "charityNumber", "companyNumber", "postalCode")
                    ]
                )
                if self.for_csv
                else "",
                ok=not quality.organisation_problems(recipient),
            )
            self._organisations[row[11]] = found
        return found

    def _programme(self, row: tuple) -> _Programme:
        found = self._programmes.get(row[17])
        if found is None:
            programme_id, programme_name, currency, prefix, funder_id, funder_name = row[17:23]
            funder = self.shared(("funder", funder_id, funder_name))
            programme = [{"code": f"{prefix}-PRG-{programme_id}", "title": programme_name}]
            found = _Programme(
                before_amount=', "currency": ' + _encode(currency) + ', "amountAwarded": ',
                funder=', "fundingOrganization": ' + _dumps(funder),
                after_locations=', "grantProgramme": '
                + _dumps(programme)
                + ', "fromOpenCall": "Yes", "amountDisbursed": ',
                currency_json=_encode(currency),
                funder_id_json=_encode(funder_id),
                currency_csv=_csv_text(currency),
                funder_csv=_csv_line([_plain(funder_id), _plain(funder_name)]),
                programme_csv=_csv_line(
                    [_plain(programme[0]["code"]), _plain(programme_name), "Yes"]
                ),
                ok=not quality.organisation_problems(funder[0]),
            )
            self._programmes[row[17]] = found
        return found

    def _location_part(self, ward_codes) -> tuple[str, str]:
        """The grant's locations as JSON text and as CSV text."""
        key = tuple(ward_codes or ())
        found = self._location_parts.get(key)
        if found is None:
            locations = self.locations(key)
            text = ', "beneficiaryLocation": ' + _dumps(locations) if locations else ""
            found = (text, _csv_line(_location_cells(locations)))
            self._location_parts[key] = found
        return found

    def _planned_part(self, starts_on, ends_on) -> tuple[str, str]:
        """The grant's planned dates as JSON text and as CSV text."""
        key = (starts_on, ends_on)
        found = self._planned.get(key)
        if found is None:
            if starts_on and ends_on:
                dates = {"startDate": starts_on.isoformat(), "endDate": ends_on.isoformat()}
                found = (', "plannedDates": ' + _dumps([dates]), _csv_line(list(dates.values())))
            else:
                found = ("", ",")
            self._planned[key] = found
        return found

    def _amount(self, value: Decimal) -> str:
        # The same text in JSON and CSV: both write a number as its repr.
        found = self._amounts.get(value)
        if found is None:
            found = self._amounts[value] = _dumps(_number(value))
        return found

    def _quick(self, row: tuple):
        """The shared parts of a row's grant and whether it certainly passes every quality
        check; when not certain, the caller runs the full checks on `grant()`."""
        organisation = self._organisation(row)
        programme = self._programme(row)
        identifier, amount, title, summary = row[1], row[2], row[6], row[7]
        award = row[4].astimezone(self.zone).date().isoformat()
        clean = (
            organisation.ok
            and programme.ok
            and amount
            and "\n" not in identifier
            and "\r" not in identifier
            and "@" not in title
            and (not summary or "@" not in summary)
            and self.earliest <= award <= self.latest
        )
        return organisation, programme, award, clean

    @staticmethod
    def _modified(row: tuple, payments: list[tuple]) -> str:
        latest = row[5] or row[4]
        for payment in payments:
            if payment[3] > latest:
                latest = payment[3]
        return _utc(latest)

    def grant_json(self, row: tuple, payments: list[tuple], tally: Tally) -> str | None:
        """The grant as JSON text (exactly `json.dumps(grant(...))`), or None when held back."""
        organisation, programme, award, clean = self._quick(row)
        if not clean:
            grant = self._checked(row, payments, tally)
            return None if grant is None else _dumps(grant)
        identifier = row[1]
        paid = ""
        if payments:
            # Each payment's own parts are its id, date and amount; the rest is shared.
            currency, parties = programme.currency_json, organisation.parties_json
            amount = self._amount
            paid = ", ".join(
                f'{{"id": {_encode(f"{identifier}-PAY-{payment_pk}")}, "transactionDate": '
                f'"{paid_on.isoformat()}", "currency": {currency}, "value": {amount(value)}, '
                f'"provider": {programme.funder_id_json}, {parties}}}'
                for payment_pk, paid_on, value, _recorded in payments
            )
            paid = f', "disbursementTransaction": [{paid}]'
        title = row[6]
        return (
            f'{{"id": {_encode(identifier)}, "title": {_encode(title)}, "description": '
            f"{_encode(row[7] or title)}{programme.before_amount}{self._amount(row[2])}, "
            f'"awardDate": "{award}"{self._planned_part(row[8], row[9])[0]}, '
            f'"recipientOrganization": [{organisation.json}]{programme.funder}'
            f"{self._location_part(row[10])[0]}{programme.after_locations}"
            f'{self._amount(row[3])}{paid}, "dateModified": "{self._modified(row, payments)}'
            f"{self._end}"
        )

    def grant_csv(self, row: tuple, payments: list[tuple], tally: Tally) -> str | None:
        """The grant as a CSV line (exactly what `csv.writer` makes of `csv_row(grant(...))`),
        or None when held back. Only the grant's own cells are quoted here; the shared ones
        were written once by `csv.writer` and are spliced in as text."""
        organisation, programme, award, clean = self._quick(row)
        if not clean:
            grant = self._checked(row, payments, tally)
            return None if grant is None else _csv_line(csv_row(grant)) + "\r\n"
        title = row[6]
        return (
            f"{_csv_text(row[1])},{_csv_text(title)},{_csv_text(row[7] or title)},"
            f"{programme.currency_csv},{self._amount(row[2])},{award},"
            f"{self._planned_part(row[8], row[9])[1]},{organisation.csv},{programme.funder_csv},"
            f"{self._location_part(row[10])[1]},{programme.programme_csv},"
            f"{self._amount(row[3])},{self._modified(row, payments)},{self._source_csv}\r\n"
        )

    def _checked(self, row: tuple, payments: list[tuple], tally: Tally) -> dict | None:
        """The full quality checks on one grant: the grant, or None (logged, counted) when
        it is held back."""
        grant = self.grant(row, payments)
        problems = _problems(grant, self.today)
        if problems:
            tally.excluded.append(grant["id"])
            logger.warning(
                "Grant %s left out of the 360Giving data: %s", grant["id"], "; ".join(problems)
            )
            return None
        return grant


def _csv_line(cells: list) -> str:
    """Cells as one line of CSV text, without its line end, exactly as `csv.writer` writes
    them (it is what writes them)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue().removesuffix("\r\n")


# `csv.writer` (QUOTE_MINIMAL) quotes a cell holding the delimiter, the quote character or a
# character of the line end.
_NEEDS_QUOTES = re.compile(r'[,"\r\n]').search


def _csv_text(value: str) -> str:
    """One of a grant's own text cells as CSV text, as `csv.writer` would write it among
    others (formula-looking text made plain first, as in every export)."""
    value = _plain(value)
    if _NEEDS_QUOTES(value):
        return '"' + value.replace('"', '""') + '"'
    return value


def _dumps(value) -> str:
    # The C encoder; no cycle check: everything encoded here is a tree built in this module.
    return json.dumps(value, ensure_ascii=False, check_circular=False)


def _problems(grant: dict, today: date) -> list[str]:
    if quality.looks_clean(grant, today=today):
        return []
    found = []
    for check in quality.CHECKS:
        extra = {"today": today} if check is quality.check_award_date else {}
        found += [problem.message for problem in check(grant, **extra)]
    return found


def _chunks(tally: Tally, chunk: int) -> Iterator[tuple[list[tuple], dict[int, list[tuple]]]]:
    """The rows of publishable grants, a chunk at a time, each with its chunk's payments."""
    tally.withheld = withheld_count()
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
        yield batch, payments


_NO_PAYMENTS: list = []


def grants(tally: Tally | None = None, *, chunk: int = CHUNK) -> Iterator[list[dict]]:
    """Chunks of publishable grants in 360Giving form (dicts), counting what was left out."""
    tally = tally if tally is not None else Tally()
    builder = Builder()
    for batch, payments in _chunks(tally, chunk):
        out = []
        for row in batch:
            grant = builder._checked(row, payments.get(row[0], _NO_PAYMENTS), tally)
            if grant is not None:
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
    its counts (withheld, held back) are exact; key order means nothing in JSON.

    Raises NothingToPublish, before yielding anything, when no grant can be published."""
    tally = Tally()
    builder = Builder(for_csv=False)
    first = True
    for batch, payments in _chunks(tally, chunk):
        texts = [
            text
            for text in (
                builder.grant_json(row, payments.get(row[0], _NO_PAYMENTS), tally) for row in batch
            )
            if text is not None
        ]
        if not texts:
            continue
        tally.published += len(texts)
        text = ", ".join(texts)
        yield '{"grants": [' + text if first else ", " + text
        first = False
    if first:
        raise NothingToPublish(tally)
    metadata = _dumps(package_metadata(tally))
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


def _location_cells(locations: list[dict]) -> tuple:
    if len(locations) > LOCATION_SLOTS:
        # Keep the local authority (last) and as many wards as fit.
        locations = locations[: LOCATION_SLOTS - 1] + locations[-1:]
    cells = []
    for slot in range(LOCATION_SLOTS):
        place = locations[slot] if slot < len(locations) else {}
        cells += [place.get(k, "") for k in ("name", "geoCode", "geoCodeType", "countryCode")]
    return tuple(_plain(cell) for cell in cells)


def csv_row(grant: dict) -> list:
    recipient = grant["recipientOrganization"][0]
    funder = grant["fundingOrganization"][0]
    planned = (grant.get("plannedDates") or [{}])[0]
    cells = _location_cells(grant.get("beneficiaryLocation", []))
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
    """The CSV as pieces of text: the header with the first chunk of grants, then a piece
    per chunk. Raises NothingToPublish, before yielding anything, when no grant can be
    published (a header alone would be a package without grants)."""
    tally = Tally()
    builder = Builder(for_json=False)
    header = _csv_line(COLUMNS) + "\r\n"
    for batch, payments in _chunks(tally, chunk):
        lines = [
            line
            for line in (
                builder.grant_csv(row, payments.get(row[0], _NO_PAYMENTS), tally) for row in batch
            )
            if line is not None
        ]
        if not lines:
            continue
        tally.published += len(lines)
        yield header + "".join(lines)
        header = ""
    if header:
        raise NothingToPublish(tally)
