"""Quarterly returns (rules 5 to 7, 16, 17): starting, editing, submitting, reviewing."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail

from alliance.events import ReturnAccepted, ReturnReopened, subscribe
from alliance.events import _subscribers as subscribers
from alliance.models import Figure, Return, ReturnTransition, Risk
from alliance.services.returns import return_start, return_update
from alliance.services.review import return_accept, return_submit
from tests.alliance.factories import complete_figures
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

RETURNS = "/api/v1/returns/"


def _url(return_, action=""):
    return f"{RETURNS}{return_.pk}/{action + '/' if action else ''}"


def _ready(draft, lead, ward):
    return_update(return_=draft, by=lead, data=_parsed(complete_figures(ward.code), ward))
    return draft


def _parsed(data, ward):
    """The service takes what the serializer validated: Decimals and Ward objects."""
    figures = []
    for item in data["figures"]:
        parsed = {
            k: Decimal(v) if k != "indicator" and k != "wards" else v for k, v in item.items()
        }
        if "wards" in item:
            parsed["wards"] = [{"ward": ward, "value": Decimal(w["value"])} for w in item["wards"]]
        figures.append(parsed)
    return {**data, "spend": Decimal(data["spend"]), "figures": figures}


def _submitted(draft, lead, ward):
    return return_submit(return_=_ready(draft, lead, ward), by=lead)


def test_a_lead_starts_a_return_with_a_blank_figure_per_indicator(
    api, framework, period, lead, organisation
):
    response = client_for(lead).post(
        RETURNS, {"period": period.pk, "organisation": organisation.pk}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"
    assert body["period_label"] == "2022-23 Q1"
    assert body["allocation"] is None
    assert [f["indicator"] for f in body["figures"]] == ["DT1", "FC1", "FE1"]
    assert all(f["value"] is None and f["numerator"] is None for f in body["figures"])


def test_a_second_return_for_the_same_partner_and_period_is_refused(
    draft, lead, period, organisation
):
    response = client_for(lead).post(
        RETURNS, {"period": period.pk, "organisation": organisation.pk}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["rule"] == "returns.one_per_partner_and_period"
    assert Return.objects.count() == 1


def test_the_database_refuses_a_second_return_for_a_partner_and_period(draft):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Return.objects.create(
            contract=draft.contract,
            period=draft.period,
            organisation=draft.organisation,
            created_by=draft.created_by,
        )


def test_a_new_return_is_prefilled_from_the_previous_one_with_figures_blank(
    draft, lead, ward, contract, organisation
):
    _ready(draft, lead, ward)
    return_update(
        return_=draft,
        by=lead,
        data={
            "standing_facts": "Two family hubs, six coaches.",
            "risks": [
                {"description": "Coach vacancy", "is_open": True},
                {"description": "Venue closed", "is_open": False},
            ],
            "stories": [{"title": "A dad's story", "story": "He found a group that fitted."}],
        },
    )
    following = contract.periods.order_by("starts_on")[1]
    new = return_start(period=following, organisation=organisation, by=lead)
    assert new.prefilled_from == draft
    assert new.standing_facts == "Two family hubs, six coaches."
    assert list(new.risks.values_list("description", flat=True)) == ["Coach vacancy"]
    assert not new.stories.exists()
    fe1 = new.figures.get(indicator_version__indicator__code="FE1")
    assert fe1.value is None
    assert [(w.ward_id, w.value) for w in fe1.wards.all()] == [(ward.pk, None)]


def test_contributors_and_leads_edit_a_draft(draft, contributor, lead, ward):
    for person, spend in ((contributor, "100.00"), (lead, "200.00")):
        response = client_for(person).patch(_url(draft), {"spend": spend}, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["spend"] == spend


@pytest.mark.parametrize(
    ("figure", "rule"),
    [
        ({"indicator": "FE1", "value": "2.5"}, "returns.whole_counts"),
        ({"indicator": "FE1", "value": "-3"}, "returns.whole_counts"),
        (
            {"indicator": "FC1", "numerator": "11", "denominator": "10"},
            "returns.numerator_within_denominator",
        ),
        ({"indicator": "FC1", "value": "3"}, "returns.figure_shape"),
        ({"indicator": "FE1", "numerator": "3"}, "returns.figure_shape"),
        (
            {"indicator": "DT1", "value": "3", "wards": [{"ward": "E05000972", "value": "3"}]},
            "returns.figure_shape",
        ),
    ],
)
def test_bad_figures_are_refused_and_nothing_is_saved(draft, lead, figure, rule):
    response = client_for(lead).patch(
        _url(draft), {"spend": "10.00", "figures": [figure]}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["rule"] == rule
    assert body["problems"][0]["message"]
    draft.refresh_from_db()
    assert draft.spend is None
    assert not Figure.objects.filter(return_record=draft).exclude(value=None).exists()
    assert not Figure.objects.filter(return_record=draft).exclude(numerator=None).exists()


def test_stories_that_could_identify_a_family_are_refused(draft, lead):
    story = {"title": "A mum", "story": "Call her on 07700 900123 at CH41 5LH."}
    response = client_for(lead).patch(_url(draft), {"stories": [story]}, format="json")
    assert response.status_code == 400
    assert {p["code"] for p in response.json()["problems"]} == {"returns.stories_anonymised"}
    assert not draft.stories.exists()


def test_submission_lists_every_failing_check(draft, lead, ward):
    return_update(
        return_=draft,
        by=lead,
        data={
            "figures": [
                {
                    "indicator": "FE1",
                    "value": Decimal("10"),
                    "wards": [{"ward": ward, "value": Decimal("4")}],
                },
            ]
        },
    )
    response = client_for(lead).post(_url(draft, "submit"))
    assert response.status_code == 400
    codes = [p["code"] for p in response.json()["problems"]]
    # FC1 is missing; DT1 is only required in Q4; the wards add to 4, not 10; no spend.
    assert codes == [
        "returns.complete",
        "returns.ward_breakdown_adds_up",
        "returns.spend_reported",
    ]
    assert "FC1" in response.json()["problems"][0]["message"]
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert not ReturnTransition.objects.exists()


def test_an_indicator_not_required_each_quarter_is_required_in_q4(
    framework, contract, lead, organisation, ward
):
    q4 = contract.periods.get(financial_year=2022, quarter=4)
    return_ = return_start(period=q4, organisation=organisation, by=lead)
    data = complete_figures(ward.code)
    data["figures"] = [f for f in data["figures"] if f["indicator"] != "DT1"]
    return_update(return_=return_, by=lead, data=_parsed(data, ward))
    response = client_for(lead).post(_url(return_, "submit"))
    assert response.status_code == 400
    assert [p["field"] for p in response.json()["problems"]] == ["figures.DT1"]


def test_a_lead_submits_and_commissioners_are_emailed_after_commit(
    draft, lead, ward, commissioner, django_capture_on_commit_callbacks
):
    _ready(draft, lead, ward)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for(lead).post(_url(draft, "submit"))
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "submitted"
    assert len(callbacks) == 1
    assert [m.to for m in mail.outbox] == [[commissioner.email]]
    transition = ReturnTransition.objects.get()
    assert (transition.from_status, transition.to_status, transition.actor) == (
        "draft",
        "submitted",
        lead,
    )


def test_a_late_return_is_flagged_not_refused(draft, lead, ward):
    assert draft.period.due_on < date.today()
    response = client_for(lead).post(_url(_ready(draft, lead, ward), "submit"))
    assert response.status_code == 200
    assert response.json()["is_late"] is True
    assert client_for(lead).get(RETURNS, {"late": "true"}).json()["count"] == 1


def test_an_early_return_is_not_late(framework, contract, lead, organisation, ward, settings):
    future = contract.periods.order_by("-starts_on").first()
    return_ = return_start(period=future, organisation=organisation, by=lead)
    data = _parsed(complete_figures(ward.code), ward)
    return_update(return_=return_, by=lead, data=data)
    assert return_submit(return_=return_, by=lead).is_late is False


def test_a_contributor_cannot_submit(draft, contributor, lead, ward):
    response = client_for(contributor).post(_url(_ready(draft, lead, ward), "submit"))
    assert response.status_code == 403
    assert response.json()["rule"] == "returns.submitted_by_lead"
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_another_partner_cannot_submit_or_see_a_return(draft, other_partner, lead, ward):
    response = client_for(other_partner).post(_url(_ready(draft, lead, ward), "submit"))
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_nobody_edits_a_submitted_return(draft, lead, ward, commissioner):
    _submitted(draft, lead, ward)
    for person in (lead, commissioner):
        response = client_for(person).patch(
            _url(draft), {"figures": [{"indicator": "FE1", "value": "99"}]}, format="json"
        )
        assert response.status_code in (403, 409)
    assert (
        client_for(lead).patch(_url(draft), {"spend": "1.00"}, format="json").json()["rule"]
        == "returns.no_edits_after_submission"
    )
    draft.refresh_from_db()
    assert draft.spend == Decimal("41000.00")
    assert draft.figures.get(indicator_version__indicator__code="FE1").value == 12


def test_a_lead_cannot_accept_or_request_changes(draft, lead, ward):
    _submitted(draft, lead, ward)
    client = client_for(lead)
    assert client.post(_url(draft, "accept"), {"rating": "good"}, format="json").status_code == 403
    assert (
        client.post(_url(draft, "request-changes"), {"reason": "x"}, format="json").status_code
        == 403
    )
    draft.refresh_from_db()
    assert draft.status == "submitted"


def test_requesting_changes_needs_a_reason(draft, lead, ward, commissioner):
    _submitted(draft, lead, ward)
    response = client_for(commissioner).post(
        _url(draft, "request-changes"), {"reason": "  "}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["rule"] == "returns.reason_required"
    draft.refresh_from_db()
    assert draft.status == "submitted"


def test_accepting_needs_a_rating_on_the_procurement_act_scale(draft, lead, ward, commissioner):
    _submitted(draft, lead, ward)
    client = client_for(commissioner)
    response = client.post(_url(draft, "accept"), {"rating": "excellent"}, format="json")
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.status == "submitted"
    response = client.post(_url(draft, "accept"), {"rating": "approaching_target"}, format="json")
    assert response.status_code == 200
    assert response.json()["rating"] == "approaching_target"


def test_the_whole_cycle_emails_partners_publishes_events_and_keeps_history(
    draft, lead, contributor, ward, commissioner, django_capture_on_commit_callbacks
):
    received = []
    subscribe(ReturnAccepted, received.append)
    subscribe(ReturnReopened, received.append)
    try:
        _submitted(draft, lead, ward)
        reviewer = client_for(commissioner)
        with django_capture_on_commit_callbacks(execute=True):
            response = reviewer.post(
                _url(draft, "request-changes"), {"reason": "FE1 looks low."}, format="json"
            )
        assert response.json()["status"] == "changes_requested"
        assert sorted(mail.outbox[-1].to) == sorted([lead.email, contributor.email])
        assert "FE1 looks low." in mail.outbox[-1].body

        edit = {
            "figures": [
                {"indicator": "FE1", "value": "15", "wards": [{"ward": ward.code, "value": "15"}]}
            ]
        }
        assert client_for(contributor).patch(_url(draft), edit, format="json").status_code == 200
        assert client_for(lead).post(_url(draft, "submit")).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            response = reviewer.post(_url(draft, "accept"), {"rating": "good"}, format="json")
        assert response.json()["status"] == "accepted"
        assert "rated 'Good'" in mail.outbox[-1].body
        with django_capture_on_commit_callbacks(execute=True):
            response = reviewer.post(
                _url(draft, "reopen"), {"reason": "Spend was misstated."}, format="json"
            )
        assert response.json()["status"] == "reopened"
        assert response.json()["rating"] == ""
        assert mail.outbox[-1].subject == "Return reopened: 2022-23 Q1"
        assert "Spend was misstated." in mail.outbox[-1].body
    finally:
        subscribers[ReturnAccepted].remove(received.append)
        subscribers[ReturnReopened].remove(received.append)
    assert [type(e) for e in received] == [ReturnAccepted, ReturnReopened]
    assert received[0].return_id == draft.pk

    history = client_for(lead).get(_url(draft, "history")).json()["results"]
    steps = [(h["kind"], h["from"], h["to"]) for h in history]
    assert steps == [
        ("transition", "draft", "submitted"),
        ("transition", "submitted", "changes_requested"),
        ("figure", "12", "15"),
        ("figure", "12", "15"),
        ("transition", "changes_requested", "submitted"),
        ("transition", "submitted", "accepted"),
        ("transition", "accepted", "reopened"),
    ]
    assert {h["what"] for h in history if h["kind"] == "figure"} == {
        "FE1 (Families engaging)",
        "FE1 (Families engaging) in Rock Ferry",
    }
    assert history[1]["actor"] == commissioner.email
    assert history[1]["comment"] == "FE1 looks low."
    assert history[5]["comment"] == "Rated Good."


def test_a_transition_already_made_answers_409_and_changes_nothing(draft, lead, ward, commissioner):
    _submitted(draft, lead, ward)
    return_accept(return_=draft, by=commissioner, rating="good")
    response = client_for(commissioner).post(
        _url(draft, "accept"), {"rating": "inadequate"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["rule"] == "returns.workflow"
    assert client_for(lead).post(_url(draft, "submit")).status_code == 409
    draft.refresh_from_db()
    assert draft.rating == "good"
    assert ReturnTransition.objects.count() == 2


def test_commissioners_comment_on_the_return_or_one_figure(draft, lead, ward, commissioner):
    _submitted(draft, lead, ward)
    figure = draft.figures.get(indicator_version__indicator__code="FC1")
    client = client_for(commissioner)
    whole = client.post(_url(draft, "comments"), {"body": "Clear narrative."}, format="json")
    one = client.post(
        _url(draft, "comments"), {"body": "Survey size?", "figure": figure.pk}, format="json"
    )
    assert (whole.status_code, one.status_code) == (201, 201)
    assert one.json()["indicator"] == "FC1"
    listed = client_for(lead).get(_url(draft, "comments")).json()["results"]
    assert [c["body"] for c in listed] == ["Clear narrative.", "Survey size?"]
    assert (
        client_for(lead).post(_url(draft, "comments"), {"body": "Hi"}, format="json").status_code
        == 403
    )


def test_a_figure_of_another_return_cannot_be_commented_on(
    draft, lead, ward, commissioner, other_partner, other_organisation
):
    other = return_start(period=draft.period, organisation=other_organisation, by=other_partner)
    figure = other.figures.first()
    response = client_for(commissioner).post(
        _url(draft, "comments"), {"body": "Hm", "figure": figure.pk}, format="json"
    )
    assert response.status_code == 400
    assert not draft.comments.exists()


def test_spend_is_shown_against_the_partners_allocation(
    draft, contract, organisation, commissioner, lead
):
    from alliance.services.contracts import allocation_set

    allocation_set(
        contract=contract,
        organisation=organisation,
        year_number=1,
        amount=Decimal("100000.00"),
        by=commissioner,
    )
    assert client_for(lead).get(_url(draft)).json()["allocation"] == "100000.00"


def test_returns_are_filtered_by_status_rating_and_organisation(
    draft, lead, ward, commissioner, organisation
):
    _submitted(draft, lead, ward)
    return_accept(return_=draft, by=commissioner, rating="requires_improvement")
    client = client_for(commissioner)
    assert client.get(RETURNS, {"rating": "requires_improvement"}).json()["count"] == 1
    assert client.get(RETURNS, {"rating": "good"}).json()["count"] == 0
    assert (
        client.get(RETURNS, {"status": "accepted", "organisation": organisation.pk}).json()["count"]
        == 1
    )
    assert client.get(RETURNS, {"status": "draft"}).json()["count"] == 0


def test_open_risks_are_kept_when_risks_are_not_sent(draft, lead):
    Risk.objects.create(return_record=draft, description="Coach vacancy")
    client_for(lead).patch(_url(draft), {"went_well": "Busy."}, format="json")
    assert draft.risks.count() == 1
