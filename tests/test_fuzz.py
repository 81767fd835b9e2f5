"""Fuzzing the whole API from its own OpenAPI schema (schemathesis, in process).

Signed in as a member of one organisation, whatever is sent: no 5xx, no response that
breaks the schema, and nothing of another organisation in any answer. The other
organisation's name and org-id carry a marker that must never appear in a response.

A bounded run is part of `make test`; `make fuzz` runs long (FUZZ_EXAMPLES, default 300).
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.alliance.factories import MembershipFactory, OrganisationFactory

MARKER = "ZZQX-OTHER-ORG-MARKER"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))


@pytest.fixture
def fuzz_world(db):
    own = OrganisationFactory(name="Own Group")
    other = OrganisationFactory(name=f"Hidden {MARKER}", contact_email="hidden@example.org")
    MembershipFactory(organisation=other, role="alliance_lead")
    person = MembershipFactory(organisation=own, role="applicant").user
    MembershipFactory(organisation=own, role="alliance_lead", user=person)
    return {"token": Token.objects.create(user=person).key, "other": other}


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """Django's test client stops each request from closing the database connection that
    holds the test's transaction; schemathesis calls the WSGI app directly, so do the same."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(fuzz_world, wsgi_keeps_the_test_connection):
    from config.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    # Revoking the fuzzer's own token would only turn the rest of the run into 401s.
    return schema.exclude(path="/api/v1/auth/token/", method="DELETE")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=not os.environ.get("FUZZ_RANDOM"),
)
def test_the_api_never_fails_breaks_its_schema_or_leaks_another_organisation(case, fuzz_world):
    response = case.call(headers={"Authorization": f"Token {fuzz_world['token']}"})
    case.validate_response(
        response,
        checks=[
            not_a_server_error,
            response_schema_conformance,
            status_code_conformance,
            content_type_conformance,
        ],
    )
    assert MARKER not in response.text, f"{case.method} {case.formatted_path} leaked"
    assert fuzz_world["other"].org_id not in response.text
