"""Every grants list issues the same number of queries for 10 rows as for 100."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grants.models import (
    ApplicationEvent,
    Attachment,
    EndOfGrantReport,
    Grant,
    Payment,
    Tranche,
    Vote,
)
from tests.alliance.factories import UserFactory
from tests.conftest import client_for
from tests.grants.factories import (
    ApplicationFactory,
    ConflictFactory,
    CriterionFactory,
    PanelMemberFactory,
    ProgrammeFactory,
    RoundFactory,
    ScoreFactory,
)

pytestmark = pytest.mark.django_db


def _grant(round_):
    application = ApplicationFactory(round=round_, status="awarded")
    grant = Grant.objects.create(
        application=application,
        identifier=f"360G-wirral-{application.pk}",
        amount=Decimal("500.00"),
        report_tier="light",
        status="accepted",
    )
    Tranche.objects.create(grant=grant, position=1, amount=grant.amount, due_on=date.today())
    EndOfGrantReport.objects.create(grant=grant, tier="light", due_on=date.today())
    return grant


class Rows:
    """Makes `n` more rows of one list, hanging off the same parent each time."""

    def __init__(self, programme, panel_round, panel_application):
        self.programme = programme
        self.round = panel_round
        self.app = panel_application
        self.grant = None

    def make(self, kind: str, n: int) -> str:
        for _ in range(n):
            getattr(self, kind)()
        return {
            "programmes": "/api/v1/programmes/",
            "rounds": "/api/v1/rounds/",
            "applications": "/api/v1/applications/",
            "history": f"/api/v1/applications/{self.app.pk}/history/",
            "attachments": f"/api/v1/applications/{self.app.pk}/attachments/",
            "conflicts": f"/api/v1/applications/{self.app.pk}/conflicts/",
            "scores": f"/api/v1/applications/{self.app.pk}/scores/",
            "votes": f"/api/v1/rounds/{self.round.pk}/votes/",
            "grants": "/api/v1/grants/",
            "payments": f"/api/v1/grants/{self.grant.pk if self.grant else 0}/payments/",
            "ranking": f"/api/v1/rounds/{self.round.pk}/ranking/",
        }[kind]

    def programmes(self):
        ProgrammeFactory(funder=self.programme.funder)

    def rounds(self):
        round_ = RoundFactory(programme=self.programme)
        CriterionFactory(round=round_)
        PanelMemberFactory(round=round_)

    def applications(self):
        ApplicationFactory(round=self.round, status="submitted")

    def history(self):
        ApplicationEvent.objects.create(application=self.app, action="note", actor=UserFactory())

    def attachments(self):
        Attachment.objects.create(
            application=self.app,
            kind="other",
            file="grants/x.pdf",
            original_name="x.pdf",
            content_type="application/pdf",
            size=10,
            uploaded_by=self.app.created_by,
        )

    def conflicts(self):
        ConflictFactory(application=self.app)

    def scores(self):
        ScoreFactory(application=self.app, criterion=self.round.criteria.first())

    def votes(self):
        Vote.objects.create(
            round=self.round, application=ApplicationFactory(round=self.round), voter=UserFactory()
        )

    def grants(self):
        _grant(self.round)

    def payments(self):
        self.grant = self.grant or _grant(self.round)
        Payment.objects.create(
            grant=self.grant,
            amount=Decimal("1.00"),
            paid_on=date.today(),
            reference=f"R{Payment.objects.count()}",
            recorded_by=self.app.created_by,
        )

    def ranking(self):
        application = ApplicationFactory(round=self.round, status="submitted")
        ScoreFactory(application=application, criterion=self.round.criteria.first())


# Queries per list, as a commissioner (force-authenticated, so no session or token query):
EXPECTED = {
    # COUNT, the page (programmes are published to every signed-in person)
    "programmes": 2,
    # COUNT, the page (with panel size), criteria prefetch
    "rounds": 3,
    # the person's scope (application_scope: their organisations, panel rounds, conflicts,
    # funder councils and those councils' rounds, one query), COUNT, the page (with
    # organisation, decision, grant); the budget lines are on the application's own page
    "applications": 3,
    # parent application: scope, the application; then the scope again for the events
    # (a queryset does not keep it between reads), COUNT, the page (with actor)
    "history": 5,
    # scope, the application, scope, COUNT, the page
    "attachments": 5,
    # scope, the application (declarable_by), COUNT, the page (with user)
    "conflicts": 4,
    # scope, the application, the commissioner's check (the programme's funder), COUNT,
    # the page (with criterion and scorer)
    "scores": 5,
    # the round, COUNT, the page (the funder's rounds are a subquery)
    "votes": 3,
    # scope, COUNT, the page (with application, organisation, report); the tranches are
    # on the grant's own page
    "grants": 3,
    # scope, the grant, scope, COUNT, the page
    "payments": 5,
    # the round, its criteria (prefetched as on every round), the commissioner's roles in
    # the programme's funder, the ranked applications (with organisation), their scores
    "ranking": 5,
}


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_same_number_of_queries_for_10_and_100_rows(
    kind, commissioner, programme, panel_round, panel_application, django_assert_num_queries
):
    rows = Rows(programme, panel_round, panel_application)
    url = rows.make(kind, 10)
    # A fresh user object per request, as in real requests: nothing memoised carries over.
    fresh = type(commissioner).objects.get
    client = client_for(fresh(pk=commissioner.pk))
    with django_assert_num_queries(EXPECTED[kind]):
        first = client.get(url, {"page_size": 200})
    assert first.status_code == 200
    rows.make(kind, 90)
    client = client_for(fresh(pk=commissioner.pk))
    with django_assert_num_queries(EXPECTED[kind]):
        second = client.get(url, {"page_size": 200})
    body = second.json()
    if kind == "ranking":
        assert len(body["entries"]) >= 100
    else:
        assert body["count"] >= 100
        assert len(body["results"]) >= 100


def test_applications_list_as_an_applicant_is_constant_too(
    applicant, organisation, open_round, django_assert_num_queries
):
    def make(n):
        for _ in range(n):
            ApplicationFactory(round=open_round, organisation=organisation)

    make(10)
    # the person's organisations, panel rounds, conflicts and funder councils
    # (application_scope, one query), COUNT, the page
    client = client_for(type(applicant).objects.get(pk=applicant.pk))
    with django_assert_num_queries(3):
        assert client.get("/api/v1/applications/", {"page_size": 200}).json()["count"] == 10
    make(90)
    client = client_for(type(applicant).objects.get(pk=applicant.pk))
    with django_assert_num_queries(3):
        assert client.get("/api/v1/applications/", {"page_size": 200}).json()["count"] == 100


@pytest.mark.parametrize("kind", ["applications", "grants"])
def test_the_list_count_does_not_join_the_rows_columns(
    kind, commissioner, programme, panel_round, panel_application
):
    # The page is read as `.values()` rows (config.rows.ValuesListMixin); its joins are
    # for the page, not the COUNT, which stays on the one table as with instances.
    url = Rows(programme, panel_round, panel_application).make(kind, 3)
    client = client_for(type(commissioner).objects.get(pk=commissioner.pk))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, {"page_size": 2}).json()["count"] >= 3
    (count,) = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"]]
    assert "JOIN" not in count
