"""`manage.py load_demo` loads the worked example, and running it again duplicates nothing."""

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"alliance", "grants", "reporting"}
        and not model._meta.label.split(".")[1].startswith("Historical")
    }


def test_the_demo_loads_once_and_a_second_run_duplicates_nothing(settings, capsys):
    settings.DEBUG = True
    call_command("load_demo")
    first = _counts()
    assert first["alliance.Organisation"] >= 14
    out = capsys.readouterr().out
    for role in ("commissioner", "alliance lead", "contributor", "applicant", "panel member"):
        assert role in out
    call_command("load_demo")
    assert _counts() == first


def test_the_demo_refuses_to_load_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="Refusing to load demo data"):
        call_command("load_demo")
