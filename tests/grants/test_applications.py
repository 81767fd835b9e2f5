"""Drafts, submission (rules 11 and 12) and withdrawal, through the API."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from alliance.models.people import LegalForm
from grants.models import Application, ApplicationEvent, ApplicationStatus, BudgetLine
from tests.conftest import client_for
from tests.grants.factories import ApplicationFactory, RoundFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/applications/"


def _submit(user, application):
    return client_for(user).post(f"{URL}{application.pk}/submit/")


def test_a_draft_keeps_whatever_was_typed_however_partial(applicant, open_round, organisation):
    client = client_for(applicant)
    response = client.post(
        URL,
        {
            "round": open_round.pk,
            "organisation": organisation.pk,
            "title": "Dads' breakfast club",
            "budget_lines": [{"description": "Bacon rolls"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"
    assert body["amount_requested"] is None
    long_summary = "x" * 3000  # over the limit to submit, but never thrown away
    response = client.patch(
        f"{URL}{body['id']}/",
        {"summary": long_summary, "amount_requested": "750.00", "themes": ["isolation"]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    application = Application.objects.get()
    assert application.summary == long_summary
    assert application.amount_requested == Decimal("750.00")
    assert application.title == "Dads' breakfast club"
    assert list(application.budget_lines.values_list("description", flat=True)) == ["Bacon rolls"]
    assert application.history.count() == 2


def test_submitting_a_complete_draft_emails_the_group_after_commit(
    applicant, draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = _submit(applicant, draft)
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "submitted"
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    assert applicant.email in mail.outbox[0].to
    assert "We have your application" in mail.outbox[0].subject
    event = ApplicationEvent.objects.get(application=draft, action="submitted")
    assert (event.actor, event.from_status, event.to_status) == (applicant, "draft", "submitted")


def test_submitting_twice_is_harmless(applicant, draft):
    assert _submit(applicant, draft).status_code == 200
    assert _submit(applicant, draft).status_code == 200
    assert ApplicationEvent.objects.filter(action="submitted").count() == 1


@pytest.mark.parametrize("when", ["after_close", "before_open"])
def test_nothing_is_submitted_outside_the_round_and_the_draft_is_kept(
    applicant, organisation, programme, when
):
    now = timezone.now()
    if when == "after_close":
        times = {"opens_at": now - timedelta(days=9), "closes_at": now - timedelta(minutes=1)}
    else:
        times = {"opens_at": now + timedelta(days=1), "closes_at": now + timedelta(days=9)}
    round_ = RoundFactory(programme=programme, **times)
    application = ApplicationFactory(round=round_, organisation=organisation, created_by=applicant)
    response = _submit(applicant, application)
    assert response.status_code == 400
    body = response.json()
    assert body["rule"] == "grants.round_open"
    assert "draft" in body["message"]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert application.submitted_at is None


def test_every_eligibility_failure_is_listed_at_once(applicant, draft, programme, organisation):
    organisation.legal_form = LegalForm.CIC
    organisation.latest_annual_income = Decimal("250000.00")
    organisation.save()
    programme.allowed_legal_forms = ["unincorporated_group"]
    programme.area_ward_codes = ["E05000972"]
    programme.required_documents = ["bank_statement"]
    programme.save()
    draft.amount_requested = Decimal("9000.00")  # above the £5,000 maximum
    draft.summary = "Too short."
    draft.save()
    response = _submit(applicant, draft)
    assert response.status_code == 400
    body = response.json()
    assert body["rule"] == "grants.eligibility"
    codes = {problem["code"] for problem in body["problems"]}
    assert codes == {
        "summary_too_short",
        "amount_out_of_range",
        "budget_lines_do_not_add_up",
        "legal_form_not_eligible",
        "income_too_high",
        "outside_area_of_benefit",
        "document_missing",
    }
    assert all(problem["message"] for problem in body["problems"])
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT


def test_amount_out_of_range_is_refused_with_the_range(applicant, draft):
    BudgetLine.objects.filter(application=draft).update(amount=Decimal("100.00"))
    draft.amount_requested = Decimal("100.00")
    draft.save()
    body = _submit(applicant, draft).json()
    assert body["rule"] == "grants.eligibility"
    (problem,) = body["problems"]
    assert problem["code"] == "amount_out_of_range"
    assert "£250.00 and £5,000.00" in problem["message"]


def test_budget_lines_must_add_up_to_the_amount(applicant, draft):
    BudgetLine.objects.create(application=draft, description="Extra", amount=Decimal("0.01"))
    body = _submit(applicant, draft).json()
    (problem,) = body["problems"]
    assert problem["code"] == "budget_lines_do_not_add_up"
    assert "£1,000.01" in problem["message"]
    assert Application.objects.get().status == ApplicationStatus.DRAFT


def test_an_ineligible_organisation_is_told_why(applicant, draft, programme):
    programme.allowed_legal_forms = ["unincorporated_group"]
    programme.save()
    response = _submit(applicant, draft)
    assert response.status_code == 400
    (problem,) = response.json()["problems"]
    assert problem["code"] == "legal_form_not_eligible"
    assert "registered charity" in problem["message"]


def test_a_second_live_application_to_the_same_round_is_refused(
    applicant, draft, open_round, organisation
):
    assert _submit(applicant, draft).status_code == 200
    second = ApplicationFactory(round=open_round, organisation=organisation, created_by=applicant)
    response = _submit(applicant, second)
    assert response.status_code == 400
    codes = [problem["code"] for problem in response.json()["problems"]]
    assert codes == ["one_live_application_per_round"]
    second.refresh_from_db()
    assert second.status == ApplicationStatus.DRAFT


def test_a_round_may_allow_more_than_one_application(applicant, draft, open_round, organisation):
    open_round.allows_multiple_applications = True
    open_round.save()
    assert _submit(applicant, draft).status_code == 200
    second = ApplicationFactory(round=open_round, organisation=organisation, created_by=applicant)
    assert _submit(applicant, second).status_code == 200


def test_a_submitted_application_cannot_be_edited(applicant, draft):
    _submit(applicant, draft)
    response = client_for(applicant).patch(f"{URL}{draft.pk}/", {"title": "New"}, format="json")
    assert response.status_code == 409
    assert response.json()["rule"] == "grants.only_drafts_change"
    draft.refresh_from_db()
    assert draft.title != "New"


def test_unknown_fields_are_refused_rather_than_dropped(applicant, draft):
    response = client_for(applicant).patch(f"{URL}{draft.pk}/", {"ammount": "5"}, format="json")
    assert response.status_code == 400
    assert "ammount" in response.json()["fields"]


def test_withdraw_before_a_decision_only(applicant, draft, commissioner):
    _submit(applicant, draft)
    client = client_for(applicant)
    response = client.post(f"{URL}{draft.pk}/withdraw/", {"reason": "Found other money"})
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    assert client.post(f"{URL}{draft.pk}/withdraw/").status_code == 200  # harmless repeat
    history = client.get(f"{URL}{draft.pk}/history/").json()["results"]
    assert [e["action"] for e in history] == ["submitted", "withdrawn"]
    assert history[1]["comment"] == "Found other money"


def test_a_decided_application_cannot_be_withdrawn(applicant, draft, commissioner):
    _submit(applicant, draft)
    client_for(commissioner).post(
        f"{URL}{draft.pk}/decide/", {"outcome": "decline", "reason": "Outside priorities"}
    )
    response = client_for(applicant).post(f"{URL}{draft.pk}/withdraw/")
    assert response.status_code == 409
    assert response.json()["rule"] == "grants.withdraw_before_decision"
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DECLINED


def test_only_the_groups_applicants_apply_for_it(other_applicant, open_round, organisation):
    response = client_for(other_applicant).post(
        URL, {"round": open_round.pk, "organisation": organisation.pk}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["rule"] == "grants.applicants_act_for_their_group"
    assert not Application.objects.exists()


def test_every_change_to_the_budget_lines_is_kept_in_the_history(applicant, draft):
    client_for(applicant).patch(
        f"{URL}{draft.pk}/",
        {"budget_lines": [{"description": "Venue", "amount": "600.00"}]},
        format="json",
    )
    history = BudgetLine.history.filter(application_id=draft.pk, history_user=applicant)
    assert sorted(history.values_list("history_type", "amount")) == [
        ("+", Decimal("600.00")),
        ("-", Decimal("1000.00")),
    ]


def test_only_commissioners_set_up_rounds_and_nobody_else_can_probe_the_input(applicant):
    response = client_for(applicant).post(
        "/api/v1/rounds/", {"panel_members": ["someone@example.org"]}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["rule"] == "grants.commissioners_decide"
