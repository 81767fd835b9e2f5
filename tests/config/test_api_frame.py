"""The API frame: one error shape, the OpenAPI schema and docs, domain events."""

from dataclasses import dataclass

import pytest
from django.db import transaction

from alliance import events

pytestmark = pytest.mark.django_db


def test_the_schema_and_the_docs_are_served(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/organisations/" in paths
    # Every operation documents the shared error shape.
    post = paths["/api/v1/organisations/"]["post"]["responses"]
    assert {"400", "401", "403", "409"} <= set(post)
    assert "ErrorResponse" in schema.json()["components"]["schemas"]
    assert client.get("/api/docs/").status_code == 200


def test_a_404_has_the_same_shape_as_every_other_error(member):
    from tests.conftest import client_for

    body = client_for(member).get("/api/v1/organisations/999999/").json()
    assert body == {
        "status": 404,
        "code": "not_found",
        "rule": None,
        "message": "Not found: it does not exist, or you cannot see it.",
        "fields": {},
        "problems": [],
    }


@dataclass(frozen=True)
class _Happened(events.DomainEvent):
    thing_id: int


def test_domain_events_reach_subscribers_after_commit_and_never_on_rollback(
    django_capture_on_commit_callbacks,
):
    seen = []
    events.subscribe(_Happened, seen.append)
    with django_capture_on_commit_callbacks(execute=True):
        events.publish_on_commit(_Happened(thing_id=1))
        assert seen == []  # not before commit
    assert seen == [_Happened(thing_id=1)]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                events.publish_on_commit(_Happened(thing_id=2))
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
    assert callbacks == []
    assert seen == [_Happened(thing_id=1)]


def test_one_failing_subscriber_does_not_stop_the_others(django_capture_on_commit_callbacks):
    seen = []

    def broken(event):
        raise ValueError("subscriber bug")

    events.subscribe(_Happened, broken)
    events.subscribe(_Happened, seen.append)
    with django_capture_on_commit_callbacks(execute=True):
        events.publish_on_commit(_Happened(thing_id=3))
    assert _Happened(thing_id=3) in seen


def test_an_api_url_that_matches_nothing_answers_json_not_html(member):
    from tests.conftest import client_for

    response = client_for(member).get("/api/v1/organisations/not-a-number/members/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"
