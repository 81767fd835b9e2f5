"""Compiling the shared learning digest: what counts (accepted returns, submitted grant
reports of the council's programmes within the period), grouping by theme, escaping in
both renderings, and versions by content hash."""

from datetime import timedelta

import pytest

from reporting.learning.compile import GRANTS_THEME, WITHHELD_GROUP, compile_learning
from reporting.learning.models import LearningDigest
from reporting.learning.render import md_escape
from reporting.learning.services import learning_compile
from tests.alliance.factories import OrganisationFactory
from tests.reporting.learning.setup import a_grant_report, a_return, during

pytestmark = pytest.mark.django_db


def _themes(payload) -> dict[str, list[dict]]:
    return {theme["theme"]: theme["entries"] for theme in payload["themes"]}


def test_themes_group_whatever_their_case_and_spacing(
    contract, period, organisation, other_organisation, lead
):
    a_return(period, organisation, lead, [("Peer support", "Buddies", "", ["peers"])])
    a_return(
        period,
        other_organisation,
        lead,
        [("peer  support ", "Parent champions", "Rotas", []), ("Reaching dads", "Gates", "", [])],
    )
    themes = _themes(compile_learning(period))
    assert sorted(themes) == ["Peer support", "Reaching dads"]
    by = {entry["organisation"]: entry for entry in themes["Peer support"]}
    assert set(by) == {organisation.name, other_organisation.name}
    assert by[organisation.name]["what_worked"] == "Buddies"
    assert by[organisation.name]["tags"] == ["peers"]
    assert by[other_organisation.name]["what_did_not"] == "Rotas"


@pytest.mark.parametrize("status", ["draft", "submitted", "changes_requested", "reopened"])
def test_only_accepted_returns_count(
    contract, period, organisation, other_organisation, lead, status
):
    a_return(period, organisation, lead, [("Counted", "Yes", "", [])])
    a_return(period, other_organisation, lead, [("Not yet", "No", "", [])], status=status)
    payload = compile_learning(period)
    assert list(_themes(payload)) == ["Counted"]
    assert payload["accepted_returns_from"] == [organisation.name]
    assert payload["returns_awaited_from"] == [other_organisation.name]


def test_another_periods_learning_is_left_out(contract, period, organisation, lead):
    later = contract.periods.order_by("starts_on")[1]
    a_return(later, organisation, lead, [("Next quarter", "Later", "", [])])
    assert compile_learning(period)["themes"] == []


def test_grant_lessons_of_the_councils_programmes_within_the_period_are_included(
    contract, period, council
):
    group = OrganisationFactory(name="Seacombe Knit and Natter")
    answers = {
        "what_went_well": "Meeting in the library brought new faces.",
        "story": "A grandad who had stopped going out now runs the tea rota.",
    }
    a_grant_report(council, answers=answers, submitted_at=during(period), group=group)
    # Left out: another council's programme, a report submitted after the period ends,
    # a report still due.
    a_grant_report(OrganisationFactory(council=True), answers=answers, submitted_at=during(period))
    after = during(period) + timedelta(days=120)
    a_grant_report(council, answers=answers, submitted_at=after)
    a_grant_report(council, answers=answers, submitted_at=during(period), status="due")
    payload = compile_learning(period)
    entries = _themes(payload)[GRANTS_THEME]
    assert len(entries) == 1
    assert entries[0]["organisation"] == "Seacombe Knit and Natter"
    assert entries[0]["lesson"] == answers["what_went_well"]
    assert entries[0]["story"] == answers["story"]
    assert payload["grant_report_count"] == 1


def test_a_grant_report_with_a_theme_joins_that_theme_and_a_withheld_group_is_not_named(
    contract, period, council, organisation, lead
):
    a_return(period, organisation, lead, [("Peer support", "Buddies", "", [])])
    a_grant_report(
        council,
        answers={"theme": "peer support", "story": "The group kept going."},
        submitted_at=during(period),
        withheld=True,
    )
    entries = _themes(compile_learning(period))["Peer support"]
    assert [e["source"] for e in entries] == ["return", "grant_report"]
    assert entries[1]["organisation"] == WITHHELD_GROUP


def test_user_text_is_escaped_in_the_html_and_the_markdown(
    contract, period, organisation, lead, council
):
    a_return(
        period,
        organisation,
        lead,
        [("<b>Theme</b>", "<script>alert('x')</script>", "- [click](http://evil)", [])],
    )
    learning_compile(contract_id=contract.pk, period_id=period.pk)
    digest = LearningDigest.objects.get()
    assert "<script>" not in digest.html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in digest.html
    assert "&lt;b&gt;Theme&lt;/b&gt;" in digest.html
    assert "<script>" not in digest.markdown
    assert "\\<script\\>" in digest.markdown
    assert "\\- \\[click\\](http://evil)" in digest.markdown  # neither a list nor a link


def test_markdown_escaping_keeps_ordinary_text_readable():
    assert md_escape("Ran 3 sessions in 2024. Dads came.") == "Ran 3 sessions in 2024. Dads came."
    assert md_escape("1. first\n# not a heading") == "1\\. first\n\\# not a heading"


def test_compiling_unchanged_learning_again_gives_the_same_hash_and_no_new_version(
    contract, period, organisation, other_organisation, lead
):
    a_return(period, organisation, lead, [("Peer support", "Buddies", "", [])])
    first = learning_compile(contract_id=contract.pk, period_id=period.pk)
    again = learning_compile(contract_id=contract.pk, period_id=period.pk)
    assert again == {**first, "new_version": False}
    assert first["new_version"] is True
    assert LearningDigest.objects.count() == 1
    a_return(period, other_organisation, lead, [("Reaching dads", "Gates", "", [])])
    changed = learning_compile(contract_id=contract.pk, period_id=period.pk)
    assert changed["new_version"] is True
    assert changed["version"] == 2
    assert changed["content_hash"] != first["content_hash"]
    assert LearningDigest.objects.count() == 2
