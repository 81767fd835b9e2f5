"""Sent reminders in the admin: commissioners read them; nobody adds, edits or deletes."""

from html import escape

import pytest

from reporting.models import ReminderSent
from reporting.reminders.services import reminders_send
from tests.conftest import admin_client_for
from tests.reporting.reminders.conftest import days_before

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/reporting/remindersent/"


def test_a_commissioner_reads_sent_reminders_and_cannot_change_them(period, member, commissioner):
    reminders_send(today=days_before(period, 2))
    sent = ReminderSent.objects.get(person=member)
    client = admin_client_for(commissioner)
    listing = client.get(CHANGELIST)
    assert listing.status_code == 200
    assert escape(str(member)) in listing.content.decode()
    page = client.get(f"{CHANGELIST}{sent.pk}/change/")
    assert page.status_code == 200
    assert period.label in page.content.decode()  # the items it listed
    assert client.get(f"{CHANGELIST}add/").status_code == 403
    assert client.post(f"{CHANGELIST}{sent.pk}/change/", {"items": "[]"}).status_code == 403
    assert client.post(f"{CHANGELIST}{sent.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ReminderSent.objects.get(pk=sent.pk).items == sent.items


def test_staff_who_are_not_commissioners_see_no_reminders(period, member):
    reminders_send(today=days_before(period, 2))
    assert admin_client_for(member).get(CHANGELIST).status_code == 403
