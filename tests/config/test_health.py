"""/health/ reports the database and the broker; only a database outage is a 503."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_health_reports_the_database_and_eager_mode(client, settings):
    settings.REDIS_URL = ""
    body = client.get("/health/").json()
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True, "vendor": connection.vendor}
    assert body["broker"]["ok"] is True


def test_a_broker_that_does_not_answer_is_reported_as_degraded(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["broker"]["ok"] is False


def test_a_database_outage_is_a_503(client, monkeypatch):
    from config import health

    monkeypatch.setattr(health, "_database", lambda: {"ok": False, "error": "OperationalError"})
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["status"] == "down"


@pytest.mark.redis
def test_a_real_redis_is_reported_up(client, settings):
    import os

    settings.REDIS_URL = os.environ["REDIS_URL"]
    assert client.get("/health/").json()["broker"] == {"ok": True, "mode": "redis"}
