"""After the award: acceptance, payments never over the award (rule 14), and the
end-of-grant report by tier with its due date and overdue state (rule 15)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail

from grants.models import EndOfGrantReport, Grant, Payment
from grants.services.awards import application_decide
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def grant(draft, applicant, commissioner):
    client_for(applicant).post(f"/api/v1/applications/{draft.pk}/submit/")
    draft.refresh_from_db()
    application_decide(application=draft, by=commissioner, outcome="award", amount=Decimal("800"))
    return Grant.objects.get()


def _pay(user, grant, amount, reference="BACS-1"):
    return client_for(user).post(
        f"/api/v1/grants/{grant.pk}/payments/",
        {"amount": amount, "paid_on": "2026-05-01", "reference": reference},
        format="json",
    )


def test_the_group_accepts_and_its_report_falls_due(applicant, grant, draft):
    response = client_for(applicant).post(f"/api/v1/grants/{grant.pk}/accept/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "accepted"
    assert body["report"]["due_on"] == str(draft.ends_on + timedelta(days=56))
    assert body["report"]["overdue"] is False
    assert client_for(applicant).post(f"/api/v1/grants/{grant.pk}/accept/").status_code == 200
    assert EndOfGrantReport.objects.count() == 1


def test_a_grant_is_paid_only_once_accepted(commissioner, grant):
    response = _pay(commissioner, grant, "100.00")
    assert response.status_code == 400
    assert response.json()["rule"] == "grants.pay_accepted_grants"
    assert not Payment.objects.exists()


def test_payments_never_exceed_the_award(
    commissioner, applicant, grant, django_capture_on_commit_callbacks
):
    client_for(applicant).post(f"/api/v1/grants/{grant.pk}/accept/")
    with django_capture_on_commit_callbacks(execute=True):
        assert _pay(commissioner, grant, "600.00").status_code == 201
    assert "Payment of £600.00" in mail.outbox[-1].subject
    over = _pay(commissioner, grant, "200.01", reference="BACS-2")
    assert over.status_code == 400
    assert over.json()["rule"] == "grants.payments_within_award"
    assert "£200.00 is left to pay" in over.json()["message"]
    grant.refresh_from_db()
    assert grant.paid_total == Decimal("600.00")
    assert Payment.objects.count() == 1
    duplicate = _pay(commissioner, grant, "200.00", reference="BACS-1")
    assert duplicate.status_code == 409
    assert _pay(commissioner, grant, "200.00", reference="BACS-2").status_code == 201
    grant.refresh_from_db()
    assert grant.paid_total == grant.amount
    assert grant.history.filter(history_user=commissioner).exists()
    paid_in_full = _pay(commissioner, grant, "0.01", reference="BACS-3")
    assert paid_in_full.status_code == 400
    assert "already been paid in full" in paid_in_full.json()["message"]
    assert Payment.objects.count() == 2


def test_only_commissioners_record_payments(applicant, grant):
    client_for(applicant).post(f"/api/v1/grants/{grant.pk}/accept/")
    assert _pay(applicant, grant, "100.00").status_code == 403
    assert not Payment.objects.exists()


def test_a_small_grant_asks_a_few_questions_and_a_story(applicant, commissioner, grant):
    client = client_for(applicant)
    client.post(f"/api/v1/grants/{grant.pk}/accept/")
    report = client.get(f"/api/v1/grants/{grant.pk}/report/").json()
    assert report["tier"] == "light"
    assert set(report["questions"]) == {"what_happened", "people_reached", "story"}
    url = f"/api/v1/grants/{grant.pk}/report/"
    incomplete = client.post(url, {"answers": {"what_happened": "Cooking club"}}, format="json")
    assert incomplete.status_code == 400
    assert set(incomplete.json()["fields"]) == {"people_reached", "story"}
    assert EndOfGrantReport.objects.get().status == "due"
    answers = {"what_happened": "Cooking club", "people_reached": 35, "story": "A dad said..."}
    response = client.post(url, {"answers": answers}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    _pay(commissioner, grant, "800.00")
    grant.refresh_from_db()
    assert grant.status == "completed"


def test_a_report_past_its_due_date_is_overdue(applicant, grant):
    # Reminders for it are part of the daily reminder: tests/reporting/reminders/.
    client_for(applicant).post(f"/api/v1/grants/{grant.pk}/accept/")
    EndOfGrantReport.objects.update(due_on=date.today() - timedelta(days=1))
    report = client_for(applicant).get(f"/api/v1/grants/{grant.pk}/report/").json()
    assert report["overdue"] is True
    overdue = client_for(applicant).get("/api/v1/grants/?report_overdue=true").json()
    assert overdue["count"] == 1
