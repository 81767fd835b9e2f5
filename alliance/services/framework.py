"""The outcome framework: priorities and versioned indicators (rule 8).

Revising an indicator adds a version. Figures keep pointing at the version they answered,
so a change never rewrites a submitted return.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from alliance.models import (
    Aggregation,
    Contract,
    Indicator,
    IndicatorTarget,
    IndicatorVersion,
    Priority,
    User,
)
from alliance.services.guards import require_commissioner_of
from config.errors import Conflict, RuleBroken

VERSIONED_FIELDS = (
    "name",
    "definition",
    "unit",
    "aggregation",
    "numerator_label",
    "denominator_label",
    "direction",
    "baseline",
    "required_each_quarter",
    "ward_breakdown",
)
RULE = "framework.indicator_definition"
FRAMEWORK = "framework.commissioners"


def _check_definition(data: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if not data.get("name"):
        errors["name"] = ["Give the indicator a name."]
    if data.get("aggregation") not in Aggregation.values:
        errors["aggregation"] = ["Choose sum, ratio or latest."]
    if data.get("aggregation") == Aggregation.RATIO:
        for label in ("numerator_label", "denominator_label"):
            if not data.get(label):
                errors[label] = ["A ratio needs a label for its numerator and its denominator."]
        if data.get("ward_breakdown"):
            errors["ward_breakdown"] = ["A ratio cannot be broken down by ward."]
    if errors:
        raise RuleBroken("The indicator's definition is incomplete.", rule=RULE, fields=errors)


def priority_create(
    *, contract: Contract, by: User, number: int, name: str, description: str = ""
) -> Priority:
    require_commissioner_of(contract.pk, by, doing="change its outcome framework", rule=FRAMEWORK)
    try:
        with transaction.atomic():
            return Priority.objects.create(
                contract=contract, number=number, name=name, description=description
            )
    except IntegrityError:
        raise Conflict(
            f"The contract already has a priority {number}.", rule="framework.priority_once"
        ) from None


def _add_version(
    indicator: Indicator, number: int, data: dict[str, Any], targets: dict[int, Decimal]
) -> IndicatorVersion:
    version = IndicatorVersion.objects.create(
        indicator=indicator, version=number, **{f: data[f] for f in VERSIONED_FIELDS if f in data}
    )
    IndicatorTarget.objects.bulk_create(
        IndicatorTarget(version=version, year_number=year, value=value)
        for year, value in sorted(targets.items())
    )
    indicator.current_version = version
    indicator.save(update_fields=["current_version"])
    return version


def indicator_create(
    *,
    contract: Contract,
    by: User,
    code: str,
    priority: Priority | None,
    data: dict[str, Any],
    targets: dict[int, Decimal] | None = None,
) -> Indicator:
    require_commissioner_of(contract.pk, by, doing="change its outcome framework", rule=FRAMEWORK)
    _check_definition(data)
    if priority is not None and priority.contract_id != contract.pk:
        raise RuleBroken(
            "That priority belongs to another contract.",
            rule=RULE,
            fields={"priority": ["Choose one of this contract's priorities."]},
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                indicator = Indicator.objects.create(
                    contract=contract, priority=priority, code=code
                )
        except IntegrityError:
            raise Conflict(
                f"The contract already has an indicator {code}.",
                rule="framework.indicator_code_once",
                fields={"code": ["Already used."]},
            ) from None
        _add_version(indicator, 1, data, targets or {})
    return indicator


def indicator_revise(
    *,
    indicator: Indicator,
    by: User,
    data: dict[str, Any],
    targets: dict[int, Decimal] | None = None,
) -> Indicator:
    """Add a version with `data` changed; earlier versions and their figures stay as they were."""
    require_commissioner_of(
        indicator.contract_id, by, doing="change its outcome framework", rule=FRAMEWORK
    )
    with transaction.atomic():
        locked = Indicator.objects.select_for_update().get(pk=indicator.pk)
        current = locked.current_version
        merged = {f: getattr(current, f) for f in VERSIONED_FIELDS}
        merged.update({k: v for k, v in data.items() if k in VERSIONED_FIELDS})
        _check_definition(merged)
        if "is_active" in data:
            locked.is_active = data["is_active"]
            locked.save(update_fields=["is_active"])
        if merged == {f: getattr(current, f) for f in VERSIONED_FIELDS} and targets is None:
            return locked
        if targets is None:
            targets = {t.year_number: t.value for t in current.targets.all()}
        _add_version(locked, current.version + 1, merged, targets)
    return locked
