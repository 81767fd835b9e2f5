"""Who may do what (rule 6, DESIGN §1): every contract and returns endpoint for every persona.

Personas: `lead` and `contributor` of the lead partner, `other_partner` (a lead of the
second partner of the same contract), `stranger` (a lead of an organisation outside it),
`commissioner` (of the council whose place the contract is in), `other_commissioner` (of
another council), and `anonymous`. Objects someone cannot see answer 404, not 403.
"""

from decimal import Decimal

import pytest

from alliance.services.contracts import allocation_set
from alliance.services.returns import return_update
from alliance.services.review import return_accept, return_submit
from alliance.services.variations import variation_propose
from tests.alliance.factories import complete_figures
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

PERSONAS = [
    "lead",
    "contributor",
    "other_partner",
    "stranger",
    "commissioner",
    "other_commissioner",
    "anonymous",
]


@pytest.fixture
def world(contract, framework, draft, commissioner, lead, organisation, other_organisation, ward):
    for org in (organisation, other_organisation):
        allocation_set(
            contract=contract,
            organisation=org,
            year_number=1,
            amount=Decimal("1000.00"),
            by=commissioner,
        )
    variation = variation_propose(
        contract=contract,
        by=commissioner,
        reason="Adjust",
        changes={
            "allocations": [{"year": 1, "organisation": organisation.pk, "amount": "1500.00"}]
        },
    )
    data = complete_figures(ward.code)
    return_update(
        return_=draft,
        by=lead,
        data={
            "spend": Decimal(data["spend"]),
            "figures": [
                {
                    "indicator": "FE1",
                    "value": Decimal("12"),
                    "wards": [{"ward": ward, "value": 12}],
                },
                {"indicator": "FC1", "numerator": Decimal("9"), "denominator": Decimal("10")},
                {"indicator": "DT1", "value": Decimal("300")},
            ],
            "learning": [{"theme": "Outreach", "what_worked": "School gates", "tags": ["schools"]}],
        },
    )
    return {
        "contract": contract,
        "variation": variation,
        "return": draft,
        "indicator": framework["FE1"],
        "organisation": organisation,
        "period": contract.periods.order_by("starts_on")[1],
        "place": contract.place,
        "other_organisation": other_organisation,
    }


def _submitted(world, lead):
    return_submit(return_=world["return"], by=lead)


def _accepted(world, lead, commissioner):
    _submitted(world, lead)
    return_accept(return_=world["return"], by=commissioner, rating="good")


def _count_or_status(response):
    if response.status_code == 200 and "count" in response.json():
        return (200, response.json()["count"])
    return response.status_code


def _call(persona, method, url, body=None):
    client = client_for(persona)
    return (
        getattr(client, method)(url, body, format="json")
        if body is not None
        else getattr(client, method)(url)
    )


# (name, method, url, body, state, {persona: expected}) where expected is a status code or,
# for lists, (200, how many rows that persona sees).
C = "/api/v1/contracts/{contract}/"
R = "/api/v1/returns/{return}/"
V = C + "variations/{variation}/"
CASES = [
    (
        "contracts list",
        "get",
        "/api/v1/contracts/",
        None,
        "draft",
        {
            "lead": (200, 1),
            "contributor": (200, 1),
            "other_partner": (200, 1),
            "stranger": (200, 0),
            "commissioner": (200, 1),
            "anonymous": 401,
        },
    ),
    (
        "contract detail",
        "get",
        C,
        None,
        "draft",
        {
            "lead": 200,
            "contributor": 200,
            "other_partner": 200,
            "stranger": 404,
            "commissioner": 200,
            "anonymous": 401,
        },
    ),
    (
        "contract create",
        "post",
        "/api/v1/contracts/",
        "contract",
        "draft",
        {
            "lead": 403,
            "contributor": 403,
            "other_partner": 403,
            "stranger": 403,
            "commissioner": 201,
            "anonymous": 401,
        },
    ),
    (
        "contract activate",
        "post",
        C + "activate/",
        None,
        "draft",
        {
            "lead": 403,
            "contributor": 403,
            "other_partner": 403,
            "stranger": 404,
            "commissioner": 200,
            "anonymous": 401,
        },
    ),
    (
        "allocations list",
        "get",
        C + "allocations/",
        None,
        "draft",
        {
            "lead": (200, 1),
            "contributor": (200, 1),
            "other_partner": (200, 1),
            "stranger": 404,
            "commissioner": (200, 2),
            "anonymous": 401,
        },
    ),
    (
        "allocation set",
        "post",
        C + "allocations/",
        "allocation",
        "draft",
        {
            "lead": 403,
            "contributor": 403,
            "other_partner": 403,
            "stranger": 404,
            "commissioner": 201,
            "anonymous": 401,
        },
    ),
    (
        "variations list",
        "get",
        C + "variations/",
        None,
        "draft",
        {
            "lead": (200, 1),
            "contributor": (200, 1),
            "other_partner": (200, 0),
            "stranger": 404,
            "commissioner": (200, 1),
            "anonymous": 401,
        },
    ),
    (
        "variation propose",
        "post",
        C + "variations/",
        "variation",
        "draft",
        {
            "lead": 201,
            "contributor": 403,
            "other_partner": 403,
            "stranger": 404,
            "commissioner": 201,
            "anonymous": 401,
        },
    ),
    (
        "variation detail",
        "get",
        V,
        None,
        "draft",
        {
            "lead": 200,
            "contributor": 200,
            "other_partner": 404,
            "stranger": 404,
            "commissioner": 200,
            "anonymous": 401,
        },
    ),
    (
        "variation approve",
        "post",
        V + "approve/",
        {},
        "draft",
        {
            "lead": 403,
            "contributor": 403,
            "other_partner": 404,
            "stranger": 404,
            "commissioner": 200,
            "anonymous": 401,
        },
    ),
    (
        "variation reject",
        "post",
        V + "reject/",
        {"comment": "No"},
        "draft",
        {
            "lead": 403,
            "contributor": 403,
            "other_partner": 404,
            "stranger": 404,
            "commissioner": 200,
            "anonymous": 401,
        },
    ),
    (
        "indicators list",
        "get",
        "/api/v1/indicators/",
        None,
        "draft",
        {
            "lead": (200, 3),
            "contributor": (200, 3),
            "other_partner": (200, 3),
            "stranger": (200, 0),
            "commissioner": (200, 3),
            "anonymous": 401,
        },
    ),
    (
        "indicator create",
        "post",
        "/api/v1/indicators/",
        "indicator",
        "draft",
        {
            "lead": 403,
            "contributor": 403,
            "other_partner": 403,
            "stranger": 403,
            "commissioner": 201,
            "anonymous": 401,
        },
    ),
    (
        "indicator revise",
        "patch",
        "/api/v1/indicators/{indicator}/",
        {"unit": "households"},
        "draft",
        {
            "lead": 403,
            "contributor": 403,
            "other_partner": 403,
            "stranger": 404,
            "commissioner": 200,
            "anonymous": 401,
        },
    ),
    (
        "periods list",
        "get",
        "/api/v1/periods/?page_size=200",
        None,
        "draft",
        {
            "lead": (200, 20),
            "contributor": (200, 20),
            "other_partner": (200, 20),
            "stranger": (200, 0),
            "commissioner": (200, 20),
            "anonymous": 401,
        },
    ),
    (
        "indicator detail",
        "get",
        "/api/v1/indicators/{indicator}/",
        None,
        "draft",
        {
            "lead": 200,
            "contributor": 200,
            "other_partner": 200,
            "stranger": 404,
            "commissioner": 200,
            "anonymous": 401,
        },
    ),
    (
        "period detail",
        "get",
        "/api/v1/periods/{period}/",
        None,
        "draft",
        {
            "lead": 200,
            "contributor": 200,
            "other_partner": 200,
            "stranger": 404,
            "commissioner": 200,
            "anonymous": 401,
        },
    ),
    (
        "learning detail",
        "get",
        "/api/v1/learning/{learning}/",
        None,
        "draft",
        {
            "lead": 200,
            "contributor": 200,
            "other_partner": 404,
            "stranger": 404,
            "commissioner": 200,
            "anonymous": 401,
        },
    ),
    (
        "returns list",
        "get",
        "/api/v1/returns/",
        None,
        "draft",
        {
            "lead": (200, 1),
            "contributor": (200, 1),
            "other_partner": (200, 0),
            "stranger": (200, 0),
            "commissioner": (200, 1),
            "anonymous": 401,
        },
    ),
    (
        "return detail",
        "get",
        R,
        None,
        "draft",
        {
            "lead": 200,
            "contributor": 200,
            "other_partner": 404,
            "stranger": 404,
            "commissioner": 200,
            "anonymous": 401,
        },
    ),
    (
        "return start",
        "post",
        "/api/v1/returns/",
        "return",
        "draft",
        {
            "lead": 201,
            "contributor": 201,
            "other_partner": 403,
            "stranger": 403,
            "commissioner": 403,
            "anonymous": 401,
        },
    ),
    (
        "return edit",
        "patch",
        R,
        {"went_well": "More dads came."},
        "draft",
        {
            "lead": 200,
            "contributor": 200,
            "other_partner": 404,
            "stranger": 404,
            "commissioner": 403,
            "anonymous": 401,
        },
    ),
    (
        "return submit",
        "post",
        R + "submit/",
        None,
        "draft",
        {
            "lead": 200,
            "contributor": 403,
            "other_partner": 404,
            "stranger": 404,
            "commissioner": 403,
            "anonymous": 401,
        },
    ),
    (
        "return request changes",
        "post",
        R + "request-changes/",
        {"reason": "Check FE1."},
        "submitted",
        {
            "lead": 403,
            "contributor": 403,
            "other_partner": 404,
            "stranger": 404,
            "commissioner": 200,
            "anonymous": 401,
        },
    ),
    (
        "return accept",
        "post",
        R + "accept/",
        {"rating": "good"},
        "submitted",
        {
            "lead": 403,
            "contributor": 403,
            "other_partner": 404,
            "stranger": 404,
            "commissioner": 200,
            "anonymous": 401,
        },
    ),
    (
        "return reopen",
        "post",
        R + "reopen/",
        {"reason": "Spend misstated."},
        "accepted",
        {
            "lead": 403,
            "contributor": 403,
            "other_partner": 404,
            "stranger": 404,
            "commissioner": 200,
            "anonymous": 401,
        },
    ),
    (
        "return history",
        "get",
        R + "history/",
        None,
        "submitted",
        {
            "lead": 200,
            "contributor": 200,
            "other_partner": 404,
            "stranger": 404,
            "commissioner": 200,
            "anonymous": 401,
        },
    ),
    (
        "return comments",
        "get",
        R + "comments/",
        None,
        "submitted",
        {
            "lead": 200,
            "contributor": 200,
            "other_partner": 404,
            "stranger": 404,
            "commissioner": 200,
            "anonymous": 401,
        },
    ),
    (
        "return comment",
        "post",
        R + "comments/",
        {"body": "Thanks."},
        "submitted",
        {
            "lead": 403,
            "contributor": 403,
            "other_partner": 404,
            "stranger": 404,
            "commissioner": 201,
            "anonymous": 401,
        },
    ),
    (
        "learning list (draft)",
        "get",
        "/api/v1/learning/",
        None,
        "draft",
        {
            "lead": (200, 1),
            "contributor": (200, 1),
            "other_partner": (200, 0),
            "stranger": (200, 0),
            "commissioner": (200, 1),
            "anonymous": 401,
        },
    ),
    (
        "learning list (accepted)",
        "get",
        "/api/v1/learning/",
        None,
        "accepted",
        {
            "lead": (200, 1),
            "contributor": (200, 1),
            "other_partner": (200, 1),
            "stranger": (200, 0),
            "commissioner": (200, 1),
            "anonymous": 401,
        },
    ),
]


def _body(kind, world):
    if kind == "contract":
        return {
            "place": world["place"].pk,
            "title": "Second",
            "reference": "FTA-2",
            "starts_on": "2024-04-01",
            "initial_term_years": 1,
            "value": "10.00",
            "year_budgets": ["10.00"],
            "members": [{"organisation": world["organisation"].pk, "is_lead_partner": True}],
        }
    if kind == "allocation":
        return {"year": 2, "organisation": world["organisation"].pk, "amount": "5.00"}
    if kind == "variation":
        return {"reason": "More", "changes": {"year_budgets": [{"year": 1, "budget": "705000"}]}}
    if kind == "indicator":
        return {
            "contract": world["contract"].pk,
            "code": "NM1",
            "name": "Needs met closures",
            "definition": "Cases closed as needs met.",
            "unit": "cases",
            "aggregation": "sum",
        }
    if kind == "return":
        return {"period": world["period"].pk, "organisation": world["organisation"].pk}
    return kind


@pytest.mark.parametrize("persona_name", PERSONAS)
@pytest.mark.parametrize(
    ("name", "method", "url", "body", "state", "expected"), CASES, ids=[c[0] for c in CASES]
)
def test_permission_matrix(
    world, persona, persona_name, name, method, url, body, state, expected, lead, commissioner
):
    if state == "submitted":
        _submitted(world, lead)
    elif state == "accepted":
        _accepted(world, lead, commissioner)
    user = persona(persona_name)
    path = url.format(
        contract=world["contract"].pk,
        variation=world["variation"].pk,
        indicator=world["indicator"].pk,
        period=world["period"].pk,
        learning=world["return"].learning.get().pk,
        **{"return": world["return"].pk},
    )
    response = _call(user, method, path, _body(body, world))
    # A commissioner of another council can do no more with this contract than a stranger.
    expected = expected["stranger" if persona_name == "other_commissioner" else persona_name]
    got = _count_or_status(response) if isinstance(expected, tuple) else response.status_code
    assert got == expected, response.content[:300]
