"""The demo loader: the worked example's micro-grants, loaded once however often it runs."""

import pytest
from django.core.management import call_command

from grants.models import Application, Grant, Programme, Round

pytestmark = pytest.mark.django_db


def test_load_demo_builds_the_micro_grants_example_once(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    programme = Programme.objects.get(name="Community Micro-grants")
    assert programme.budget == 35000
    assert programme.funder.local_authority_code == "WRL"
    panel_round = Round.objects.get(decision_method="panel")
    assert panel_round.applications.count() == 40
    statuses = set(panel_round.applications.values_list("status", flat=True))
    assert {"draft", "submitted", "awarded", "declined"} <= statuses
    assert Round.objects.filter(decision_method="community_vote").exists()
    assert Round.objects.get(decision_method="officer").phase() == "open"
    assert Grant.objects.filter(status="completed").exists()
    assert Grant.objects.filter(payments__isnull=False).exists()
    assert programme.rounds.count() == 3
    counts = (Application.objects.count(), Grant.objects.count())

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert (Application.objects.count(), Grant.objects.count()) == counts
    assert Programme.objects.count() == 1
