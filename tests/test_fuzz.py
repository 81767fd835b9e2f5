"""Fuzzing the whole API from its own OpenAPI schema (schemathesis, in process).

Two partner organisations, each with its own council and contract, a return, an
allocation, an application and a grant, and a person who leads it and applies for it. The
fuzzer signs in as each person in turn, and whatever is sent: no 5xx, no response that
breaks the schema, and nothing of the other organisation in any answer:
- no object anywhere in the JSON names the other organisation (`organisation`);
- no list row of returns, applications, grants, contracts or organisations is the other's;
- no 2xx for a path naming one of the other's objects (`/returns/{id}/`,
  `/applications/{application_pk}/history/`...): it must be a 404 (or a 403);
- neither the other's name nor its org-id appears in the text.

A bounded run is part of `make test`; `make fuzz` runs long (FUZZ_EXAMPLES, default 300).
"""

import itertools
import os
import re
from decimal import Decimal

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

from tests.alliance.factories import (
    MembershipFactory,
    OrganisationFactory,
    build_contract,
    build_framework,
)
from tests.grants.factories import ApplicationFactory, ProgrammeFactory, RoundFactory

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
# The collections whose objects belong to one organisation, as they appear in paths.
OWNED = ["organisations", "contracts", "returns", "applications", "grants"]
# The 360Giving files are published to everyone by design: every awarded grant that is not
# withheld, its recipient named (DESIGN §5), so they name both organisations.
PUBLISHED = "/api/v1/open-data/"


def _organisation_world(name: str):
    """One partner organisation with everything it can own, and its lead."""
    from alliance.models import Allocation
    from alliance.services.returns import return_start
    from grants.models import Grant
    from grants.services.applications import application_submit
    from grants.services.awards import application_decide

    council = OrganisationFactory(council=True)
    commissioner = MembershipFactory(organisation=council, role="commissioner").user
    organisation = OrganisationFactory(
        name=name, contact_email=f"{name.lower()}@example.org", latest_annual_income=20_000
    )
    lead = MembershipFactory(organisation=organisation, role="alliance_lead").user
    MembershipFactory(organisation=organisation, role="applicant", user=lead)
    contract = build_contract(commissioner=commissioner, council=council, partners=[organisation])
    build_framework(contract=contract, commissioner=commissioner)
    period = contract.periods.order_by("starts_on").first()
    return_ = return_start(period=period, organisation=organisation, by=lead)
    Allocation.objects.filter(organisation=organisation).update(amount=Decimal("10.00"))

    round_ = RoundFactory(programme=ProgrammeFactory(funder=council))
    awarded = ApplicationFactory(round=round_, organisation=organisation, created_by=lead)
    application_submit(application=awarded, by=lead)
    application_decide(application=awarded, by=commissioner, outcome="award", amount=Decimal("800"))
    ApplicationFactory(round=round_, organisation=organisation, created_by=lead)  # a draft
    return {
        "council": council,
        "organisation": organisation,
        "token": Token.objects.create(user=lead).key,
        "ids": {
            "organisations": {organisation.pk},
            "contracts": {contract.pk},
            "returns": {return_.pk},
            "applications": set(organisation.grant_applications.values_list("pk", flat=True)),
            "grants": set(
                Grant.objects.filter(application__organisation=organisation).values_list(
                    "pk", flat=True
                )
            ),
        },
    }


@pytest.fixture
def fuzz_world(db):
    worlds = [_organisation_world("ZZQX-ALPHA"), _organisation_world("ZZQX-BRAVO")]
    # Each case signs in as the next person in turn; the other one's data must stay hidden.
    turns = itertools.cycle([(worlds[0], worlds[1]), (worlds[1], worlds[0])])
    return {"worlds": worlds, "next": lambda: next(turns)}


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


def _named_objects(path_template: str, path_parameters: dict) -> list[tuple[str, object]]:
    """(collection, id) for each owned object the path names, e.g. `/returns/{id}/`."""
    named = []
    segments = path_template.strip("/").split("/")
    for before, segment in itertools.pairwise(segments):
        match = re.fullmatch(r"\{(\w+)\}", segment)
        if match and before in OWNED and match.group(1) in path_parameters:
            named.append((before, path_parameters[match.group(1)]))
    return named


def _objects(body):
    """Every JSON object in a response body, nested ones included."""
    if isinstance(body, dict):
        yield body
        for value in body.values():
            yield from _objects(value)
    elif isinstance(body, list):
        for value in body:
            yield from _objects(value)


def leaks(case, response, other) -> list[str]:
    """What of the `other` organisation's world this response shows, if anything."""
    found = []
    if case.path.startswith(PUBLISHED):
        return []
    where = f"{case.method} {case.formatted_path} ({response.status_code})"
    organisation = other["organisation"]
    if organisation.name in response.text or organisation.org_id in response.text:
        found.append(f"{where}: names {organisation.name}")
    ids = other["ids"]
    if 200 <= response.status_code < 300:
        for collection, value in _named_objects(case.path, case.path_parameters or {}):
            if value in ids[collection] or str(value) in {str(pk) for pk in ids[collection]}:
                found.append(f"{where}: answered for the other's {collection} {value}")
    try:
        body = response.json()
    except ValueError:
        return found
    for item in _objects(body):
        if item.get("organisation") == organisation.pk:
            found.append(f"{where}: an object of organisation {organisation.pk}: {item}")
    collection = case.path.strip("/").split("/")[-1]
    if collection in OWNED and isinstance(body, dict):
        for row in body.get("results") or []:
            if isinstance(row, dict) and row.get("id") in ids[collection]:
                found.append(f"{where}: lists the other's {collection} {row['id']}")
    return found


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=not os.environ.get("FUZZ_RANDOM"),
)
def test_the_api_never_fails_breaks_its_schema_or_leaks_another_organisation(case, fuzz_world):
    me, other = fuzz_world["next"]()
    response = case.call(headers={"Authorization": f"Token {me['token']}"})
    case.validate_response(
        response,
        checks=[
            not_a_server_error,
            response_schema_conformance,
            status_code_conformance,
            content_type_conformance,
        ],
    )
    assert not leaks(case, response, other)


def test_the_leak_check_sees_another_organisations_objects(fuzz_world, api):
    """The check above is not vacuous: a commissioner of both councils is shown both
    organisations' returns, applications and grants, and the check finds Bravo's."""
    from types import SimpleNamespace

    alpha, bravo = fuzz_world["worlds"]
    both = MembershipFactory(organisation=alpha["council"], role="commissioner").user
    MembershipFactory(organisation=bravo["council"], role="commissioner", user=both)
    api.force_authenticate(both)
    for collection in ["returns", "applications", "grants"]:
        (pk,) = sorted(bravo["ids"][collection])[:1]
        for path, template, parameters in [
            (f"/api/v1/{collection}/", f"/api/v1/{collection}/", {}),
            (f"/api/v1/{collection}/{pk}/", f"/api/v1/{collection}/{{id}}/", {"id": pk}),
        ]:
            response = api.get(path)
            assert response.status_code == 200
            response.text = response.content.decode()
            case = SimpleNamespace(
                method="GET", formatted_path=path, path=template, path_parameters=parameters
            )
            assert leaks(case, response, bravo), path


def test_no_path_naming_the_other_organisations_objects_answers(fuzz_world, api):
    """The fuzzer picks ids at random; this walks every GET path of the schema that names
    an owned object (`/returns/{id}/`, `/grants/{grant_pk}/payments/`...) with each of the
    other organisation's ids: a 404 (or a 403), never its data."""
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    checked = 0
    for me, other in [fuzz_world["worlds"], fuzz_world["worlds"][::-1]]:
        api.credentials(HTTP_AUTHORIZATION=f"Token {me['token']}")
        for template, operations in paths.items():
            if "get" not in operations:
                continue
            names = re.findall(r"\{(\w+)\}", template)
            segments = template.strip("/").split("/")
            owners = {
                segments[i][1:-1]: segments[i - 1]
                for i in range(1, len(segments))
                if segments[i].startswith("{") and segments[i - 1] in OWNED
            }
            for name, collection in owners.items():
                for pk in other["ids"][collection]:
                    values = {n: pk if n == name else 1 for n in names}
                    path = template.format(**values)
                    response = api.get(path)
                    assert response.status_code in (403, 404), (path, response.status_code)
                    checked += 1
    assert checked >= 20
