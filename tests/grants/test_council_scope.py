"""Micro-grants belong to the council funding the programme: a commissioner of another
council sees none of its applications, grants or payments (a 404, as for anything they
cannot see) and may not act on its programmes, rounds, decisions or payments (403/404).
Programmes and rounds stay published to every signed-in person (groups find what they
can apply to), so those reads are 200 for everyone."""

from datetime import date
from decimal import Decimal

import pytest

from config.errors import NotAllowed
from grants.models import Application, Grant, Programme
from grants.services.awards import application_decide
from grants.services.fund_down import round_fund_down_ranking
from grants.services.payments import payment_record
from grants.services.programmes import round_create
from grants.services.publication import grant_withhold
from tests.alliance.factories import MembershipFactory, OrganisationFactory
from tests.conftest import client_for
from tests.grants import test_permissions as matrix
from tests.grants.factories import ApplicationFactory

# The permission matrix's world: a panel round of `council`'s programme with an
# application, an accepted grant, an attachment and a conflicted panel member.
world = matrix.world
_body = matrix._body

pytestmark = pytest.mark.django_db

A = "/api/v1/applications/{app}/"
G = "/api/v1/grants/{grant}/"

# name: (method, path, body, for the other council's commissioner, for the funder's)
CASES = {
    "application detail": ("get", A, None, 404, 200),
    "history": ("get", A + "history/", None, 404, 200),
    "attachments list": ("get", A + "attachments/", None, 404, 200),
    "attachment download": ("get", A + "attachments/{attachment}/download/", None, 404, 200),
    "conflicts list": ("get", A + "conflicts/", None, 404, 200),
    "scores list": ("get", A + "scores/", None, 404, 200),
    "decide": ("post", A + "decide/", "decline", 404, 200),
    "grant detail": ("get", G, None, 404, 200),
    "report": ("get", G + "report/", None, 404, 200),
    "payments list": ("get", G + "payments/", None, 404, 200),
    "payment record": ("post", G + "payments/", "payment", 404, 201),
    "withhold": ("post", G + "withhold/", "withhold", 404, 200),
    "programme detail": ("get", "/api/v1/programmes/{programme}/", None, 200, 200),
    "round detail": ("get", "/api/v1/rounds/{round}/", None, 200, 200),
    "round create": ("post", "/api/v1/rounds/", "round", 403, 201),
    "ranking": ("get", "/api/v1/rounds/{round}/ranking/", None, 403, 200),
    "fund down": ("post", "/api/v1/rounds/{round}/fund-down-ranking/", None, 403, 200),
    "programme create": ("post", "/api/v1/programmes/", "programme", 403, 201),
}


@pytest.fixture
def other_council(db):
    return OrganisationFactory(council=True)


@pytest.fixture
def other_commissioner(other_council):
    return MembershipFactory(organisation=other_council, role="commissioner").user


def _payload(name, w):
    if name == "withhold":
        return {"reason": "The group asked us not to publish it."}
    return _body(name, w)


@pytest.mark.parametrize("persona", ["other_commissioner", "commissioner"])
@pytest.mark.parametrize("case", list(CASES))
def test_a_commissioner_acts_only_on_their_own_councils_grants(
    request, world, other_commissioner, case, persona
):
    method, path, body_name, theirs, ours = CASES[case]
    user = request.getfixturevalue(persona)
    response = getattr(client_for(user), method)(
        path.format(**world), _payload(body_name, world), format="json"
    )
    expected = theirs if persona == "other_commissioner" else ours
    assert response.status_code == expected, (case, persona, response.content[:300])
    if response.status_code == 403:
        # The ranking is also a panel's: its refusal names both who may see it.
        rule = "grants.panel_only" if case == "ranking" else "grants.commissioners_of_the_funder"
        assert response.json()["rule"] == rule


def test_another_councils_commissioner_lists_none_of_its_applications_or_grants(
    world, other_commissioner, other_council
):
    client = client_for(other_commissioner)
    for url in ("/api/v1/applications/", "/api/v1/grants/"):
        assert client.get(url).json()["count"] == 0, url
    # Their own council's programme is theirs to see, drafts too.
    own = ApplicationFactory(round__programme__funder=other_council, status="draft")
    ids = [row["id"] for row in client.get("/api/v1/applications/").json()["results"]]
    assert ids == [own.pk]


def test_the_funders_commissioner_lists_them_all(world, commissioner):
    client = client_for(commissioner)
    body = client.get("/api/v1/applications/", {"page_size": 200}).json()
    assert body["count"] == Application.objects.count()
    assert client.get("/api/v1/grants/").json()["count"] == Grant.objects.count()


def test_a_programme_is_set_up_only_for_a_council_of_the_commissioner(
    world, commissioner, other_council
):
    body = _body("programme", world) | {"funder": other_council.pk}
    response = client_for(commissioner).post("/api/v1/programmes/", body, format="json")
    assert response.status_code == 403
    assert response.json()["rule"] == "grants.commissioners_of_the_funder"
    assert "funder" in response.json()["fields"]
    assert not Programme.objects.filter(funder=other_council).exists()


def test_every_commissioner_only_service_checks_the_funder(world, other_commissioner):
    """The services are the one place the rule lives; the API only reaches them."""
    application = Application.objects.get(pk=world["app"])
    grant = Grant.objects.get(pk=world["grant"])
    round_ = application.round
    calls = {
        "round": lambda: round_create(
            by=other_commissioner,
            programme=round_.programme,
            data={"name": "x", "opens_at": None, "closes_at": None, "decision_method": "officer"},
        ),
        "decide": lambda: application_decide(
            application=application, by=other_commissioner, outcome="decline", reason="No."
        ),
        "fund down": lambda: round_fund_down_ranking(round_=round_, by=other_commissioner),
        "payment": lambda: payment_record(
            grant=grant,
            by=other_commissioner,
            amount=Decimal("10.00"),
            paid_on=date(2026, 6, 1),
            reference="X-1",
        ),
        "withhold": lambda: grant_withhold(grant=grant, by=other_commissioner, reason="Safety"),
    }
    for name, call in calls.items():
        with pytest.raises(NotAllowed) as caught:
            call()
        assert caught.value.rule == "grants.commissioners_of_the_funder", name
