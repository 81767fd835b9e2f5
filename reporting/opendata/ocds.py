"""An Alliance contract as an Open Contracting Data Standard 1.1 release package (DESIGN §5).

Contracts are public information in OCDS, so the package is public without login. A
contract still being set up is not published: its terms may change before it starts.

- parties: the council as buyer and payer, each partner as supplier and payee, named by
  org-id (no addresses or contacts);
- the award: value, suppliers, the contract period, its maximum extent with every extension
  option taken, and the options themselves in words (OCDS 1.1 core has no field for them);
- the contract: a quarterly reporting milestone for each partner, `met` once its return for
  that quarter is accepted; approved variations as amendments;
- no implementation transactions: the system records each partner's allocation and the
  spend it reports in its return, but not payments made, and OCDS transactions are
  payments. Reported spend is not published as if it were one.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils import timezone

from alliance.calendar import add_years
from alliance.models import Contract, Return, Variation
from alliance.models.contracts import ContractStatus, VariationStatus
from alliance.models.framework import ReportingPeriod
from alliance.models.returns import ReturnStatus

VERSION = "1.1"
CONTRACT_STATUS = {ContractStatus.ACTIVE: "active", ContractStatus.ENDED: "terminated"}
PUBLISHED_STATUSES = list(CONTRACT_STATUS)


def ocid_for(contract: Contract) -> str:
    return f"{settings.OCDS_PREFIX}-contract-{contract.pk}"


def _money(value) -> dict:
    amount = value.quantize(value.__class__("0.01"))
    number = int(amount) if amount == amount.to_integral_value() else float(amount)
    return {"amount": number, "currency": "GBP"}


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _day(day: date) -> str:
    # Midnight where the council is, so the date reads as the date it is.
    return timezone.make_aware(datetime.combine(day, time.min)).isoformat(timespec="seconds")


def _party(organisation, roles: list[str]) -> dict:
    party = {"id": organisation.org_id, "name": organisation.name, "roles": roles}
    scheme, _, identifier = organisation.org_id.rpartition("-")
    if organisation.org_id.startswith("GB-") and scheme.count("-") == 1:
        party["identifier"] = {"scheme": scheme, "id": identifier, "legalName": organisation.name}
    return party


def _extensions_text(contract: Contract) -> str:
    options = contract.extension_options or []
    if not options:
        return "No extension options."
    listed = ", then ".join(f"{years} year{'s' if years != 1 else ''}" for years in options)
    return (
        f"Initial term {contract.initial_term_years} years; extension options: {listed} "
        f"({contract.extensions_taken} taken); at most {contract.max_term_years} years in all."
    )


def _period(contract: Contract) -> dict:
    starts = contract.starts_on
    ends = add_years(starts, contract.term_years) - timedelta(days=1)
    longest = min(
        contract.initial_term_years + sum(contract.extension_options or []),
        contract.max_term_years,
    )
    extent = add_years(starts, longest) - timedelta(days=1)
    return {
        "startDate": _day(starts),
        "endDate": _day(ends),
        "maxExtentDate": _day(extent),
        "durationInDays": (ends - starts).days + 1,
    }


def _milestones(contract: Contract, partners: list) -> tuple[list[dict], datetime | None]:
    """One reporting milestone per partner per quarter: met once that return is accepted."""
    accepted = {
        (period_id, organisation_id): accepted_at
        for period_id, organisation_id, accepted_at in Return.objects.filter(
            contract=contract, status=ReturnStatus.ACCEPTED
        ).values_list("period_id", "organisation_id", "accepted_at")
    }
    today = timezone.localdate()
    milestones = []
    for period in ReportingPeriod.objects.filter(contract=contract).order_by("starts_on"):
        year = f"{period.financial_year}/{(period.financial_year + 1) % 100:02d}"
        for organisation in partners:
            milestone = {
                "id": f"return-{period.financial_year}-Q{period.quarter}-{organisation.org_id}",
                "title": f"Quarterly return, {year} quarter {period.quarter}: {organisation.name}",
                "type": "reporting",
                "description": f"{organisation.name}'s quarterly return, accepted by the council.",
                "dueDate": _day(period.due_on),
            }
            key = (period.pk, organisation.pk)
            if key in accepted:
                milestone["status"] = "met"
                if accepted[key]:
                    milestone["dateMet"] = _utc(accepted[key])
            else:
                milestone["status"] = "notMet" if period.due_on < today else "scheduled"
            milestones.append(milestone)
    times = [moment for moment in accepted.values() if moment]
    return milestones, max(times) if times else None


def _amendments(contract: Contract) -> tuple[list[dict], datetime | None]:
    amendments = []
    latest = None
    for variation in Variation.objects.filter(
        contract=contract, status=VariationStatus.APPROVED
    ).order_by("decided_at", "pk"):
        amendments.append(
            {
                "id": f"variation-{variation.pk}",
                "date": _utc(variation.decided_at),
                "rationale": variation.reason,
                "description": variation.decision_comment or variation.reason,
            }
        )
        latest = variation.decided_at
    return amendments, latest


def release_package(contract: Contract) -> dict:
    council = contract.council
    members = list(contract.members.select_related("organisation").order_by("organisation_id"))
    partners = [member.organisation for member in members]
    ocid = ocid_for(contract)
    milestones, returns_changed = _milestones(contract, partners)
    amendments, varied = _amendments(contract)
    changed = max(moment for moment in (contract.created_at, returns_changed, varied) if moment)
    period = _period(contract)
    suppliers = [{"id": o.org_id, "name": o.name} for o in partners]
    award_id = f"{ocid}-award"
    description = _extensions_text(contract)
    release = {
        "ocid": ocid,
        "id": f"{ocid}-{changed.astimezone(UTC):%Y%m%dT%H%M%SZ}",
        "date": _utc(changed),
        "tag": ["award", "contract"] + (["contractAmendment"] if amendments else []),
        "initiationType": "tender",
        "language": "en",
        "parties": [_party(council, ["buyer", "payer"])]
        + [_party(organisation, ["supplier", "payee"]) for organisation in partners],
        "buyer": {"id": council.org_id, "name": council.name},
        "awards": [
            {
                "id": award_id,
                "title": contract.title,
                "description": description,
                "status": "active",
                "date": _day(contract.starts_on),
                "value": _money(contract.value),
                "suppliers": suppliers,
                "contractPeriod": period,
            }
        ],
        "contracts": [
            {
                "id": f"{ocid}-{contract.reference}",
                "awardID": award_id,
                "title": contract.title,
                "description": description,
                "status": CONTRACT_STATUS[contract.status],
                "period": period,
                "value": _money(contract.value),
                "milestones": milestones,
                **({"amendments": amendments} if amendments else {}),
            }
        ],
    }
    return {
        "uri": f"{settings.SITE_URL}/api/v1/open-data/ocds/{contract.pk}.json",
        "version": VERSION,
        "publishedDate": _utc(timezone.now()),
        "publisher": {
            "name": settings.OPEN_DATA_PUBLISHER_NAME,
            "scheme": settings.OPEN_DATA_PUBLISHER_ID.rpartition("-")[0],
            "uid": settings.OPEN_DATA_PUBLISHER_ID.rpartition("-")[2],
            "uri": settings.OPEN_DATA_PUBLISHER_WEBSITE,
        },
        "license": settings.OPEN_DATA_LICENSE,
        "publicationPolicy": f"{settings.SITE_URL}/api/docs/",
        "releases": [release],
    }


def published_contract(pk: int) -> Contract:
    contract = (
        Contract.objects.filter(pk=pk, status__in=PUBLISHED_STATUSES)
        .select_related("council")
        .first()
    )
    if contract is None:
        raise Http404("There is no published contract with this id.")
    return contract


def release_package_response(pk: int) -> HttpResponse:
    package = release_package(published_contract(pk))
    return HttpResponse(
        json.dumps(package, ensure_ascii=False), content_type="application/json; charset=utf-8"
    )
