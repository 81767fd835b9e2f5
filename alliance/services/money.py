"""The one path by which a contract's money moves: value, year budgets, term, allocations.

Called with the contract row locked (contract setup or an approved variation). Rule 4 is
guarded three times: the figures are checked on locked rows, each year is written with a
conditional update that only matches while its allocations fit its budget, and the
database's CheckConstraints refuse anything that slipped past both.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import F

from alliance.models import Allocation, Contract, ContractYear, User
from config.errors import Problem, RuleBroken
from config.money import gbp, to_money

ZERO = Decimal("0.00")
RULE = "contracts.allocations_within_budget"


def lock_contract(pk: int) -> Contract:
    return Contract.objects.select_for_update().get(pk=pk)


def money(raw: Any, *, field: str) -> Decimal:
    try:
        exact = Decimal(str(raw))
        if not exact.is_finite():
            raise InvalidOperation
        amount = to_money(exact)
    except (InvalidOperation, ValueError):
        raise RuleBroken(
            f"'{raw}' is not an amount of money.",
            rule="money.decimal",
            fields={field: ["Give an amount such as 1250.00."]},
        ) from None
    if amount < 0 or amount != exact:
        raise RuleBroken(
            f"£{raw} is not an amount in pounds and pence of zero or more.",
            rule="money.decimal",
            fields={field: ["Give pounds and pence, zero or more."]},
        )
    return amount


def snapshot(contract: Contract) -> dict[str, Any]:
    """The contract's money and term, as a variation's before or after."""
    years = list(ContractYear.objects.filter(contract=contract).order_by("number"))
    allocations = (
        Allocation.objects.filter(contract_year__contract=contract)
        .select_related("contract_year", "organisation")
        .order_by("contract_year__number", "organisation__name")
    )
    return {
        "value": str(contract.value),
        "term_years": contract.term_years,
        "years": [
            {"year": y.number, "budget": str(y.budget), "allocated": str(y.allocated)}
            for y in years
        ],
        "allocations": [
            {
                "year": a.contract_year.number,
                "organisation": a.organisation_id,
                "organisation_name": a.organisation.name,
                "amount": str(a.amount),
            }
            for a in allocations
        ],
    }


def _extend(contract: Contract, budgets: list[Any], years: dict[int, ContractYear]) -> None:
    from alliance.services.contracts import add_contract_year

    options = contract.extension_options
    if contract.extensions_taken >= len(options):
        raise RuleBroken(
            "Every extension option of this contract has been taken.",
            rule="contracts.term_within_maximum",
        )
    length = options[contract.extensions_taken]
    if len(budgets) != length:
        raise RuleBroken(
            f"The next extension is {length} years: give a budget for each.",
            rule="contracts.budget_per_year",
            fields={"extension_year_budgets": [f"{length} budgets are needed."]},
        )
    first = max(years) + 1
    for offset, raw in enumerate(budgets):
        amount = money(raw, field="extension_year_budgets")
        years[first + offset] = add_contract_year(contract, first + offset, amount)
    contract.extensions_taken += 1


def apply_changes(contract: Contract, changes: dict[str, Any], *, by: User) -> list[Allocation]:
    """Apply `changes` to the locked `contract`; answer the allocations it touched."""
    locked_years = ContractYear.objects.select_for_update().filter(contract=contract)
    years = {y.number: y for y in locked_years.order_by("pk")}
    original = {n: (y.budget, y.allocated) for n, y in years.items()}
    fields: list[str] = []
    if "value" in changes:
        contract.value = money(changes["value"], field="value")
        fields.append("value")
    if changes.get("extension_year_budgets"):
        _extend(contract, changes["extension_year_budgets"], years)
        fields.append("extensions_taken")
    budgets = {n: y.budget for n, y in years.items()}
    for item in changes.get("year_budgets", []):
        if item["year"] not in years:
            raise RuleBroken(f"The contract has no year {item['year']}.", rule=RULE)
        budgets[item["year"]] = money(item["budget"], field="year_budgets")

    members = set(contract.members.values_list("organisation_id", flat=True))
    wanted: dict[tuple[int, int], Decimal] = {}
    for item in changes.get("allocations", []):
        if item["year"] not in years:
            raise RuleBroken(f"The contract has no year {item['year']}.", rule=RULE)
        if item["organisation"] not in members:
            raise RuleBroken(
                "Only the contract's partners can be given an allocation.",
                rule="contracts.allocations_to_partners",
                fields={"organisation": ["Not a partner in this contract."]},
            )
        wanted[(item["year"], item["organisation"])] = money(item["amount"], field="amount")
    existing = {
        (a.contract_year.number, a.organisation_id): a
        for a in Allocation.objects.select_for_update(of=("self",))
        .filter(contract_year__contract=contract)
        .select_related("contract_year")
        .order_by("pk")
    }
    allocated = {n: y.allocated for n, y in years.items()}
    for key, amount in wanted.items():
        before = existing[key].amount if key in existing else ZERO
        allocated[key[0]] += amount - before

    # Guard one: the figures, read under lock, listing every year that would overflow.
    problems = [
        Problem(
            code=RULE,
            message=f"Year {n}'s allocations would come to {gbp(allocated[n])}, over its "
            f"budget of {gbp(budgets[n])}.",
            field="allocations",
        )
        for n in sorted(years)
        if allocated[n] > budgets[n]
    ]
    budgeted = sum(budgets.values(), ZERO)
    if budgeted > contract.value:
        problems.append(
            Problem(
                code="contracts.budgets_within_value",
                message=f"The years' budgets would come to {gbp(budgeted)}, over the contract "
                f"value of {gbp(contract.value)}.",
                field="year_budgets",
            )
        )
    if problems:
        raise RuleBroken(
            "This would allocate more than the contract allows. Nothing was changed.",
            rule=problems[0].code,
            problems=problems,
        )

    contract.budgeted = budgeted
    contract._history_user = by
    contract.save(update_fields=[*fields, "budgeted"])
    changed_years = []
    for number, year in years.items():
        delta = allocated[number] - year.allocated
        if (year.budget, year.allocated) == (budgets[number], allocated[number]):
            continue
        # Guard two: the update only matches while the year's allocations fit its budget.
        updated = ContractYear.objects.filter(
            pk=year.pk, allocated__lte=budgets[number] - delta
        ).update(allocated=F("allocated") + delta, budget=budgets[number])
        if updated != 1:
            raise RuleBroken(f"Year {number}'s allocations would exceed its budget.", rule=RULE)
        year.refresh_from_db(fields=["budget", "allocated"])
        if number in original:
            changed_years.append(year)
    # .update() bypasses the history tables: record the years' new budgets (rule 16).
    ContractYear.history.bulk_history_create(changed_years, update=True, default_user=by)

    touched = []
    for (number, organisation_id), amount in wanted.items():
        allocation = existing.get((number, organisation_id))
        if allocation is None:
            allocation = Allocation(
                contract_year=years[number],
                organisation_id=organisation_id,
                amount=amount,
            )
        allocation.amount = amount
        allocation._history_user = by
        allocation.save()
        touched.append(allocation)
    return touched
