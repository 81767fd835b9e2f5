"""What is due, and for whom: the reads behind the daily reminder.

A quarterly return is outstanding when the partner was expected to send it (it holds a
non-zero allocation in the contract year of the period) and it is not started, still a
draft, or sent back with changes requested. A submitted, accepted or reopened return is
not chased: the first two are with the council, and a reopened one was sent in time once
and the commissioner who reopened it has already written to say why.

An end-of-grant report is outstanding while its status is `due`.

The commissioners of a contract's council get a line for each partner's return that is
overdue (not for those merely due soon: the partners are reminded of those).

Each is listed from `REMINDERS_DAYS_BEFORE` days before its due date (7) and every day
after it until it is sent. The queries are set-based: a handful whatever the number of
partners, periods or people (tests/reporting/reminders/test_collect.py counts them).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from django.conf import settings

from alliance.models import (
    Allocation,
    ContractStatus,
    Membership,
    ReportingPeriod,
    Return,
    ReturnStatus,
    Role,
)
from grants.access import APPLYING_ROLES
from grants.models import EndOfGrantReport, ReportStatus

RETURN_EDITORS = (Role.ALLIANCE_LEAD, Role.CONTRIBUTOR)
# A return in one of these states still needs the partner to act.
OUTSTANDING_RETURN = (ReturnStatus.DRAFT, ReturnStatus.CHANGES_REQUESTED)

RETURN = "return"
GRANT_REPORT = "grant_report"
# A partner's overdue return, as its contract's commissioners see it.
PARTNER_RETURN = "partner_return"


@dataclass(frozen=True)
class Item:
    """One thing on a person's reminder. `key` names the return or report, so the same
    thing reached through two roles is listed once."""

    key: str
    kind: str  # RETURN, GRANT_REPORT or PARTNER_RETURN
    organisation: str
    what: str
    due_on: date
    state: str  # not_started, draft, changes_requested, due
    link: str
    report_id: int | None = None  # an end-of-grant report's id

    def overdue(self, today: date) -> bool:
        return self.due_on < today

    def as_json(self, today: date) -> dict:
        return {**asdict(self), "due_on": self.due_on.isoformat(), "overdue": self.overdue(today)}


@dataclass
class Person:
    id: int
    email: str
    name: str
    items: dict[str, Item] = field(default_factory=dict)

    def add(self, item: Item) -> None:
        self.items[item.key] = item

    def sorted_items(self) -> list[Item]:
        return sorted(self.items.values(), key=lambda i: (i.due_on, i.organisation, i.key))


def _api(path: str) -> str:
    return f"{settings.SITE_URL}/api/v1/{path}"


def _return_items(today: date, horizon: date) -> tuple[dict[int, list[Item]], dict]:
    """Outstanding returns by partner organisation id, and the overdue ones by the id of
    the council that commissions the contract."""
    periods = {
        p.pk: p
        for p in ReportingPeriod.objects.filter(
            due_on__lte=horizon, contract__status=ContractStatus.ACTIVE
        ).select_related("contract")
    }
    if not periods:
        return {}, {}
    by_year: dict[int, list[ReportingPeriod]] = defaultdict(list)
    for period in periods.values():
        by_year[period.contract_year_id].append(period)
    # A zero allocation is how a partner that has left the Alliance is recorded (a
    # variation takes its money away): it is not expected to report.
    expected = Allocation.objects.filter(contract_year_id__in=by_year, amount__gt=0).values_list(
        "contract_year_id", "organisation_id", "organisation__name"
    )
    started = {
        (period_id, org_id): (pk, status)
        for period_id, org_id, pk, status in Return.objects.filter(
            period_id__in=periods
        ).values_list("period_id", "organisation_id", "pk", "status")
    }
    items: dict[int, list[Item]] = defaultdict(list)
    by_council: dict[int, list[Item]] = defaultdict(list)
    for year_id, org_id, org_name in expected:
        for period in by_year[year_id]:
            return_id, status = started.get((period.pk, org_id), (None, "not_started"))
            if return_id is not None and status not in OUTSTANDING_RETURN:
                continue
            what = f"quarterly return for {period.label} ({period.contract.title})"
            items[org_id].append(
                Item(
                    key=f"return:{org_id}:{period.pk}",
                    kind=RETURN,
                    organisation=org_name,
                    what=what,
                    due_on=period.due_on,
                    state=str(status),
                    link=_api(f"returns/{return_id}/") if return_id else _api("returns/"),
                )
            )
            if period.due_on < today:
                by_council[period.contract.council_id].append(
                    Item(
                        key=f"partner_return:{org_id}:{period.pk}",
                        kind=PARTNER_RETURN,
                        organisation=org_name,
                        what=what,
                        due_on=period.due_on,
                        state=str(status),
                        link=_api(f"returns/{return_id}/")
                        if return_id
                        else _api(f"returns/?period={period.pk}"),
                    )
                )
    return items, by_council


def _report_items(horizon: date) -> dict[int, list[Item]]:
    """End-of-grant reports still due, by the applying organisation's id."""
    reports = EndOfGrantReport.objects.filter(
        status=ReportStatus.DUE, due_on__lte=horizon
    ).values_list(
        "pk",
        "grant_id",
        "due_on",
        "grant__application__organisation_id",
        "grant__application__organisation__name",
        "grant__application__title",
    )
    items: dict[int, list[Item]] = defaultdict(list)
    for pk, grant_id, due_on, org_id, org_name, title in reports:
        items[org_id].append(
            Item(
                key=f"grant_report:{pk}",
                kind=GRANT_REPORT,
                organisation=org_name,
                what=f"end-of-grant report for '{title}'",
                due_on=due_on,
                state=ReportStatus.DUE.value,
                link=_api(f"grants/{grant_id}/report/"),
                report_id=pk,
            )
        )
    return items


def reminders_due(*, today: date) -> dict[int, Person]:
    """Everyone with something due within the window or overdue, by user id."""
    horizon = today + timedelta(days=settings.REMINDERS_DAYS_BEFORE)
    returns, overdue_by_council = _return_items(today, horizon)
    reports = _report_items(horizon)
    people: dict[int, Person] = {}
    memberships = Membership.objects.filter(
        organisation_id__in=set(returns) | set(reports) | set(overdue_by_council),
        role__in={*RETURN_EDITORS, *APPLYING_ROLES, Role.COMMISSIONER},
        user__is_active=True,
    ).values_list("user_id", "user__email", "user__full_name", "organisation_id", "role")
    for user_id, email, name, org_id, role in memberships:
        person = people.setdefault(user_id, Person(id=user_id, email=email, name=name))
        # Leads and contributors hear about their organisation's return; applicants and
        # leads about its grant reports (the group's people, as grants/notifications.py).
        if role in RETURN_EDITORS:
            for item in returns.get(org_id, []):
                person.add(item)
        if role in APPLYING_ROLES:
            for item in reports.get(org_id, []):
                person.add(item)
        # Commissioners see which partners' returns are overdue in the contracts they
        # commission, so the chase can be a phone call rather than a surprise.
        if role == Role.COMMISSIONER:
            for item in overdue_by_council.get(org_id, []):
                person.add(item)
    return {pk: person for pk, person in people.items() if person.items}
