"""The daily reminder: what is due within a week or overdue, to whom, at most one e-mail
per person per day, combining quarterly returns and end-of-grant reports."""

from datetime import timedelta

import pytest
from django.core import mail

from alliance.models import Role
from grants.models import EndOfGrantReport
from reporting.models import ReminderSent
from reporting.reminders.services import reminders_send
from tests.alliance.factories import MembershipFactory, OrganisationFactory
from tests.reporting.reminders.conftest import days_before, grant_report, start_return

pytestmark = pytest.mark.django_db


def _to(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email]]


def test_a_return_due_in_seven_days_is_reminded_to_its_leads_and_contributors(
    period, member, contributor, other_member, commissioner
):
    run = reminders_send(today=days_before(period, 7))
    assert run.sent == 3  # both partners' people; the commissioner is not a partner
    assert len(_to(member)) == len(_to(contributor)) == len(_to(other_member)) == 1
    assert _to(commissioner) == []
    message = _to(member)[0]
    assert f"quarterly return for {period.label}" in message.body
    assert "in 7 days" in message.body
    assert "has not been started yet" in message.body
    assert "only a lead can submit it" in message.body
    assert "is due soon" in message.subject


def test_a_return_due_in_eight_days_is_not_reminded_yet(period, member):
    run = reminders_send(today=days_before(period, 8))
    assert run.sent == 0
    assert mail.outbox == []
    assert not ReminderSent.objects.exists()


def test_an_overdue_return_is_reminded_with_a_link_to_it(period, organisation, member):
    return_ = start_return(period, organisation, member)
    reminders_send(today=days_before(period, -3))
    message = _to(member)[0]
    assert "is overdue" in message.subject
    assert "3 days ago" in message.body
    assert "It is a draft" in message.body
    assert f"/api/v1/returns/{return_.pk}/" in message.body


def test_changes_requested_past_the_due_date_is_still_outstanding(period, organisation, member):
    start_return(period, organisation, member, status="changes_requested")
    reminders_send(today=days_before(period, -1))
    assert "The council asked for changes" in _to(member)[0].body
    assert "due yesterday" in _to(member)[0].body


@pytest.mark.parametrize("status", ["submitted", "accepted", "reopened"])
def test_a_return_with_the_council_is_not_reminded(period, organisation, member, status):
    start_return(period, organisation, member, status=status)
    reminders_send(today=days_before(period, -2))
    assert _to(member) == []


def test_a_partner_without_money_that_year_is_not_expected_to_report(period, organisation, member):
    from alliance.models import Allocation

    Allocation.objects.filter(organisation=organisation).update(amount=0)
    reminders_send(today=days_before(period, 2))
    assert _to(member) == []


def test_a_grant_report_due_within_a_week_or_overdue_is_reminded_to_the_group(
    small_group, group_applicant
):
    today = EndOfGrantReport._meta.get_field("due_on").to_python("2026-06-10")
    grant_report(small_group, today + timedelta(days=3), title="Cooking club")
    run = reminders_send(today=today)
    assert run.sent == 1
    message = _to(group_applicant)[0]
    assert "end-of-grant report for 'Cooking club'" in message.body
    assert "in 3 days" in message.body
    assert "/report/" in message.body
    assert "only a lead can submit" not in message.body  # that is about returns


def test_a_grant_report_due_in_eight_days_or_already_sent_is_not_reminded(
    small_group, group_applicant
):
    today = EndOfGrantReport._meta.get_field("due_on").to_python("2026-06-10")
    grant_report(small_group, today + timedelta(days=8))
    grant_report(small_group, today - timedelta(days=20), status="submitted")
    assert reminders_send(today=today).sent == 0
    assert mail.outbox == []


def test_an_overdue_grant_report_is_reminded_and_its_reminded_at_kept(small_group, group_applicant):
    today = EndOfGrantReport._meta.get_field("due_on").to_python("2026-06-10")
    report = grant_report(small_group, today - timedelta(days=1))
    reminders_send(today=today)
    assert "was due yesterday" in _to(group_applicant)[0].body
    report.refresh_from_db()
    assert report.reminded_at is not None


def test_one_email_a_day_lists_returns_and_grant_reports_together(period, organisation, member):
    # The lead of a partner is also one of its applicants for grants (APPLYING_ROLES).
    report = grant_report(organisation, period.due_on + timedelta(days=1), title="Holiday meals")
    reminders_send(today=days_before(period, 4))
    [message] = _to(member)
    assert message.subject == "Reminder: 2 things to send"
    assert f"quarterly return for {period.label}" in message.body
    assert "end-of-grant report for 'Holiday meals'" in message.body
    sent = ReminderSent.objects.get(person=member)
    assert {item["kind"] for item in sent.items} == {"return", "grant_report"}
    assert [item["overdue"] for item in sent.items] == [False, False]
    assert sent.items[1]["report_id"] == report.pk


def test_overdue_things_come_first_and_the_subject_says_how_many(period, organisation, member):
    grant_report(organisation, days_before(period, -1) + timedelta(days=2), title="Summer fun")
    reminders_send(today=days_before(period, -1))
    [message] = _to(member)
    assert message.subject == "Reminder: 2 things to send, 1 overdue"
    overdue, soon = message.body.index("Overdue:"), message.body.index("Due in the next 7 days")
    assert overdue < message.body.index("quarterly return") < soon
    assert soon < message.body.index("Summer fun")


def test_a_person_in_two_organisations_gets_one_email(
    period, member, organisation, other_organisation, small_group
):
    MembershipFactory(user=member, organisation=other_organisation, role=Role.CONTRIBUTOR)
    MembershipFactory(user=member, organisation=organisation, role=Role.CONTRIBUTOR)
    MembershipFactory(user=member, organisation=small_group, role=Role.APPLICANT)
    grant_report(small_group, period.due_on, title="Walks")
    reminders_send(today=days_before(period, 1))
    [message] = _to(member)
    assert message.body.count(f"quarterly return for {period.label}") == 2  # once per partner
    assert message.body.count("end-of-grant report for 'Walks'") == 1
    assert message.subject == "Reminder: 3 things to send"


def test_a_second_run_the_same_day_sends_nothing(period, member, other_member):
    today = days_before(period, 5)
    first = reminders_send(today=today)
    second = reminders_send(today=today)
    assert (first.sent, second.sent, second.already_sent) == (2, 0, 2)
    assert len(mail.outbox) == 2
    assert ReminderSent.objects.filter(sent_on=today).count() == 2


def test_the_next_day_it_is_sent_again_while_still_outstanding(period, organisation, member):
    reminders_send(today=days_before(period, 1))
    reminders_send(today=days_before(period, 0))
    assert len(_to(member)) == 2
    assert "due today" in _to(member)[1].body
    start_return(period, organisation, member, status="submitted")
    reminders_send(today=days_before(period, -1))
    assert len(_to(member)) == 2  # submitted: nothing more to remind
    assert ReminderSent.objects.filter(person=member).count() == 2


def test_inactive_people_are_not_emailed(period, member):
    member.is_active = False
    member.save(update_fields=["is_active"])
    reminders_send(today=days_before(period, 3))
    assert _to(member) == []


def test_the_commissioner_gets_a_line_for_each_partners_overdue_return(
    period, organisation, other_organisation, member, commissioner
):
    start_return(period, organisation, member, status="submitted")
    outsider_council = OrganisationFactory(council=True)
    someone_elses = MembershipFactory(organisation=outsider_council, role=Role.COMMISSIONER).user
    reminders_send(today=days_before(period, -4))
    [message] = _to(commissioner)
    assert message.subject == "Reminder: 1 partner return overdue"
    assert "Overdue returns from partners in contracts you commission" in message.body
    assert f"{other_organisation.name}: quarterly return for {period.label}" in message.body
    assert "They have not started it." in message.body
    assert organisation.name + ":" not in message.body  # its return is with the council
    assert f"/api/v1/returns/?period={period.pk}" in message.body
    assert _to(someone_elses) == []
