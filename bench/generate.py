"""A national-scale data set for the benchmarks, sized by `--scale`.

    DATABASE_URL=postgres://... python -m bench.generate --scale 1.0

Scale 1.0 is the reference size: 150 councils, 1,500 partner organisations, nine years of
quarterly returns with 40 indicators each and ward breakdowns (about a million figures),
100,000 applications and 60,000 grants. Rows are written with `bulk_create` in batches in
one transaction, so a failed run leaves nothing behind. Running it again at the same scale
does nothing: each scale's rows carry their own prefix and a marker row says it is done.

Bulk inserts bypass django-simple-history on purpose: this is a data set, not a history.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

YEARS = 9
INDICATORS = 40
# Of the 40 indicators: most are counts, a few ratios, and two broken down by ward.
RATIO_INDICATORS = 3
WARD_INDICATORS = 2
WARDS_PER_COUNCIL = 10
WARDS_PER_BREAKDOWN = 3
PARTNERS_PER_CONTRACT = 5
ROUNDS_PER_YEAR = 2
BATCH = 5000
FIRST_YEAR = 2017


@dataclass(frozen=True)
class Size:
    councils: int
    organisations: int
    applications: int
    grants: int

    @classmethod
    def at(cls, scale: float) -> Size:
        return cls(
            councils=max(1, round(150 * scale)),
            organisations=max(PARTNERS_PER_CONTRACT, round(1500 * scale)),
            applications=max(1, round(100_000 * scale)),
            grants=max(1, round(60_000 * scale)),
        )


def tag_for(scale: float) -> str:
    """A short tag naming the scale in every generated identifier, e.g. 0.1 -> '0100'."""
    return f"{round(scale * 1000) % 10000:04d}"


def marker_org_id(scale: float) -> str:
    return f"GB-GEN{tag_for(scale)}-DONE"


def is_generated(scale: float) -> bool:
    from alliance.models import Organisation

    return Organisation.objects.filter(org_id=marker_org_id(scale)).exists()


def commissioner_email(scale: float, council: int = 0) -> str:
    return f"gen{tag_for(scale)}-commissioner-{council}@example.org"


def partner_email(scale: float, organisation: int = 0) -> str:
    return f"gen{tag_for(scale)}-lead-{organisation}@example.org"


def _bulk(model, rows, counts: dict[str, int]) -> list:
    created = model.objects.bulk_create(rows, batch_size=BATCH)
    counts[model._meta.label] = counts.get(model._meta.label, 0) + len(created)
    return created


def _users(emails: list[str], counts) -> list:
    from django.contrib.auth.hashers import make_password

    from alliance.models import User

    password = make_password(None)  # unusable: these people log in through tokens
    return _bulk(
        User,
        [User(username=e, email=e, password=password, full_name=e.split("@")[0]) for e in emails],
        counts,
    )


def generate(scale: float, *, quiet: bool = False) -> dict[str, int]:
    """Create the data set at `scale` unless it is there; return the rows made per model."""
    from django.db import transaction

    if is_generated(scale):
        if not quiet:
            print(f"Data at scale {scale} is already generated; nothing to do.")
        return {}
    started = time.perf_counter()
    with transaction.atomic():
        counts = _generate(scale)
    elapsed = time.perf_counter() - started
    if not quiet:
        total = sum(counts.values())
        print(f"Generated scale {scale} in {elapsed:.1f} s: {total:,} rows")
        for label, count in counts.items():
            print(f"   {label}: {count:,}")
    return counts


def _generate(scale: float) -> dict[str, int]:  # noqa: PLR0915 - one straight recipe
    from alliance.models import (
        Contract,
        ContractMember,
        ContractYear,
        Indicator,
        IndicatorVersion,
        Membership,
        Organisation,
        Place,
        ReportingPeriod,
        Return,
        Ward,
    )
    from grants.models import Application, BudgetLine, Decision, Grant, Programme, Round

    size = Size.at(scale)
    tag = tag_for(scale)
    counts: dict[str, int] = {}
    now = datetime.now(UTC)

    # Wards: N05, then the number of scales generated before this one, keeps codes apart.
    series = Organisation.objects.filter(
        org_id__startswith="GB-GEN", org_id__endswith="-DONE"
    ).count()
    wards = _bulk(
        Ward,
        [
            Ward(
                code=f"N05{series:02d}{c * WARDS_PER_COUNCIL + w:04d}",
                name=f"Ward {w + 1} of council {c}",
                boundary_year=2022,
                local_authority_code=f"N09{c:06d}",
                local_authority_name=f"Generated council {c}",
            )
            for c in range(size.councils)
            for w in range(WARDS_PER_COUNCIL)
        ],
        counts,
    )
    councils = _bulk(
        Organisation,
        [
            Organisation(
                name=f"Generated council {c} ({tag})",
                legal_form="local_authority",
                local_authority_code=f"G{c:03d}"[:4],
                org_id=f"GB-GEN{tag}-LA-{c}",
            )
            for c in range(size.councils)
        ],
        counts,
    )
    partner_forms = ["registered_charity", "cio", "cic", "unincorporated_group", "faith_group"]
    organisations = _bulk(
        Organisation,
        [
            Organisation(
                name=f"Community group {n:05d} ({tag})",
                legal_form=partner_forms[n % len(partner_forms)],
                org_id=f"GB-GEN{tag}-ORG-{n}",
                latest_annual_income=Decimal(5000 + (n * 137) % 90000),
                town=f"Town {n % 97}",
                postcode="CH41 1AA",
                ward=wards[n % len(wards)],
                contact_email=f"group{n}@example.org",
            )
            for n in range(size.organisations)
        ],
        counts,
    )
    commissioners = _users([commissioner_email(scale, c) for c in range(size.councils)], counts)
    leads = _users([partner_email(scale, n) for n in range(size.organisations)], counts)
    _bulk(
        Membership,
        [
            Membership(user=user, organisation=council, role="commissioner")
            for user, council in zip(commissioners, councils, strict=True)
        ]
        + [
            Membership(user=user, organisation=organisation, role="alliance_lead")
            for user, organisation in zip(leads, organisations, strict=True)
        ],
        counts,
    )

    # Alliance contracts: one per council, nine years, five partners reporting quarterly.
    places = _bulk(
        Place,
        [
            Place(name=f"Generated place {c} ({tag})", council=council)
            for c, council in enumerate(councils)
        ],
        counts,
    )
    start = date(FIRST_YEAR, 4, 1)
    contracts = _bulk(
        Contract,
        [
            Contract(
                place=place,
                council=place.council,
                title=f"Family support alliance {c}",
                reference=f"GEN{tag}-{c}",
                status="active",
                starts_on=start,
                initial_term_years=YEARS,
                max_term_years=10,
                value=Decimal("9000000.00"),
                budgeted=Decimal("9000000.00"),
            )
            for c, place in enumerate(places)
        ],
        counts,
    )
    years = _bulk(
        ContractYear,
        [
            ContractYear(
                contract=contract,
                number=y + 1,
                starts_on=date(FIRST_YEAR + y, 4, 1),
                ends_on=date(FIRST_YEAR + y + 1, 3, 31),
                budget=Decimal("1000000.00"),
            )
            for contract in contracts
            for y in range(YEARS)
        ],
        counts,
    )
    indicators = _bulk(
        Indicator,
        [
            Indicator(contract=contract, code=f"I{i + 1:02d}")
            for contract in contracts
            for i in range(INDICATORS)
        ],
        counts,
    )
    versions = _bulk(
        IndicatorVersion,
        [
            IndicatorVersion(
                indicator=indicator,
                version=1,
                name=f"Indicator {indicator.code}",
                definition="Families supported in the quarter, counted once each.",
                unit="%" if _is_ratio(i) else "families",
                aggregation="ratio" if _is_ratio(i) else "sum",
                numerator_label="Families improving" if _is_ratio(i) else "",
                denominator_label="Families assessed" if _is_ratio(i) else "",
                ward_breakdown=_is_ward(i),
            )
            for n, indicator in enumerate(indicators)
            for i in [n % INDICATORS]
        ],
        counts,
    )
    for indicator, version in zip(indicators, versions, strict=True):
        indicator.current_version = version
    Indicator.objects.bulk_update(indicators, ["current_version"], batch_size=BATCH)
    periods = _bulk(
        ReportingPeriod,
        [
            ReportingPeriod(
                contract=contract,
                contract_year=years[c * YEARS + y],
                financial_year=FIRST_YEAR + y,
                quarter=q + 1,
                starts_on=_quarter_start(FIRST_YEAR + y, q),
                ends_on=_quarter_start(FIRST_YEAR + y, q + 1) - timedelta(days=1),
                due_on=_quarter_start(FIRST_YEAR + y, q + 1) + timedelta(days=30),
            )
            for c, contract in enumerate(contracts)
            for y in range(YEARS)
            for q in range(4)
        ],
        counts,
    )
    members, returns = [], []
    periods_per_contract = YEARS * 4
    for c, contract in enumerate(contracts):
        partner_numbers = [
            (c * PARTNERS_PER_CONTRACT + p) % size.organisations
            for p in range(PARTNERS_PER_CONTRACT)
        ]
        for p, n in enumerate(partner_numbers):
            members.append(
                ContractMember(
                    contract=contract, organisation=organisations[n], is_lead_partner=p == 0
                )
            )
            for k in range(periods_per_contract):
                period = periods[c * periods_per_contract + k]
                last = k == periods_per_contract - 1
                submitted = datetime.combine(period.due_on, datetime.min.time(), tzinfo=UTC)
                returns.append(
                    Return(
                        contract=contract,
                        period=period,
                        organisation=organisations[n],
                        status="submitted" if last else "accepted",
                        rating="" if last else "good",
                        spend=Decimal("25000.00"),
                        went_well="Families came back week after week.",
                        was_hard="Finding a room on Saturdays.",
                        would_change="Start the sessions earlier.",
                        created_by=leads[n],
                        first_submitted_at=submitted,
                        submitted_at=submitted,
                        accepted_at=None if last else submitted + timedelta(days=10),
                    )
                )
    _bulk(ContractMember, members, counts)
    returns = _bulk(Return, returns, counts)
    _figures(returns, versions, wards, counts)

    # Micro-grants: a programme per council, two rounds a year, applications and awards.
    programmes = _bulk(
        Programme,
        [
            Programme(
                funder=council,
                name=f"Community micro-grants {c} ({tag})",
                budget=Decimal("9000000.00"),
                min_award=Decimal("250.00"),
                max_award=Decimal("5000.00"),
                identifier_prefix=f"360G-gen{tag}-{c}",
            )
            for c, council in enumerate(councils)
        ],
        counts,
    )
    rounds = _bulk(
        Round,
        [
            Round(
                programme=programme,
                name=f"Round {r + 1}",
                opens_at=datetime(FIRST_YEAR + r // 2, 4 if r % 2 == 0 else 10, 1, tzinfo=UTC),
                closes_at=datetime(FIRST_YEAR + r // 2, 5 if r % 2 == 0 else 11, 1, tzinfo=UTC),
                assessment_ends_at=datetime(
                    FIRST_YEAR + r // 2, 6 if r % 2 == 0 else 12, 1, tzinfo=UTC
                ),
                budget=Decimal("500000.00"),
                decision_method="officer",
            )
            for programme in programmes
            for r in range(YEARS * ROUNDS_PER_YEAR)
        ],
        counts,
    )
    rounds_per_programme = YEARS * ROUNDS_PER_YEAR
    applications = []
    for a in range(size.applications):
        n = a % size.organisations
        council = n % size.councils
        round_ = rounds[
            council * rounds_per_programme + (a // size.organisations) % rounds_per_programme
        ]
        awarded = a < size.grants
        applications.append(
            Application(
                round=round_,
                organisation=organisations[n],
                created_by=leads[n],
                status="awarded" if awarded else "declined",
                title=f"Family club {a}",
                summary=(
                    "A weekly club where parents and children cook together, meet "
                    "neighbours and find out about help nearby."
                ),
                amount_requested=Decimal(250 + (a * 37) % 4750),
                ward_codes=[organisations[n].ward.code],
                expected_beneficiaries=20 + a % 80,
                themes=["isolation"],
                starts_on=round_.closes_at.date() + timedelta(days=60),
                ends_on=round_.closes_at.date() + timedelta(days=240),
                submitted_at=round_.closes_at - timedelta(days=2),
            )
        )
    applications = _bulk(Application, applications, counts)
    _bulk(
        BudgetLine,
        [
            BudgetLine(application=app, description="Food and venue", amount=app.amount_requested)
            for app in applications
        ],
        counts,
    )
    _bulk(
        Decision,
        [
            Decision(
                application=app,
                outcome="award" if a < size.grants else "decline",
                method="officer",
                amount=app.amount_requested if a < size.grants else None,
                reason="" if a < size.grants else "The round was oversubscribed.",
                decided_by=commissioners[(a % size.organisations) % size.councils],
            )
            for a, app in enumerate(applications)
        ],
        counts,
    )
    prefixes = [programme.identifier_prefix for programme in programmes]
    _bulk(
        Grant,
        [
            Grant(
                application=app,
                identifier=f"{prefixes[(a % size.organisations) % size.councils]}-{app.pk}",
                amount=app.amount_requested,
                paid_total=app.amount_requested,
                status="completed",
                report_tier="light" if app.amount_requested <= 1000 else "standard",
                accepted_at=now,
                accepted_by=app.created_by,
            )
            for a, app in enumerate(applications[: size.grants])
        ],
        counts,
    )
    # The marker, last: its presence says this scale is complete.
    Organisation.objects.create(
        name=f"Generated data set marker ({tag})",
        legal_form="other",
        org_id=marker_org_id(scale),
    )
    return counts


def _is_ratio(i: int) -> bool:
    return INDICATORS - RATIO_INDICATORS <= i


def _is_ward(i: int) -> bool:
    return i < WARD_INDICATORS


def _quarter_start(financial_year: int, quarter: int) -> date:
    month = 4 + 3 * quarter
    return date(financial_year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def _figures(returns, versions, wards, counts) -> None:
    """Forty figures a return, and ward figures for the broken-down indicators, streamed in
    chunks of returns so memory stays flat at any scale."""
    from alliance.models import Figure, WardFigure

    versions_by_contract: dict[int, list] = {}
    for version in versions:
        versions_by_contract.setdefault(version.indicator.contract_id, []).append(version)
    ward_index = {ward.pk: n for n, ward in enumerate(wards)}
    chunk = max(1, BATCH * 4 // INDICATORS)
    for start in range(0, len(returns), chunk):
        figures, breakdown = [], []
        for r, return_ in enumerate(returns[start : start + chunk], start=start):
            for i, version in enumerate(versions_by_contract[return_.contract_id]):
                if _is_ratio(i):
                    figure = Figure(
                        return_record=return_,
                        indicator_version=version,
                        numerator=Decimal(10 + (r + i) % 30),
                        denominator=Decimal(50),
                    )
                elif _is_ward(i):
                    # A broken-down figure is the sum of its wards, as submission requires.
                    by_ward = [Decimal(1 + (r + w) % 20) for w in range(WARDS_PER_BREAKDOWN)]
                    figure = Figure(
                        return_record=return_, indicator_version=version, value=sum(by_ward)
                    )
                    breakdown.append((figure, return_.organisation.ward_id, by_ward))
                else:
                    figure = Figure(
                        return_record=return_,
                        indicator_version=version,
                        value=Decimal(5 + (r * 7 + i) % 60),
                    )
                figures.append(figure)
        _bulk(Figure, figures, counts)
        rows = []
        for figure, ward_id, by_ward in breakdown:
            first = ward_index[ward_id] - ward_index[ward_id] % WARDS_PER_COUNCIL
            for ward, value in zip(
                wards[first : first + WARDS_PER_BREAKDOWN], by_ward, strict=True
            ):
                rows.append(WardFigure(figure=figure, ward=ward, value=value))
        _bulk(WardFigure, rows, counts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 is the reference size")
    args = parser.parse_args(argv)
    if args.scale <= 0 or args.scale > 6:
        parser.error("--scale must be above 0 and at most 6")

    from bench.run import DEFAULT_DATABASE, _ensure_database

    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if not os.environ["DATABASE_URL"].startswith("postgres"):
        print(
            "The generator writes to PostgreSQL: set DATABASE_URL=postgres://...", file=sys.stderr
        )
        return 2
    _ensure_database(os.environ["DATABASE_URL"])

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    generate(args.scale)
    return 0


if __name__ == "__main__":
    sys.exit(main())
