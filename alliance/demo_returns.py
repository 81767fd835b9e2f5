"""Demo returns: eight quarters of the Family Toolbox Alliance's lead partner, in mixed
states (accepted with ratings, submitted, changes requested, and a prefilled draft), all
written and reviewed through the services. Used by `alliance.demo_contracts`."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from alliance.models import Return, ReturnTransition, Ward
from alliance.services.returns import return_start, return_update
from alliance.services.review import return_accept, return_request_changes, return_submit

WARDS = ["E05000957", "E05000972", "E05000956"]  # Birkenhead, Rock Ferry, Bidston
# The lead partner's eight quarters, oldest first: how far each got through review.
FTA_STATES = ["accepted"] * 5 + ["submitted", "changes_requested", "draft"]
RATINGS = ["good", "approaching_target", "good", "requires_improvement", "good"]


def _figures(quarter_index: int, wards: list[Ward]) -> dict:
    families = 140 + 6 * quarter_index
    split = [families // 2, families // 3]
    split.append(families - sum(split))
    return {
        "spend": Decimal("24500.00") + 250 * quarter_index,
        "standing_facts": "Two family hubs (Birkenhead, Rock Ferry), six family coaches, "
        "a Saturday drop-in.",
        "went_well": "More dads came to the Saturday drop-in after the school-gate sessions.",
        "was_hard": "Coach vacancy for six weeks; waiting list for one-to-one support.",
        "would_change": "Run the drop-in on a weekday evening too.",
        "figures": [
            {
                "indicator": "FE1",
                "value": Decimal(families),
                "wards": [
                    {"ward": w, "value": Decimal(v)} for w, v in zip(wards, split, strict=True)
                ],
            },
            {"indicator": "NM1", "value": Decimal(70 + 2 * quarter_index)},
            {"indicator": "SC1", "value": Decimal(max(4, 18 - quarter_index))},
            {
                "indicator": "FC1",
                "numerator": Decimal(36 + quarter_index),
                "denominator": Decimal(40 + quarter_index),
            },
            {"indicator": "DT1", "value": Decimal(1200 + 250 * quarter_index)},
            {"indicator": "AV1", "value": Decimal(18 + quarter_index % 3)},
        ],
        "stories": [
            {
                "title": "A family finding its feet",
                "story": "A mum of three came to a drop-in after a house move. With a "
                "coach she set her own goals; three months on the children are settled "
                "at school and she volunteers at the drop-in.",
            }
        ],
        "learning": [
            {
                "theme": "Reaching dads",
                "what_worked": "Sessions at the school gate.",
                "what_did_not": "Evening leaflets.",
                "tags": ["dads", "outreach"],
            }
        ],
        "risks": [
            {
                "description": "Family coach vacancy",
                "likelihood": "medium",
                "impact": "high",
                "mitigation": "Agency cover agreed.",
                "is_open": True,
            }
        ],
    }


def _backdate(return_: Return) -> None:
    """The demo's quarters are in the past: date their review as it would have happened, a
    few days before each was due, so the demo does not read as if every return were late."""
    due = datetime.combine(return_.period.due_on, time(10), tzinfo=timezone.get_current_timezone())
    submitted = due - timedelta(days=5)
    Return.objects.filter(pk=return_.pk, submitted_at__isnull=False).update(
        submitted_at=submitted, first_submitted_at=submitted, is_late=False
    )
    Return.objects.filter(pk=return_.pk, accepted_at__isnull=False).update(
        accepted_at=submitted + timedelta(days=9)
    )
    for offset, transition in enumerate(return_.transitions.order_by("pk")):
        ReturnTransition.objects.filter(pk=transition.pk).update(
            at=submitted + timedelta(days=4 * offset), is_late=False
        )


def fta_returns(contract, lead_partner, lead, commissioner):
    wards = [Ward.objects.get(code=code) for code in WARDS]
    periods = list(contract.periods.order_by("starts_on")[: len(FTA_STATES)])
    for index, (period, state) in enumerate(zip(periods, FTA_STATES, strict=True)):
        if Return.objects.filter(organisation=lead_partner, period=period).exists():
            continue
        return_ = return_start(period=period, organisation=lead_partner, by=lead)
        if state == "draft":
            continue  # the newest quarter: prefilled, figures still to give
        return_update(return_=return_, by=lead, data=_figures(index, wards))
        return_submit(return_=return_, by=lead)
        if state == "accepted":
            return_accept(return_=return_, by=commissioner, rating=RATINGS[index])
        elif state == "changes_requested":
            return_request_changes(
                return_=return_,
                by=commissioner,
                reason="FE1's ward figures look swapped between Rock Ferry and Bidston: "
                "please check them.",
            )
        _backdate(return_)
