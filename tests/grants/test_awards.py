"""Decisions and awards (rules 14 and 15): never over the request, the round or the
programme; fund down the ranking while the budget lasts."""

from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from grants.models import Application, Decision, Grant, Programme, Round
from grants.services.programmes import round_create
from tests.conftest import client_for
from tests.grants.factories import ApplicationFactory, ScoreFactory

pytestmark = pytest.mark.django_db


def _decide(user, application, **data):
    return client_for(user).post(
        f"/api/v1/applications/{application.pk}/decide/", data, format="json"
    )


@pytest.fixture
def submitted(draft, applicant):
    client_for(applicant).post(f"/api/v1/applications/{draft.pk}/submit/")
    draft.refresh_from_db()
    return draft


def test_an_award_makes_a_grant_with_a_schedule_and_tells_the_group(
    commissioner, submitted, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _decide(
            commissioner, submitted, outcome="award", amount="800.00", conditions="Send photos"
        )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "awarded"
    assert body["decision"]["method"] == "officer"
    assert body["decision"]["rank"] == 1
    grant = Grant.objects.get()
    assert grant.amount == Decimal("800.00")
    assert grant.identifier == f"360G-wirral-{submitted.pk}"
    assert grant.report_tier == "light"
    assert [t.amount for t in grant.tranches.all()] == [Decimal("800.00")]
    round_ = Round.objects.get()
    assert round_.awarded_total == Decimal("800.00")
    assert round_.programme.awarded_total == Decimal("800.00")
    # The running totals are audited like everything else (rule 16).
    assert round_.history.first().history_user == commissioner
    assert "Good news: £800.00" in mail.outbox[-1].subject
    assert applicant.email in mail.outbox[-1].to


def test_a_larger_award_is_paid_in_two_tranches_that_add_up(commissioner, submitted):
    submitted.amount_requested = Decimal("3333.33")
    submitted.save()
    _decide(commissioner, submitted, outcome="award", amount="3333.33")
    grant = Grant.objects.get()
    amounts = [t.amount for t in grant.tranches.all()]
    assert amounts == [Decimal("2500.00"), Decimal("833.33")]
    assert sum(amounts) == grant.amount
    assert grant.report_tier == "standard"


def test_a_decline_carries_a_reason_the_group_sees(
    commissioner, submitted, applicant, django_capture_on_commit_callbacks
):
    assert _decide(commissioner, submitted, outcome="decline").status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = _decide(
            commissioner, submitted, outcome="decline", reason="Another group already runs this."
        )
    assert response.status_code == 200
    seen = client_for(applicant).get(f"/api/v1/applications/{submitted.pk}/").json()
    assert seen["decision"]["reason"] == "Another group already runs this."
    assert "Another group already runs this." in mail.outbox[-1].body
    assert not Grant.objects.exists()


def test_an_award_never_exceeds_the_amount_requested(commissioner, submitted):
    response = _decide(commissioner, submitted, outcome="award", amount="1000.01")
    assert response.status_code == 400
    assert response.json()["rule"] == "grants.award_within_request"
    assert not Decision.objects.exists()
    assert Round.objects.get().awarded_total == 0


def test_an_award_over_the_round_budget_is_refused_and_nothing_saved(
    commissioner, submitted, open_round
):
    open_round.budget = Decimal("500.00")
    open_round.save()
    response = _decide(commissioner, submitted, outcome="award", amount="1000.00")
    assert response.status_code == 400
    body = response.json()
    assert body["rule"] == "grants.round_budget"
    assert "£500.00 left" in body["message"]
    assert not Decision.objects.exists()
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_deciding_twice_is_a_conflict(commissioner, submitted):
    assert _decide(commissioner, submitted, outcome="award", amount="500").status_code == 200
    again = _decide(commissioner, submitted, outcome="award", amount="500")
    assert again.status_code == 409
    assert again.json()["rule"] == "grants.decided_once"
    assert Round.objects.get().awarded_total == Decimal("500.00")


def test_only_commissioners_decide(applicant, submitted):
    response = _decide(applicant, submitted, outcome="award", amount="500")
    assert response.status_code == 403
    assert not Decision.objects.exists()


def test_the_database_refuses_an_overspent_round(open_round):
    with pytest.raises(IntegrityError), transaction.atomic():
        Round.objects.filter(pk=open_round.pk).update(awarded_total=open_round.budget + 1)


def test_the_database_refuses_an_overspent_programme(programme):
    with pytest.raises(IntegrityError), transaction.atomic():
        Programme.objects.filter(pk=programme.pk).update(awarded_total=programme.budget + 1)


def test_rounds_never_add_up_to_more_than_the_programme(commissioner, programme, open_round):
    data = {
        "name": "Spring",
        "opens_at": open_round.opens_at,
        "closes_at": open_round.closes_at,
        "budget": Decimal("15000.01"),  # 20,000 already in open_round; programme has 35,000
        "decision_method": "officer",
    }
    from config.errors import RuleBroken

    with pytest.raises(RuleBroken) as caught:
        round_create(by=commissioner, programme=programme, data=data)
    assert caught.value.rule == "grants.rounds_within_programme"
    assert "£15,000.00 is left" in caught.value.message
    data["budget"] = Decimal("15000.00")
    assert round_create(by=commissioner, programme=programme, data=data).budget == data["budget"]


def test_fund_down_the_ranking_stops_where_the_budget_runs_out(
    panel_round, panel_member, commissioner
):
    need, plan = panel_round.criteria.all()
    apps = []
    for score, amount in ((5, "4000"), (4, "5000"), (3, "2000"), (2, "500")):
        application = ApplicationFactory(
            round=panel_round, status="submitted", amount_requested=Decimal(amount)
        )
        for criterion in (need, plan):
            ScoreFactory(
                application=application, criterion=criterion, scorer=panel_member, score=score
            )
        apps.append(application)
    url = f"/api/v1/rounds/{panel_round.pk}/fund-down-ranking/"
    response = client_for(commissioner).post(url, {}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    # 10,000 in the round: 4,000 + 5,000 fit; the third asks 2,000 with 1,000 left.
    assert [a["application"] for a in body["awarded"]] == [apps[0].pk, apps[1].pk]
    assert body["stopped_at"] == apps[2].pk
    assert "£2,000.00 but only £1,000.00 is left in the round" in body["reason"]
    assert body["round_remaining"] == "1000.00"
    assert Application.objects.get(pk=apps[3].pk).status == "submitted"
    decision = Decision.objects.get(application=apps[0])
    assert decision.method == "panel"
    assert [entry["application_id"] for entry in decision.ranking] == [a.pk for a in apps]


def test_fund_down_stops_at_an_unscored_application(panel_round, commissioner):
    ApplicationFactory(round=panel_round, status="submitted", title="Not yet scored")
    body = (
        client_for(commissioner)
        .post(f"/api/v1/rounds/{panel_round.pk}/fund-down-ranking/", {}, format="json")
        .json()
    )
    assert body["awarded"] == []
    assert "'Not yet scored': it has not been scored yet" in body["reason"]


def test_a_community_vote_is_funded_in_vote_order_until_an_unvoted_application(
    programme, commissioner
):
    from grants.models import Vote
    from tests.grants.factories import PanelMemberFactory, RoundFactory

    round_ = RoundFactory(
        programme=programme, closed=True, decision_method="community_vote", votes_per_voter=2
    )
    voters = [PanelMemberFactory(round=round_).user for _ in range(2)]
    favourite, runner_up, unvoted = (
        ApplicationFactory(round=round_, status="submitted") for _ in range(3)
    )
    for voter in voters:
        Vote.objects.create(round=round_, application=favourite, voter=voter)
    Vote.objects.create(round=round_, application=runner_up, voter=voters[0])
    body = (
        client_for(commissioner)
        .post(f"/api/v1/rounds/{round_.pk}/fund-down-ranking/", {}, format="json")
        .json()
    )
    assert [a["application"] for a in body["awarded"]] == [favourite.pk, runner_up.pk]
    assert body["stopped_at"] == unvoted.pk
    assert "it has no votes" in body["reason"]
    assert Decision.objects.get(application=favourite).method == "community_vote"
