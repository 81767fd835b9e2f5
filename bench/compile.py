"""Collective impact compile against a raw SQL GROUP BY over the same rows.

One contract with 200 partners, 40 indicators (20 `sum` and 10 `latest`, each broken down
by 20 wards, and 10 `ratio`) and 37 quarters: the period measured plus nine years of
history, every return accepted. That is 7,400 returns, 296,000 figures and 4,440,000 ward
figures, generated in the database (INSERT ... SELECT), once, and reused.

Measured: compiling one period, and the contract to date (the payload as stored, with its
content hash), each against the GROUP BY queries a hand-written report would run over the
same accepted rows (partner totals, and partner-by-ward totals), fetched to Python.
"""

from __future__ import annotations

from datetime import date

from bench.harness import Figure, p50, timings

REFERENCE = "BENCH-IMPACT"
NOTES = [
    "Collective impact: 200 partners x 40 indicators x 20 wards, 37 quarters (one period "
    "plus nine years of history), all accepted: 7,400 returns, 296,000 figures, 4.44 million "
    "ward figures. The compile's time includes building the payload and hashing it. "
    "Compile and baseline are timed in turns (one of each per round), so a busy neighbour "
    "on a shared machine slows both alike. For one period the compile reads each partner's "
    "ward figures off its one figure through the (figure, ward) unique index; the baseline "
    "is the GROUP BY a hand-written report would run."
]

_BASELINE = """
SELECT iv.indicator_id, r.organisation_id,
       SUM(f.value), SUM(f.numerator), SUM(f.denominator)
FROM alliance_figure f
JOIN alliance_return r ON r.id = f.return_record_id
JOIN alliance_indicatorversion iv ON iv.id = f.indicator_version_id
WHERE r.contract_id = %(contract)s AND r.status = 'accepted' AND r.period_id = ANY(%(periods)s)
GROUP BY iv.indicator_id, r.organisation_id
"""
_BASELINE_WARDS = """
SELECT iv.indicator_id, r.organisation_id, w.ward_id, SUM(w.value)
FROM alliance_wardfigure w
JOIN alliance_figure f ON f.id = w.figure_id
JOIN alliance_return r ON r.id = f.return_record_id
JOIN alliance_indicatorversion iv ON iv.id = f.indicator_version_id
WHERE r.contract_id = %(contract)s AND r.status = 'accepted' AND r.period_id = ANY(%(periods)s)
GROUP BY iv.indicator_id, r.organisation_id, w.ward_id
"""


def _generate(partners: int, quarters: int, reference: str):
    from decimal import Decimal

    from django.db import connection, transaction

    from alliance.models import (
        Contract,
        ContractMember,
        ContractYear,
        Indicator,
        IndicatorTarget,
        IndicatorVersion,
        Organisation,
        Place,
        ReportingPeriod,
        User,
        Ward,
    )

    existing = Contract.objects.filter(reference=reference).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        user, _ = User.objects.get_or_create(
            email="bench-impact@example.org", defaults={"username": "bench-impact@example.org"}
        )
        council, _ = Organisation.objects.get_or_create(
            name="Bench Impact Council",
            defaults={"legal_form": "local_authority", "local_authority_code": "BIC"},
        )
        place = Place.objects.create(name=f"Place of {reference}", council=council)
        years = quarters // 4 + 1
        contract = Contract.objects.create(
            place=place,
            council=council,
            title="Bench Impact Alliance",
            reference=reference,
            status="active",
            starts_on=date(2016, 4, 1),
            initial_term_years=years,
            max_term_years=years,
            value=Decimal("99999999.00"),
        )
        base = 4000000 if partners == 200 else 4500000
        orgs = Organisation.objects.bulk_create(
            Organisation(
                name=f"{reference} partner {n:04d}",
                legal_form="registered_charity",
                charity_number=f"{base + n}",
                org_id=f"GB-CHC-{base + n}",
            )
            for n in range(partners)
        )
        ContractMember.objects.bulk_create(
            ContractMember(contract=contract, organisation=o, is_lead_partner=i == 0)
            for i, o in enumerate(orgs)
        )
        Ward.objects.bulk_create(
            [
                Ward(
                    code=f"E05{900000 + n}",
                    name=f"Bench ward {n:02d}",
                    boundary_year=2022,
                    local_authority_code="BIC",
                    local_authority_name="Bench",
                )
                for n in range(20)
            ],
            ignore_conflicts=True,  # shared by the quick and the full data set
        )
        contract_years = ContractYear.objects.bulk_create(
            ContractYear(
                contract=contract,
                number=y + 1,
                starts_on=date(2016 + y, 4, 1),
                ends_on=date(2017 + y, 3, 31),
                budget=Decimal("100000.00"),
            )
            for y in range(years)
        )
        quarter_starts = [(4, 1, 6, 30), (7, 1, 9, 30), (10, 1, 12, 31), (1, 1, 3, 31)]
        periods = []
        for q in range(quarters + 1):
            y, index = divmod(q, 4)
            sm, sd, em, ed = quarter_starts[index]
            calendar_year = 2016 + y + (1 if index == 3 else 0)
            periods.append(
                ReportingPeriod(
                    contract=contract,
                    contract_year=contract_years[y],
                    financial_year=2016 + y,
                    quarter=index + 1,
                    starts_on=date(calendar_year, sm, sd),
                    ends_on=date(calendar_year, em, ed),
                    due_on=date(calendar_year, em, ed),
                )
            )
        ReportingPeriod.objects.bulk_create(periods)
        for n in range(40):
            aggregation = "sum" if n < 20 else "latest" if n < 30 else "ratio"
            indicator = Indicator.objects.create(contract=contract, code=f"B{n:02d}")
            version = IndicatorVersion.objects.create(
                indicator=indicator,
                version=1,
                name=f"Bench indicator {n}",
                definition="Generated for the benchmark.",
                unit="%" if aggregation == "ratio" else "families",
                aggregation=aggregation,
                numerator_label="yes" if aggregation == "ratio" else "",
                denominator_label="asked" if aggregation == "ratio" else "",
                baseline=Decimal("1000"),
                ward_breakdown=aggregation != "ratio",
            )
            indicator.current_version = version
            indicator.save(update_fields=["current_version"])
            IndicatorTarget.objects.bulk_create(
                IndicatorTarget(version=version, year_number=y + 1, value=Decimal("90000"))
                for y in range(years)
            )
    with transaction.atomic(), connection.cursor() as cursor:
        params = {"contract": contract.pk, "user": user.pk}
        cursor.execute(
            """
            INSERT INTO alliance_return (contract_id, period_id, organisation_id, status,
                spend, standing_facts, went_well, was_hard, would_change, is_late, rating,
                created_by_id, created_at, updated_at, accepted_at)
            SELECT %(contract)s, p.id, m.organisation_id, 'accepted', 1000, '', '', '', '',
                false, 'good', %(user)s, now(), now(), now()
            FROM alliance_reportingperiod p
            JOIN alliance_contractmember m ON m.contract_id = p.contract_id
            WHERE p.contract_id = %(contract)s
            """,
            params,
        )
        # A ward-broken figure's wards add up to it: ((k + w) mod 10) + 1 over 20 wards is 110.
        cursor.execute(
            """
            INSERT INTO alliance_figure (return_record_id, indicator_version_id, value,
                numerator, denominator, note)
            SELECT r.id, iv.id,
                CASE WHEN iv.aggregation = 'ratio' THEN NULL ELSE 110 END,
                CASE WHEN iv.aggregation = 'ratio' THEN (r.id + iv.id) %% 40 ELSE NULL END,
                CASE WHEN iv.aggregation = 'ratio' THEN 40 ELSE NULL END,
                ''
            FROM alliance_return r
            JOIN alliance_indicator i ON i.contract_id = r.contract_id
            JOIN alliance_indicatorversion iv ON iv.id = i.current_version_id
            WHERE r.contract_id = %(contract)s
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO alliance_wardfigure (figure_id, ward_id, value)
            SELECT f.id, w.id, ((f.id + w.n) %% 10) + 1
            FROM alliance_figure f
            JOIN alliance_return r ON r.id = f.return_record_id
            JOIN alliance_indicatorversion iv ON iv.id = f.indicator_version_id
            CROSS JOIN (
                SELECT id, row_number() OVER (ORDER BY code) - 1 AS n
                FROM alliance_ward WHERE code LIKE 'E059000%%'
            ) w
            WHERE r.contract_id = %(contract)s AND iv.ward_breakdown
            """,
            params,
        )
    return contract


def _raw(contract_id: int, period_ids: list[int]) -> int:
    from django.db import connection

    rows = 0
    with connection.cursor() as cursor:
        for sql in (_BASELINE, _BASELINE_WARDS):
            cursor.execute(sql, {"contract": contract_id, "periods": period_ids})
            rows += len(cursor.fetchall())
    return rows


def _interleaved(measured, baseline, *, repeat: int) -> tuple[float, float]:
    """p50 of each, their samples taken in turns (one of each per round), so that a busy
    neighbour on a shared machine slows both sides alike rather than one block of five."""
    measured(), baseline()  # warm-up: caches, prepared plans
    pairs = [
        (timings(measured, repeat=1, warmup=0)[0], timings(baseline, repeat=1, warmup=0)[0])
        for _ in range(repeat)
    ]
    return p50([m for m, _ in pairs]), p50([b for _, b in pairs])


def run(args, *, prepared) -> list[Figure]:
    from alliance.models import ReportingPeriod
    from reporting.impact.compile import compile_impact, content_hash

    quick = args.quick
    contract = _generate(
        partners=20 if quick else 200,
        quarters=36,
        reference=f"{REFERENCE}-QUICK" if quick else REFERENCE,
    )
    prepared()
    periods = list(ReportingPeriod.objects.filter(contract=contract).order_by("starts_on"))
    period = periods[-1]
    repeat = 2 if args.quick else 7
    figures = []
    for scope, ids, label in [
        ("period", [period.pk], "one period"),
        ("to_date", [p.pk for p in periods], "the contract to date (37 quarters)"),
    ]:
        compiled, raw = _interleaved(
            lambda scope=scope: content_hash(compile_impact(contract, period, scope)),
            lambda ids=ids: _raw(contract.pk, ids),
            repeat=repeat,
        )
        figures.append(
            Figure(
                section="Collective impact compile",
                name=f"compile {label}",
                value=compiled * 1000,
                baseline=raw * 1000,
                unit="ms",
                baseline_name="raw SQL GROUP BY, same rows",
                target="≤ 2×",
                note=f"p50 of {repeat}, taken in turns with the baseline",
            )
        )
    return figures
