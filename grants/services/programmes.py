"""Setting up programmes and rounds (commissioners only)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce

from alliance.models import User
from config.errors import RuleBroken
from config.money import gbp, to_money
from grants.access import (
    require_commissioner,
    require_commissioner_of_funder,
    require_commissioner_of_programme,
)
from grants.models import Criterion, DecisionMethod, PanelMember, Programme, Round


def programme_create(*, by: User, data: dict[str, Any]) -> Programme:
    require_commissioner(by, "set up a grant programme")
    funder = data.get("funder")
    require_commissioner_of_funder(by, getattr(funder, "pk", None), "set up a grant programme")
    errors: dict[str, list[str]] = {}
    if data["min_award"] > data["max_award"]:
        errors["min_award"] = ["The smallest award must not be more than the largest."]
    if data["max_award"] > data["budget"]:
        errors["max_award"] = ["The largest award must not be more than the budget."]
    if not str(data.get("identifier_prefix", "")).startswith("360G-"):
        errors["identifier_prefix"] = ["A 360Giving prefix starts with 360G-, e.g. 360G-wirral."]
    if errors:
        raise RuleBroken(
            "Some of the programme's settings need correcting.",
            rule="grants.programme_settings",
            fields=errors,
        )
    programme = Programme(**data)
    programme._history_user = by
    programme.save()
    return programme


def round_create(
    *,
    by: User,
    programme: Programme,
    data: dict[str, Any],
    criteria: list[dict[str, Any]] | None = None,
    panel: list[User] | None = None,
) -> Round:
    """Open a new round. Rounds never add up to more than their programme's budget."""
    require_commissioner_of_programme(by, programme, "set up a grant round")
    criteria = criteria or []
    method = data["decision_method"]
    errors: dict[str, list[str]] = {}
    if data["closes_at"] <= data["opens_at"]:
        errors["closes_at"] = ["The round must close after it opens."]
    if method == DecisionMethod.PANEL and not criteria:
        errors["criteria"] = ["A scored panel needs at least one weighted criterion."]
    if method == DecisionMethod.COMMUNITY_VOTE and not data.get("votes_per_voter"):
        errors["votes_per_voter"] = ["Say how many votes each voter has."]
    if errors:
        raise RuleBroken(
            "Some of the round's settings need correcting.",
            rule="grants.round_settings",
            fields=errors,
        )
    with transaction.atomic():
        # Locking the programme serialises round set-up with awards (same lock order).
        locked = Programme.objects.select_for_update().get(pk=programme.pk)
        allocated = locked.rounds.aggregate(total=Coalesce(Sum("budget"), Decimal("0")))["total"]
        budget = to_money(data["budget"])
        if allocated + budget > locked.budget:
            raise RuleBroken(
                f"The programme's rounds would add up to more than its budget of "
                f"{gbp(locked.budget)}: {gbp(locked.budget - allocated)} is left to give "
                "to a new round.",
                rule="grants.rounds_within_programme",
                fields={"budget": [f"At most {gbp(locked.budget - allocated)}."]},
            )
        round_ = Round(programme=locked, **data)
        round_._history_user = by
        round_.save()
        for position, criterion in enumerate(criteria):
            Criterion.objects.create(round=round_, position=position, **criterion)
        for user in panel or []:
            member = PanelMember(round=round_, user=user)
            member._history_user = by
            member.save()
    return round_
