"""Demo data for Alliance contracts and returns, after ../shared/data/worked_example.md.

The Family Toolbox Alliance (from April 2022, 5 + 2 + 2 years, £705k a year across the
seven partners in `alliance.demo`) with indicators of every aggregation type and eight
quarters of returns in mixed states; and North Birkenhead, a smaller place beside it with
its own three community priorities. Everything goes through the services, as a
commissioner and the partners would; each step looks for its record first, so loading
twice changes nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from alliance.demo import PARTNERS, _member, _user
from alliance.demo_returns import fta_returns
from alliance.models import (
    Contract,
    ContractStatus,
    Organisation,
    Place,
    Role,
    User,
)
from alliance.services.contracts import allocation_set, contract_activate, contract_create
from alliance.services.framework import indicator_create, priority_create

FTA_REFERENCE = "WRL-FTA-2022"
NB_REFERENCE = "WRL-NB-C2C-2024"
VALUES = (
    "1. We give tools, not answers.\n2. We work together.\n"
    "3. We make sure families stay in control.\n4. We keep things simple for families."
)
THEMES = [
    "Mental health support for the whole family",
    "Social isolation and connecting families",
    "Managing change and life transitions",
    "More opportunities for children with additional needs",
]
NB_PRIORITIES = [
    "Improve children's literacy",
    "Give families easy access to support",
    "Create opportunities for children and young people",
]


def _indicator(contract, by, code, priority, targets=None, **data):
    existing = contract.indicators.filter(code=code).first()
    if existing:
        return existing
    data.setdefault("definition", data["name"] + ", as the framework defines it.")
    return indicator_create(
        contract=contract, by=by, code=code, priority=priority, data=data, targets=targets
    )


def _priorities(contract, by, names):
    found = {p.number: p for p in contract.priorities.all()}
    for number, name in enumerate(names, start=1):
        if number not in found:
            found[number] = priority_create(contract=contract, by=by, number=number, name=name)
    return found


def _contract(by, place, reference, **fields) -> Contract:
    existing = Contract.objects.filter(reference=reference).first()
    return existing or contract_create(by=by, place=place, reference=reference, **fields)


def _allocate_and_start(contract, by, partners, per_year: Decimal) -> None:
    if contract.status != ContractStatus.SETTING_UP:
        return
    share = (per_year / len(partners)).quantize(Decimal("1"))
    for year in contract.years.all():
        for index, partner in enumerate(partners):
            # The last partner takes the pennies, so each year adds up exactly.
            amount = share if index < len(partners) - 1 else per_year - share * index
            allocation_set(
                contract=contract,
                organisation=partner,
                year_number=year.number,
                amount=amount,
                by=by,
            )
    contract_activate(contract=contract, by=by)


def _fta_framework(contract, by):
    p = _priorities(contract, by, THEMES)
    _indicator(
        contract,
        by,
        "FE1",
        p[2],
        {1: Decimal("600"), 2: Decimal("650")},
        name="Families engaging with early help",
        unit="families",
        aggregation="sum",
        ward_breakdown=True,
        baseline=Decimal("520"),
    )
    _indicator(
        contract,
        by,
        "NM1",
        p[3],
        {1: Decimal("300")},
        name="Early help closed as needs met",
        unit="cases",
        aggregation="sum",
        baseline=Decimal("240"),
    )
    _indicator(
        contract,
        by,
        "SC1",
        p[1],
        {1: Decimal("60")},
        name="Referrals to children's social care",
        unit="referrals",
        aggregation="sum",
        direction="lower",
        baseline=Decimal("80"),
    )
    _indicator(
        contract,
        by,
        "FC1",
        p[1],
        {1: Decimal("85")},
        name="Coached people who felt empowered",
        unit="%",
        aggregation="ratio",
        numerator_label="coached people who said they felt empowered",
        denominator_label="coached people who answered the survey",
        baseline=Decimal("80"),
    )
    _indicator(
        contract,
        by,
        "DT1",
        p[2],
        {1: Decimal("3000")},
        name="Unique users of the digital tool",
        unit="people",
        aggregation="latest",
        required_each_quarter=False,
    )
    _indicator(
        contract, by, "AV1", p[4], name="Active volunteers", unit="people", aggregation="latest"
    )


def _north_birkenhead(wirral, council, commissioner, partners):
    place, _ = Place.objects.get_or_create(
        name="North Birkenhead",
        defaults={
            "council": council,
            "parent": wirral,
            "description": "About 10,000 residents; Cradle to Career programme.",
        },
    )
    contract = _contract(
        commissioner,
        place,
        NB_REFERENCE,
        title="North Birkenhead Cradle to Career",
        starts_on=date(2024, 4, 1),
        initial_term_years=3,
        extension_options=[2],
        value=Decimal("2000000.00"),
        year_budgets=[Decimal("400000.00")] * 3,
        members=[
            {"organisation": p, "is_lead_partner": i == 0, "values_version_signed": "1"}
            for i, p in enumerate(partners)
        ],
        values_text=VALUES,
        values_version="1",
    )
    p = _priorities(contract, commissioner, NB_PRIORITIES)
    _indicator(
        contract,
        commissioner,
        "LIT1",
        p[1],
        name="Children reading at their age",
        unit="%",
        aggregation="ratio",
        numerator_label="children reading at their age",
        denominator_label="children assessed",
    )
    _indicator(
        contract,
        commissioner,
        "ACC1",
        p[2],
        name="Families supported",
        unit="families",
        aggregation="sum",
        ward_breakdown=True,
    )
    _indicator(
        contract,
        commissioner,
        "ATT1",
        p[2],
        name="Children whose attendance improved",
        unit="children",
        aggregation="sum",
    )
    _indicator(
        contract,
        commissioner,
        "OPP1",
        p[3],
        name="Young people in regular activities",
        unit="young people",
        aggregation="latest",
    )
    _allocate_and_start(contract, commissioner, partners, Decimal("400000.00"))


@transaction.atomic
def load() -> dict[str, str]:
    commissioner = User.objects.get(email="commissioner@demo.wirral.example")
    lead = User.objects.get(email="lead@demo.wirral.example")
    council = Organisation.objects.get(local_authority_code="WRL")
    partners = [Organisation.objects.get(name=row[0]) for row in PARTNERS]
    wirral, _ = Place.objects.get_or_create(name="Wirral", defaults={"council": council})
    fta = _contract(
        commissioner,
        wirral,
        FTA_REFERENCE,
        title="Family Toolbox Alliance",
        starts_on=date(2022, 4, 1),
        initial_term_years=5,
        extension_options=[2, 2],
        value=Decimal("5000000.00"),
        year_budgets=[Decimal("705000.00")] * 5,
        members=[
            {
                "organisation": p,
                "is_lead_partner": i == 0,
                "values_version_signed": "1",
                "values_signed_on": date(2022, 4, 1),
            }
            for i, p in enumerate(partners)
        ],
        values_text=VALUES,
        values_version="1",
        review_points="Annual review each April; extension decisions in years 5 and 7.",
    )
    _fta_framework(fta, commissioner)
    _allocate_and_start(fta, commissioner, partners, Decimal("705000.00"))
    fta_returns(fta, partners[0], lead, commissioner)

    nb_lead = _user("lead.tideturners@demo.wirral.example", "Nia North")
    _member(nb_lead, partners[1], Role.ALLIANCE_LEAD)
    _north_birkenhead(wirral, council, commissioner, [partners[1], partners[5], partners[6]])
    return {"north birkenhead lead": nb_lead.email}
