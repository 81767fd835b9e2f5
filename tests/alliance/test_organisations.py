"""The organisation register: identifiers, org-ids, registration and its bad input."""

import pytest

from alliance.models import Membership, Organisation, User
from tests.alliance.factories import OrganisationFactory, WardFactory

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/register/"


def _registration(**organisation):
    return {
        "email": "Sam@Example.org",
        "password": "a long enough passphrase",
        "full_name": "Sam Volunteer",
        "organisation": {
            "name": "Rock Ferry Walkers",
            "legal_form": "unincorporated_group",
            **organisation,
        },
    }


def test_a_new_group_registers_itself_through_its_first_member(api, settings):
    settings.ORG_ID_PREFIX = "360G-wirral"
    ward = WardFactory(code="E05000972")
    response = api.post(REGISTER, _registration(ward=ward.code, postcode="ch42 1aa"), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    organisation = Organisation.objects.get()
    assert body["organisation"]["org_id"] == f"360G-wirral-ORG-{organisation.pk}"
    assert body["organisation"]["postcode"] == "CH42 1AA"
    assert body["token"]
    user = User.objects.get()
    assert user.email == "sam@example.org"
    assert Membership.objects.get().role == "applicant"
    me = api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert me.json()["memberships"][0]["organisation"] == organisation.pk


@pytest.mark.parametrize(
    ("organisation", "org_id"),
    [
        ({"legal_form": "registered_charity", "charity_number": "1012345"}, "GB-CHC-1012345"),
        ({"legal_form": "cio", "charity_number": "sc 012345"}, "GB-SC-SC012345"),
        ({"legal_form": "cic", "company_number": "1234567"}, "GB-COH-01234567"),
        (
            {
                "legal_form": "charitable_company",
                "charity_number": "1012346",
                "company_number": "SC123456",
            },
            "GB-CHC-1012346",
        ),
    ],
)
def test_org_id_is_derived_from_the_register_numbers(api, organisation, org_id):
    response = api.post(REGISTER, _registration(**organisation), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["organisation"]["org_id"] == org_id


@pytest.mark.parametrize(
    ("organisation", "field"),
    [
        ({"legal_form": "registered_charity", "charity_number": "12AB"}, "charity_number"),
        ({"legal_form": "cic", "company_number": "123"}, "company_number"),
        ({"legal_form": "registered_charity"}, "charity_number"),
        ({"legal_form": "cic"}, "company_number"),
        ({"postcode": "not a postcode"}, "postcode"),
    ],
)
def test_malformed_identifiers_are_refused_and_nothing_is_saved(api, organisation, field):
    response = api.post(REGISTER, _registration(**organisation), format="json")
    assert response.status_code == 400
    body = response.json()
    assert field in body["fields"]
    assert body["message"]
    assert not User.objects.exists()
    assert not Organisation.objects.exists()


def test_a_charity_cannot_be_registered_twice(api):
    OrganisationFactory(charity_number="1012345", name="Already Here")
    response = api.post(
        REGISTER,
        _registration(legal_form="registered_charity", charity_number="1012345"),
        format="json",
    )
    assert response.status_code == 409
    assert "Already Here is already registered" in response.json()["message"]
    assert not User.objects.exists()


def test_unknown_fields_are_refused_not_dropped(api):
    data = _registration()
    data["organisation"]["charity_nmber"] = "1012345"
    response = api.post(REGISTER, data, format="json")
    assert response.status_code == 400
    assert "charity_nmber" in response.json()["fields"]["organisation"]


def test_a_volunteer_cannot_register_a_local_authority(api):
    response = api.post(
        REGISTER,
        _registration(legal_form="local_authority", local_authority_code="WRL"),
        format="json",
    )
    assert response.status_code == 403
    assert not Organisation.objects.exists()
    assert not User.objects.exists()


def test_a_weak_password_is_refused_with_the_reason(api):
    data = _registration()
    data["password"] = "password"
    response = api.post(REGISTER, data, format="json")
    assert response.status_code == 400
    assert response.json()["fields"]["password"]
    assert not Organisation.objects.exists()
