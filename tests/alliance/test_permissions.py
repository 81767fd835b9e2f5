"""Permission matrix for the register: every endpoint, every persona, own versus another's.

Personas: anonymous, `member` (lead of `organisation`), `other_member` (lead of
`other_organisation`), `commissioner`. Another organisation's object answers 404, so its
existence is not given away.
"""

import pytest

from alliance.models import Membership
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "member", "other_member", "commissioner"]


@pytest.fixture
def people(member, other_member, commissioner):
    return {
        "anonymous": None,
        "member": member,
        "other_member": other_member,
        "commissioner": commissioner,
    }


def _call(client, method, url, data=None):
    return getattr(client, method)(url, data, format="json")


# (method, url template, body, expected status per persona)
MATRIX = [
    (
        "get",
        "/api/v1/organisations/",
        None,
        {"anonymous": 401, "member": 200, "other_member": 200, "commissioner": 200},
    ),
    (
        "get",
        "/api/v1/organisations/{own}/",
        None,
        {"anonymous": 401, "member": 200, "other_member": 404, "commissioner": 200},
    ),
    (
        "patch",
        "/api/v1/organisations/{own}/",
        {"contact_name": "New Name"},
        {"anonymous": 401, "member": 200, "other_member": 404, "commissioner": 200},
    ),
    (
        "post",
        "/api/v1/organisations/",
        {"name": "A New Group", "legal_form": "unincorporated_group"},
        {"anonymous": 401, "member": 201, "other_member": 201, "commissioner": 201},
    ),
    (
        "get",
        "/api/v1/organisations/{own}/members/",
        None,
        {"anonymous": 401, "member": 200, "other_member": 404, "commissioner": 200},
    ),
    (
        "post",
        "/api/v1/organisations/{own}/members/",
        {"email": "new.person@example.org", "role": "contributor"},
        {"anonymous": 401, "member": 201, "other_member": 404, "commissioner": 201},
    ),
    (
        "delete",
        "/api/v1/organisations/{own}/members/{contributor}/",
        None,
        {"anonymous": 401, "member": 204, "other_member": 404, "commissioner": 204},
    ),
    (
        "get",
        "/api/v1/wards/",
        None,
        {"anonymous": 401, "member": 200, "other_member": 200, "commissioner": 200},
    ),
    (
        "get",
        "/api/v1/me/",
        None,
        {"anonymous": 401, "member": 200, "other_member": 200, "commissioner": 200},
    ),
    (
        "delete",
        "/api/v1/auth/token/",
        None,
        {"anonymous": 401, "member": 204, "other_member": 204, "commissioner": 204},
    ),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("method", "url", "body", "expected"), MATRIX, ids=[f"{m} {u}" for m, u, _, _ in MATRIX]
)
def test_register_endpoints_answer_each_persona_as_the_matrix_says(
    people, organisation, persona, method, url, body, expected
):
    contributor = Membership.objects.create(
        user=people["member"].__class__.objects.create(
            email="contrib@example.org", username="contrib@example.org"
        ),
        organisation=organisation,
        role="contributor",
    )
    url = url.format(own=organisation.pk, contributor=contributor.pk)
    response = _call(client_for(people[persona]), method, url, body)
    assert response.status_code == expected[persona], response.content


def test_lists_show_only_the_organisations_a_person_belongs_to(
    member, organisation, other_organisation, commissioner, council
):
    own = client_for(member).get("/api/v1/organisations/").json()
    assert [o["id"] for o in own["results"]] == [organisation.pk]
    everyone = client_for(commissioner).get("/api/v1/organisations/").json()
    assert {o["id"] for o in everyone["results"]} == {
        organisation.pk,
        other_organisation.pk,
        council.pk,
    }


def test_a_contributor_cannot_change_the_organisation_record(organisation):
    from tests.alliance.factories import MembershipFactory

    contributor = MembershipFactory(organisation=organisation, role="contributor").user
    response = client_for(contributor).patch(
        f"/api/v1/organisations/{organisation.pk}/", {"contact_name": "X"}, format="json"
    )
    assert response.status_code == 403
    organisation.refresh_from_db()
    assert organisation.contact_name != "X"
