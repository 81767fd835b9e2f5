"""Token auth for scripts: obtained with e-mail and password, revocable, and wrong ones
refused with a 401 that says how to authenticate."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.alliance.factories import UserFactory

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"


def test_a_script_gets_a_token_and_uses_it(api):
    user = UserFactory(email="script@example.org")
    response = api.post(
        TOKEN_URL,
        {"email": "Script@example.org", "password": "correct horse battery"},
        format="json",
    )
    assert response.status_code == 200
    key = response.json()["token"]
    assert Token.objects.get(user=user).key == key
    me = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert me.status_code == 200
    assert me.json()["email"] == "script@example.org"


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(api):
    UserFactory(email="script@example.org")
    response = api.post(
        TOKEN_URL, {"email": "script@example.org", "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["message"] == (
        "That e-mail address and password do not match an account."
    )
    assert not Token.objects.exists()


def test_a_wrong_token_is_a_401_with_the_scheme_to_use():
    response = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "authentication_failed"


def test_a_revoked_token_stops_working(api):
    user = UserFactory()
    token = Token.objects.create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.delete(TOKEN_URL).status_code == 204
    assert client.get("/api/v1/me/").status_code == 401


def test_sign_in_attempts_are_throttled(api):
    UserFactory(email="script@example.org")
    from rest_framework.throttling import ScopedRateThrottle

    original = ScopedRateThrottle.THROTTLE_RATES
    ScopedRateThrottle.THROTTLE_RATES = {"auth": "3/minute"}
    try:
        codes = [
            api.post(
                TOKEN_URL, {"email": "script@example.org", "password": "x"}, format="json"
            ).status_code
            for _ in range(4)
        ]
    finally:
        ScopedRateThrottle.THROTTLE_RATES = original
    assert codes == [400, 400, 400, 429]


def test_a_browser_session_reads_its_own_profile(client):
    user = UserFactory(email="browser@example.org")
    client.force_login(user)
    response = client.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["email"] == "browser@example.org"
