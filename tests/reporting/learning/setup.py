"""Returns with learning and end-of-grant reports for the shared learning tests, written
straight to the tables (the returns and grants workflows have their own tests)."""

from datetime import datetime, time
from decimal import Decimal

from django.utils import timezone

from alliance.models import LearningEntry, Return
from alliance.services.contracts import allocation_set
from grants.models import EndOfGrantReport, Grant
from tests.grants.factories import ApplicationFactory, ProgrammeFactory, RoundFactory


def a_return(period, organisation, by, learning, *, status="accepted"):
    """`learning`: [(theme, what_worked, what_did_not, tags)]."""
    record = Return.objects.create(
        contract=period.contract,
        period=period,
        organisation=organisation,
        status=status,
        rating="good" if status == "accepted" else "",
        created_by=by,
    )
    for theme, worked, did_not, tags in learning:
        LearningEntry.objects.create(
            return_record=record,
            theme=theme,
            what_worked=worked,
            what_did_not=did_not,
            tags=tags,
        )
    return record


def during(period, day=10):
    """A moment inside `period` (local time)."""
    on = period.starts_on.replace(day=day)
    return datetime.combine(on, time(12), tzinfo=timezone.get_current_timezone())


_grants = iter(range(1, 10**6))


def a_grant_report(
    funder, *, answers, submitted_at, group=None, status="submitted", withheld=False
):
    """A grant of a programme `funder` runs, with its end-of-grant report."""
    programme = ProgrammeFactory(funder=funder, name="Community Micro-grants")
    extra = {"organisation": group} if group is not None else {}
    application = ApplicationFactory(round=RoundFactory(programme=programme), **extra)
    grant = Grant.objects.create(
        application=application,
        identifier=f"360G-wirral-learning-{next(_grants)}",
        amount=Decimal("1000.00"),
        status="completed",
        report_tier="standard",
        withheld=withheld,
        withheld_reason="The group's safety" if withheld else "",
    )
    return EndOfGrantReport.objects.create(
        grant=grant,
        tier="standard",
        due_on=submitted_at.date(),
        status=status,
        answers=answers,
        submitted_at=submitted_at if status == "submitted" else None,
    )


def allocate(contract, commissioner, *organisations):
    for organisation in organisations:
        allocation_set(
            contract=contract,
            organisation=organisation,
            year_number=1,
            amount=Decimal("1000.00"),
            by=commissioner,
        )
