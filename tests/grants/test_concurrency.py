"""Rule 14 under concurrency, on PostgreSQL: many decisions at once never over-commit the
round or the programme."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum

from config.errors import DomainError
from grants.models import Application, Decision, Grant, Programme, Round, Vote
from grants.services.awards import application_decide
from tests.grants.factories import ApplicationFactory, ProgrammeFactory, RoundFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _award_all_at_once(applications, by) -> tuple[list[int], list[str]]:
    barrier = threading.Barrier(len(applications))
    awarded: list[int] = []
    refused: list[str] = []
    lock = threading.Lock()

    def decide(application):
        try:
            barrier.wait()
            application_decide(
                application=application, by=by, outcome="award", amount=Decimal("1000.00")
            )
            with lock:
                awarded.append(application.pk)
        except DomainError as exc:
            with lock:
                refused.append(exc.rule)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(a,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return awarded, refused


def _submitted(round_, count):
    return [
        ApplicationFactory(round=round_, status="submitted", amount_requested=Decimal("1000"))
        for _ in range(count)
    ]


def test_award_never_exceeds_round_budget_under_concurrent_decisions(commissioner, council):
    programme = ProgrammeFactory(funder=council, budget=Decimal("35000.00"))
    round_ = RoundFactory(programme=programme, budget=Decimal("20000.00"))
    applications = _submitted(round_, 50)

    awarded, refused = _award_all_at_once(applications, commissioner)

    assert len(awarded) == 20
    assert refused == ["grants.round_budget"] * 30
    round_.refresh_from_db()
    programme.refresh_from_db()
    assert round_.awarded_total == Decimal("20000.00")
    assert programme.awarded_total == Decimal("20000.00")
    assert Grant.objects.aggregate(total=Sum("amount"))["total"] == Decimal("20000.00")
    assert Decision.objects.count() == 20
    assert Application.objects.filter(status="awarded").count() == 20
    assert Application.objects.filter(status="submitted").count() == 30


def test_award_never_exceeds_programme_budget_under_concurrent_decisions(commissioner, council):
    # Two rounds of £10,000 against a programme of £15,000. The services never allow this
    # over-allocation, but a council cutting a programme mid-year leaves exactly this
    # shape; it is built directly here to prove the programme-level guard stands alone.
    programme = ProgrammeFactory(funder=council, budget=Decimal("15000.00"))
    first = RoundFactory(programme=programme, budget=Decimal("10000.00"))
    second = RoundFactory(programme=programme, budget=Decimal("10000.00"))
    applications = _submitted(first, 25) + _submitted(second, 25)

    awarded, refused = _award_all_at_once(applications, commissioner)

    assert len(awarded) == 15
    assert len(refused) == 35
    assert set(refused) <= {"grants.programme_budget", "grants.round_budget"}
    assert "grants.programme_budget" in refused
    programme.refresh_from_db()
    assert programme.awarded_total == Decimal("15000.00")
    totals = {r.pk: r.awarded_total for r in Round.objects.all()}
    assert sum(totals.values()) == Decimal("15000.00")
    assert all(total <= Decimal("10000.00") for total in totals.values())
    assert Grant.objects.aggregate(total=Sum("amount"))["total"] == Decimal("15000.00")
    assert Programme.objects.get().awarded_total <= Programme.objects.get().budget


def _all_at_once(calls) -> list[str]:
    """Run each call in its own thread, all released together; answer the rules refused."""
    barrier = threading.Barrier(len(calls))
    refused: list[str] = []
    lock = threading.Lock()

    def run(call):
        try:
            barrier.wait()
            call()
        except DomainError as exc:
            with lock:
                refused.append(exc.rule)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return refused


def test_votes_stay_within_the_limit_under_concurrent_voting(council):
    from grants.services.panels import vote_cast
    from tests.grants.factories import PanelMemberFactory

    round_ = RoundFactory(
        programme=ProgrammeFactory(funder=council),
        closed=True,
        decision_method="community_vote",
        votes_per_voter=3,
    )
    voter = PanelMemberFactory(round=round_).user
    applications = [ApplicationFactory(round=round_, status="submitted") for _ in range(10)]

    refused = _all_at_once([lambda a=a: vote_cast(application=a, by=voter) for a in applications])

    assert refused == ["grants.votes_per_voter"] * 7
    assert Vote.objects.filter(voter=voter).count() == 3


def test_one_live_application_per_round_under_concurrent_submissions(council):
    from alliance.models import Role
    from grants.services.applications import application_submit
    from tests.alliance.factories import MembershipFactory, OrganisationFactory

    organisation = OrganisationFactory(latest_annual_income=Decimal("9000"))
    user = MembershipFactory(organisation=organisation, role=Role.APPLICANT).user
    round_ = RoundFactory(programme=ProgrammeFactory(funder=council))
    drafts = [
        ApplicationFactory(round=round_, organisation=organisation, created_by=user)
        for _ in range(5)
    ]

    refused = _all_at_once([lambda d=d: application_submit(application=d, by=user) for d in drafts])

    assert refused == ["grants.eligibility"] * 4
    assert Application.objects.filter(status="submitted").count() == 1
