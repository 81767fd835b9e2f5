"""Variations: the only way a started contract's allocations, budgets, value or term change.

A variation is proposed (by a commissioner or the lead partner's alliance lead) and applied
only when a commissioner approves it, in one transaction that keeps the before and after.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from alliance import access
from alliance.models import Contract, ContractMember, Role, User, Variation, VariationStatus
from alliance.services.guards import commissions, require_commissioner_of
from alliance.services.money import apply_changes, lock_contract, snapshot
from config.errors import Conflict, NotAllowed, RuleBroken

DECIDE = "variations.approved_by_commissioner"
CHANGE_KEYS = {"allocations", "year_budgets", "value", "extension_year_budgets"}


def _may_propose(by: User, contract: Contract) -> bool:
    if commissions(contract.pk, by):
        return True
    lead = ContractMember.objects.filter(contract=contract, is_lead_partner=True).first()
    return lead is not None and Role.ALLIANCE_LEAD in access.roles_in(by, lead.organisation_id)


def variation_propose(
    *, contract: Contract, by: User, reason: str, changes: dict[str, Any]
) -> Variation:
    if not _may_propose(by, contract):
        raise NotAllowed(
            "Only a commissioner or the lead partner's alliance lead can propose a variation.",
            rule="variations.proposed_by_commissioner_or_lead_partner",
        )
    if not reason.strip():
        raise RuleBroken(
            "Say why the contract should change.",
            rule="variations.reason_required",
            fields={"reason": ["A reason is required."]},
        )
    if not changes or not set(changes) <= CHANGE_KEYS:
        raise RuleBroken(
            "A variation changes allocations, year budgets, the value or the term.",
            rule="variations.changes_something",
            fields={"changes": ["Say what changes."]},
        )
    _check_refers_to_contract(contract, changes)
    with transaction.atomic():
        variation = Variation(contract=contract, reason=reason, changes=changes, proposed_by=by)
        variation._history_user = by
        variation.save()
    return variation


def _check_refers_to_contract(contract: Contract, changes: dict[str, Any]) -> None:
    """Catch a wrong year or organisation when it is proposed, not weeks later at approval.
    Budgets are checked at approval, against the figures as they are then."""
    last_year = contract.years.count() + len(changes.get("extension_year_budgets") or [])
    partners = set(contract.members.values_list("organisation_id", flat=True))
    errors = []
    for item in [*changes.get("allocations", []), *changes.get("year_budgets", [])]:
        if not 1 <= item["year"] <= last_year:
            errors.append(f"The contract has no year {item['year']}.")
        if "organisation" in item and item["organisation"] not in partners:
            errors.append(f"Organisation {item['organisation']} is not a partner.")
    if errors:
        raise RuleBroken(
            " ".join(errors), rule="variations.within_contract", fields={"changes": errors}
        )


def _lock_proposed(variation: Variation) -> tuple[Variation, Contract]:
    # Always the contract first, then the variation: the same order as every money change.
    contract = lock_contract(variation.contract_id)
    locked = Variation.objects.select_for_update().get(pk=variation.pk)
    if locked.status != VariationStatus.PROPOSED:
        raise Conflict(
            f"This variation was already {locked.get_status_display().lower()}.",
            rule="variations.decided_once",
        )
    return locked, contract


def variation_approve(*, variation: Variation, by: User, comment: str = "") -> Variation:
    """Apply the variation's changes atomically, keeping the before and after (rule 4)."""
    require_commissioner_of(variation.contract_id, by, doing="approve a variation", rule=DECIDE)
    with transaction.atomic():
        locked, contract = _lock_proposed(variation)
        before = snapshot(contract)
        apply_changes(contract, locked.changes, by=by)
        locked.before = before
        locked.after = snapshot(contract)
        locked.status = VariationStatus.APPROVED
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.decision_comment = comment
        locked._history_user = by
        locked.save(
            update_fields=[
                "before",
                "after",
                "status",
                "decided_by",
                "decided_at",
                "decision_comment",
            ]
        )
    return locked


def variation_reject(*, variation: Variation, by: User, comment: str) -> Variation:
    require_commissioner_of(variation.contract_id, by, doing="reject a variation", rule=DECIDE)
    if not comment.strip():
        raise RuleBroken(
            "Say why the variation is rejected.",
            rule="variations.reason_required",
            fields={"comment": ["A reason is required."]},
        )
    with transaction.atomic():
        locked, _contract = _lock_proposed(variation)
        locked.status = VariationStatus.REJECTED
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.decision_comment = comment
        locked._history_user = by
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
    return locked
