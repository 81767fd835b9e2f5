"""The permission matrix: every grants endpoint x every persona, exact status codes.

Personas: anonymous; an applicant of the applying organisation; an applicant of another
organisation; a panel member of the round with no conflict; a panel member who declared a
conflict; a commissioner.
"""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from grants.models import Attachment, Grant
from grants.services.awards import application_decide
from grants.services.payments import grant_accept
from tests.conftest import client_for
from tests.grants.factories import ApplicationFactory, ConflictFactory
from tests.grants.test_attachments import PDF

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "applicant",
    "other_applicant",
    "panel_member",
    "conflicted_panel_member",
    "commissioner",
]
OPEN = (401, 200, 200, 200, 200, 200)


@pytest.fixture
def world(
    draft,
    panel_application,
    panel_round,
    open_round,
    organisation,
    applicant,
    commissioner,
    conflicted_panel_member,
    panel_member,
    programme,
    council,
):
    programme.max_open_grants = 3  # the grant below must not stop the draft's submission
    programme.save()
    awarded = ApplicationFactory(
        round=panel_round, organisation=organisation, created_by=applicant, status="submitted"
    )
    ConflictFactory(application=awarded, user=conflicted_panel_member)
    application_decide(application=awarded, by=commissioner, outcome="award", amount=Decimal(900))
    grant = grant_accept(grant=Grant.objects.get(application=awarded), by=applicant)
    attachment = Attachment(
        application=panel_application,
        kind="constitution",
        original_name="constitution.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=applicant,
    )
    attachment.file.save("x.pdf", ContentFile(PDF))
    return {
        "programme": programme.pk,
        "open_round": open_round.pk,
        "round": panel_round.pk,
        "draft": draft.pk,
        "app": panel_application.pk,
        "grant": grant.pk,
        "attachment": attachment.pk,
        "criterion": panel_round.criteria.first().pk,
        "organisation": organisation.pk,
        "council": council.pk,
    }


def _body(name, w):
    bodies = {
        "programme": {
            "funder": w["council"],
            "name": "Summer fund",
            "budget": "5000.00",
            "min_award": "100.00",
            "max_award": "500.00",
            "identifier_prefix": "360G-wirral",
        },
        "round": {
            "programme": w["programme"],
            "name": "Extra",
            "opens_at": "2030-01-01T09:00:00Z",
            "closes_at": "2030-02-01T09:00:00Z",
            "budget": "1000.00",
            "decision_method": "officer",
        },
        "vote": {"application": w["app"]},
        "draft": {"round": w["open_round"], "organisation": w["organisation"], "title": "New"},
        "patch": {"title": "Renamed"},
        "decline": {"outcome": "decline", "reason": "Not this time."},
        "conflict": {"reason": "I know them."},
        "score": {"criterion": w["criterion"], "score": 4},
        "payment": {"amount": "100.00", "paid_on": "2026-06-01", "reference": "BACS-9"},
        "report": {"answers": {"what_happened": "Club", "people_reached": 10, "story": "Fun"}},
    }
    return bodies.get(name)


A = "/api/v1/applications/{app}/"
G = "/api/v1/grants/{grant}/"
CASES = {
    # name: (method, path, body, expected per persona in PERSONAS order)
    "programmes list": ("get", "/api/v1/programmes/", None, OPEN),
    "programme detail": ("get", "/api/v1/programmes/{programme}/", None, OPEN),
    "programme create": ("post", "/api/v1/programmes/", "programme", (401, *[403] * 4, 201)),
    "rounds list": ("get", "/api/v1/rounds/", None, OPEN),
    "round detail": ("get", "/api/v1/rounds/{round}/", None, OPEN),
    "round create": ("post", "/api/v1/rounds/", "round", (401, *[403] * 4, 201)),
    "ranking": ("get", "/api/v1/rounds/{round}/ranking/", None, (401, 403, 403, 200, 200, 200)),
    "fund down": (
        "post",
        "/api/v1/rounds/{round}/fund-down-ranking/",
        None,
        (401, 403, 403, 403, 403, 200),
    ),
    "votes list": ("get", "/api/v1/rounds/{round}/votes/", None, OPEN),
    # A panel (not vote) round: only an unconflicted panel member gets past the permission
    # check, to be told the round is not decided by vote.
    "vote": ("post", "/api/v1/rounds/{round}/votes/", "vote", (401, 403, 403, 400, 403, 403)),
    "applications list": ("get", "/api/v1/applications/", None, OPEN),
    "application detail": ("get", A, None, (401, 200, 404, 200, 404, 200)),
    "draft create": ("post", "/api/v1/applications/", "draft", (401, 201, 403, 403, 403, 403)),
    "draft update": (
        "patch",
        "/api/v1/applications/{draft}/",
        "patch",
        (401, 200, 404, 404, 404, 403),
    ),
    "submit": (
        "post",
        "/api/v1/applications/{draft}/submit/",
        None,
        (401, 200, 404, 404, 404, 403),
    ),
    "withdraw": (
        "post",
        "/api/v1/applications/{draft}/withdraw/",
        None,
        (401, 200, 404, 404, 404, 403),
    ),
    "decide": ("post", A + "decide/", "decline", (401, 403, 404, 403, 404, 200)),
    "history": ("get", A + "history/", None, (401, 200, 404, 200, 404, 200)),
    "attachments list": ("get", A + "attachments/", None, (401, 200, 404, 200, 404, 200)),
    "attachment upload": (
        "post",
        "/api/v1/applications/{draft}/attachments/",
        "upload",
        (401, 201, 404, 404, 404, 403),
    ),
    "attachment download": (
        "get",
        A + "attachments/{attachment}/download/",
        None,
        (401, 200, 404, 200, 404, 200),
    ),
    "conflicts list": ("get", A + "conflicts/", None, (401, 200, 404, 200, 200, 200)),
    "conflict declare": ("post", A + "conflicts/", "conflict", (401, 403, 404, 201, 201, 403)),
    "scores list": ("get", A + "scores/", None, (401, 403, 404, 200, 403, 200)),
    "score": ("post", A + "scores/", "score", (401, 403, 404, 201, 403, 403)),
    "grants list": ("get", "/api/v1/grants/", None, OPEN),
    "grant detail": ("get", G, None, (401, 200, 404, 200, 404, 200)),
    "grant accept": ("post", G + "accept/", None, (401, 200, 404, 403, 404, 403)),
    "payments list": ("get", G + "payments/", None, (401, 200, 404, 200, 404, 200)),
    "payment record": ("post", G + "payments/", "payment", (401, 403, 404, 403, 404, 201)),
    "report": ("get", G + "report/", None, (401, 200, 404, 200, 404, 200)),
    "report submit": ("post", G + "report/", "report", (401, 200, 404, 403, 404, 403)),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", list(CASES))
def test_permission_matrix(request, world, case, persona):
    method, path, body_name, expected = CASES[case]
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    client = client_for(user)
    url = path.format(**world)
    if body_name == "upload":
        from django.core.files.uploadedfile import SimpleUploadedFile

        response = client.post(
            url,
            {"kind": "constitution", "file": SimpleUploadedFile("c.pdf", PDF)},
            format="multipart",
        )
    else:
        response = getattr(client, method)(url, _body(body_name, world), format="json")
    assert response.status_code == expected[PERSONAS.index(persona)], (
        response.content[:300] if hasattr(response, "content") else response
    )
