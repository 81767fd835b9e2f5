"""Panel work: conflicts (rule 13), scoring, community votes and the ranking (rule 15)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from alliance.models import Role
from grants.models import ConflictDeclaration, Score, Vote
from tests.alliance.factories import MembershipFactory
from tests.conftest import client_for
from tests.grants.factories import (
    ApplicationFactory,
    PanelMemberFactory,
    RoundFactory,
    ScoreFactory,
)

pytestmark = pytest.mark.django_db


def _score(user, application, criterion, score=4):
    return client_for(user).post(
        f"/api/v1/applications/{application.pk}/scores/",
        {"criterion": criterion.pk, "score": score, "comment": "Clear plan"},
        format="json",
    )


def test_an_unconflicted_panel_member_scores_each_criterion(panel_member, panel_application):
    need, plan = panel_application.round.criteria.all()
    assert _score(panel_member, panel_application, need, 5).status_code == 201
    assert _score(panel_member, panel_application, plan, 2).status_code == 201
    # Scoring again replaces the earlier score, keeping its history.
    assert _score(panel_member, panel_application, plan, 3).status_code == 201
    scores = dict(Score.objects.values_list("criterion__name", "score"))
    assert scores == {"Need": 5, "Plan": 3}
    assert Score.objects.get(criterion=plan).history.count() == 2


def test_a_declared_conflict_stops_scoring_and_hides_the_scores(
    conflicted_panel_member, panel_member, panel_application
):
    need = panel_application.round.criteria.first()
    ScoreFactory(application=panel_application, criterion=need, scorer=panel_member)
    response = _score(conflicted_panel_member, panel_application, need)
    assert response.status_code == 403
    assert response.json()["rule"] == "grants.conflict_of_interest"
    assert Score.objects.filter(scorer=conflicted_panel_member).count() == 0
    client = client_for(conflicted_panel_member)
    base = f"/api/v1/applications/{panel_application.pk}/"
    hidden = client.get(f"{base}scores/")
    assert hidden.status_code == 403
    assert hidden.json()["rule"] == "grants.conflict_of_interest"
    assert client.get(base).status_code == 404
    ranking = client.get(f"/api/v1/rounds/{panel_application.round_id}/ranking/").json()
    assert ranking["entries"] == []


def test_belonging_to_the_applicant_group_is_a_conflict_without_declaring_it(
    panel_round, panel_application, organisation, panel_member
):
    insider = PanelMemberFactory(round=panel_round).user
    MembershipFactory(user=insider, organisation=organisation, role=Role.CONTRIBUTOR)
    need = panel_round.criteria.first()
    ScoreFactory(application=panel_application, criterion=need, scorer=panel_member)
    response = _score(insider, panel_application, need)
    assert response.status_code == 403
    assert "You are a member of" in response.json()["message"]
    # As a member they see their own group's application, but never its scores.
    client = client_for(insider)
    assert client.get(f"/api/v1/applications/{panel_application.pk}/").status_code == 200
    response = client.get(f"/api/v1/applications/{panel_application.pk}/scores/")
    assert response.status_code == 403
    assert not Score.objects.filter(scorer=insider).exists()


def test_declaring_a_conflict_through_the_api(panel_member, panel_application):
    url = f"/api/v1/applications/{panel_application.pk}/conflicts/"
    client = client_for(panel_member)
    response = client.post(url, {"reason": "I volunteer there."}, format="json")
    assert response.status_code == 201
    assert client.post(url, {"reason": "Again"}, format="json").status_code == 201
    assert ConflictDeclaration.objects.get().reason == "I volunteer there."
    assert client.get(url).json()["results"][0]["reason"] == "I volunteer there."
    need = panel_application.round.criteria.first()
    assert _score(panel_member, panel_application, need).status_code == 403


def test_scores_are_given_only_while_the_round_is_in_assessment(
    panel_member, panel_application, panel_round
):
    panel_round.closes_at = timezone.now() + timedelta(days=1)
    panel_round.save()
    response = _score(panel_member, panel_application, panel_round.criteria.first())
    assert response.status_code == 400
    assert response.json()["rule"] == "grants.assessment_window"
    assert not Score.objects.exists()


def test_a_score_runs_from_one_to_five(panel_member, panel_application):
    response = _score(panel_member, panel_application, panel_application.round.criteria.first(), 6)
    assert response.status_code == 400
    assert not Score.objects.exists()


@pytest.fixture
def vote_round(programme):
    return RoundFactory(
        programme=programme,
        closed=True,
        decision_method="community_vote",
        votes_per_voter=2,
        budget=Decimal("3000.00"),
    )


def _vote(user, round_, application):
    return client_for(user).post(
        f"/api/v1/rounds/{round_.pk}/votes/", {"application": application.pk}, format="json"
    )


def test_voters_vote_within_their_limit(vote_round):
    voter = PanelMemberFactory(round=vote_round).user
    apps = [
        ApplicationFactory(round=vote_round, status="submitted", submitted_at=timezone.now())
        for _ in range(3)
    ]
    assert _vote(voter, vote_round, apps[0]).status_code == 201
    again = _vote(voter, vote_round, apps[0])
    assert again.status_code == 409
    assert again.json()["rule"] == "grants.one_vote_each"
    assert _vote(voter, vote_round, apps[1]).status_code == 201
    past_limit = _vote(voter, vote_round, apps[2])
    assert past_limit.status_code == 400
    assert past_limit.json()["rule"] == "grants.votes_per_voter"
    assert "all 2 of your votes" in past_limit.json()["message"]
    assert Vote.objects.count() == 2
    mine = client_for(voter).get(f"/api/v1/rounds/{vote_round.pk}/votes/").json()
    assert mine["count"] == 2


def test_a_conflicted_voter_cannot_vote(vote_round, organisation):
    voter = PanelMemberFactory(round=vote_round).user
    MembershipFactory(user=voter, organisation=organisation, role=Role.APPLICANT)
    application = ApplicationFactory(
        round=vote_round, organisation=organisation, status="submitted"
    )
    response = _vote(voter, vote_round, application)
    assert response.status_code == 403
    assert not Vote.objects.exists()


def test_ranking_by_mean_weighted_score(panel_round, panel_member, commissioner):
    need, plan = panel_round.criteria.all()
    low = ApplicationFactory(round=panel_round, status="submitted", submitted_at=timezone.now())
    high = ApplicationFactory(round=panel_round, status="submitted", submitted_at=timezone.now())
    unscored = ApplicationFactory(round=panel_round, status="submitted")
    # high: (5*2 + 2*1) / 3 = 4.00; low: (3*2 + 5*1) / 3 = 3.67
    for application, scores in ((high, (5, 2)), (low, (3, 5))):
        ScoreFactory(application=application, criterion=need, scorer=panel_member, score=scores[0])
        ScoreFactory(application=application, criterion=plan, scorer=panel_member, score=scores[1])
    body = client_for(commissioner).get(f"/api/v1/rounds/{panel_round.pk}/ranking/").json()
    assert body["method"] == "panel"
    ranked = [(e["application_id"], e["score"]) for e in body["entries"]]
    assert ranked == [(high.pk, "4.00"), (low.pk, "3.67"), (unscored.pk, None)]


def test_ranking_by_votes(vote_round, commissioner):
    voters = [PanelMemberFactory(round=vote_round).user for _ in range(2)]
    first = ApplicationFactory(round=vote_round, status="submitted")
    second = ApplicationFactory(round=vote_round, status="submitted")
    Vote.objects.create(round=vote_round, application=second, voter=voters[0])
    Vote.objects.create(round=vote_round, application=second, voter=voters[1])
    Vote.objects.create(round=vote_round, application=first, voter=voters[0])
    body = client_for(commissioner).get(f"/api/v1/rounds/{vote_round.pk}/ranking/").json()
    assert [(e["application_id"], e["votes"]) for e in body["entries"]] == [
        (second.pk, 2),
        (first.pk, 1),
    ]


def test_scores_given_before_declaring_a_conflict_no_longer_count(
    panel_round, panel_member, panel_application, commissioner
):
    need, plan = panel_round.criteria.all()
    other = PanelMemberFactory(round=panel_round).user
    for criterion in (need, plan):
        ScoreFactory(application=panel_application, criterion=criterion, scorer=panel_member)
        ScoreFactory(application=panel_application, criterion=criterion, scorer=other, score=5)
    url = f"/api/v1/rounds/{panel_round.pk}/ranking/"
    assert client_for(commissioner).get(url).json()["entries"][0]["score"] == "4.00"
    client_for(other).post(
        f"/api/v1/applications/{panel_application.pk}/conflicts/",
        {"reason": "I found out my cousin runs it."},
        format="json",
    )
    entry = client_for(commissioner).get(url).json()["entries"][0]
    assert (entry["score"], entry["scorers"]) == ("3.00", 1)
