"""Setting up a contract: its years, reporting periods, members and first allocations.

Rule 3 (term within the configured maximum) and rule 4 (allocations within each year's
budget, budgets within the contract value) are kept here and in `variations.py`, which
share `apply_changes` so there is one path by which money moves.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from alliance.calendar import add_working_days, add_years, quarter_bounds, quarters_between
from alliance.models import (
    Contract,
    ContractMember,
    ContractStatus,
    ContractYear,
    Organisation,
    Place,
    ReportingPeriod,
    User,
)
from alliance.models.people import LegalForm
from alliance.services.guards import require_commissioner_of, require_commissioner_of_place
from alliance.services.money import apply_changes, lock_contract
from config.errors import Conflict, RuleBroken
from config.money import gbp


def _check_term(initial: int, extensions: list[int]) -> int:
    maximum = settings.ALLIANCE_MAX_CONTRACT_YEARS
    if any(not isinstance(n, int) or isinstance(n, bool) or n < 1 for n in extensions):
        raise RuleBroken(
            "Each extension option is a whole number of years, at least one.",
            rule="contracts.term_within_maximum",
            fields={"extension_options": ["Give whole years, e.g. [2, 2]."]},
        )
    total = initial + sum(extensions)
    if total > maximum:
        raise RuleBroken(
            f"The initial term and extensions come to {total} years; a contract may run "
            f"for at most {maximum}.",
            rule="contracts.term_within_maximum",
            fields={"extension_options": [f"At most {maximum} years in all."]},
        )
    return maximum


def add_contract_year(contract: Contract, number: int, budget: Decimal) -> ContractYear:
    """Add year `number` with its reporting periods. The caller holds the contract lock."""
    starts = add_years(contract.starts_on, number - 1)
    ends = add_years(contract.starts_on, number) - timedelta(days=1)
    year = ContractYear.objects.create(
        contract=contract, number=number, starts_on=starts, ends_on=ends, budget=budget
    )
    taken = set(
        ReportingPeriod.objects.filter(contract=contract).values_list("financial_year", "quarter")
    )
    for financial_year, quarter in quarters_between(starts, ends):
        if (financial_year, quarter) in taken:
            continue  # a quarter straddling two contract years belongs to the first
        first, last = quarter_bounds(financial_year, quarter)
        ReportingPeriod.objects.create(
            contract=contract,
            contract_year=year,
            financial_year=financial_year,
            quarter=quarter,
            starts_on=first,
            ends_on=last,
            due_on=add_working_days(last, settings.ALLIANCE_RETURN_DUE_WORKING_DAYS),
        )
    return year


def _check_members(members: list[dict[str, Any]]) -> None:
    leads = [m for m in members if m.get("is_lead_partner")]
    if len(leads) != 1:
        raise RuleBroken(
            "A contract has exactly one lead partner.",
            rule="contracts.one_lead_partner",
            fields={"members": ["Mark exactly one member as the lead partner."]},
        )
    ids = [m["organisation"].pk for m in members]
    if len(ids) != len(set(ids)):
        raise RuleBroken(
            "An organisation is listed twice among the members.",
            rule="contracts.member_once",
            fields={"members": ["List each organisation once."]},
        )


def contract_create(
    *,
    by: User,
    place: Place,
    title: str,
    reference: str,
    starts_on: date,
    initial_term_years: int,
    extension_options: list[int],
    value: Decimal,
    year_budgets: list[Decimal],
    members: list[dict[str, Any]],
    values_text: str = "",
    values_version: str = "",
    review_points: str = "",
) -> Contract:
    """Create a contract being set up, with its initial years and their periods."""
    require_commissioner_of_place(
        place, by, doing="set up a contract", rule="contracts.set_up_by_commissioners"
    )
    maximum = _check_term(initial_term_years, extension_options)
    if len(year_budgets) != initial_term_years:
        raise RuleBroken(
            f"Give a budget for each of the {initial_term_years} years of the initial term.",
            rule="contracts.budget_per_year",
            fields={"year_budgets": [f"{initial_term_years} budgets are needed."]},
        )
    if sum(year_budgets, Decimal("0")) > value:
        raise RuleBroken(
            f"The years' budgets come to {gbp(sum(year_budgets))}, more than the contract "
            f"value of {gbp(value)}.",
            rule="contracts.budgets_within_value",
            fields={"year_budgets": ["Together they must not exceed the value."]},
        )
    _check_members(members)
    if any(m["organisation"].legal_form == LegalForm.LOCAL_AUTHORITY for m in members):
        raise RuleBroken(
            "The council commissions the contract; it is not one of its partners.",
            rule="contracts.partners_not_council",
            fields={"members": ["Remove the local authority."]},
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                contract = Contract.objects.create(
                    place=place,
                    council=place.council,
                    title=title,
                    reference=reference,
                    starts_on=starts_on,
                    initial_term_years=initial_term_years,
                    extension_options=list(extension_options),
                    max_term_years=maximum,
                    value=value,
                    budgeted=sum(year_budgets, Decimal("0")),
                    values_text=values_text,
                    values_version=values_version,
                    review_points=review_points,
                )
        except IntegrityError:
            raise Conflict(
                f"There is already a contract with the reference {reference}.",
                rule="contracts.reference_once",
                fields={"reference": ["Already used."]},
            ) from None
        for number, budget in enumerate(year_budgets, start=1):
            add_contract_year(contract, number, budget)
        for member in members:
            ContractMember.objects.create(
                contract=contract,
                organisation=member["organisation"],
                is_lead_partner=bool(member.get("is_lead_partner")),
                values_version_signed=member.get("values_version_signed", ""),
                values_signed_on=member.get("values_signed_on"),
            )
    return contract


def contract_activate(*, contract: Contract, by: User) -> Contract:
    """Start the contract. From now on allocations change only through variations."""
    require_commissioner_of(
        contract.pk, by, doing="start it", rule="contracts.set_up_by_commissioners"
    )
    with transaction.atomic():
        locked = lock_contract(contract.pk)
        if locked.status != ContractStatus.SETTING_UP:
            raise Conflict(
                f"The contract is already {locked.get_status_display().lower()}.",
                rule="contracts.activate_once",
            )
        locked._history_user = by
        locked.status = ContractStatus.ACTIVE
        locked.save(update_fields=["status"])
    return locked


def allocation_set(
    *, contract: Contract, organisation: Organisation, year_number: int, amount: Decimal, by: User
):
    """Set a partner's allocation for one year while the contract is being set up."""
    require_commissioner_of(
        contract.pk, by, doing="set allocations", rule="contracts.allocations_by_commissioners"
    )
    with transaction.atomic():
        locked = lock_contract(contract.pk)
        if locked.status != ContractStatus.SETTING_UP:
            raise RuleBroken(
                "The contract has started: allocations now change only through an approved "
                "variation, which keeps the before and after.",
                rule="contracts.allocations_through_variations",
            )
        changes = {
            "allocations": [
                {"year": year_number, "organisation": organisation.pk, "amount": str(amount)}
            ]
        }
        touched = apply_changes(locked, changes, by=by)
    return touched[0]
