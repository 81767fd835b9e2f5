"""The shared learning digest through the API: who may read and compile it, the three
formats, bad input, the query budget, and a compile followed through its job."""

import pytest
from django.core import mail
from rest_framework.test import APIClient

from reporting.learning.models import LearningDigest
from reporting.learning.services import learning_compile, learning_key
from reporting.models import Job
from tests.alliance.factories import build_contract
from tests.conftest import client_for
from tests.reporting.learning.setup import a_return, allocate

URL = "/api/v1/reports/shared-learning/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def compiled(contract, period, organisation, lead):
    a_return(period, organisation, lead, [("Peer support", "<script>x()</script>", "", [])])
    learning_compile(contract_id=contract.pk, period_id=period.pk)
    return period


@pytest.mark.parametrize(
    "persona, get_status, post_status",
    [
        ("anonymous", 401, 401),
        ("lead", 200, 403),
        ("contributor", 200, 403),
        ("other_partner", 200, 403),
        ("stranger", 404, 404),
        ("outsider", 404, 404),
        ("commissioner", 200, 202),
        ("other_commissioner", 404, 404),
    ],
)
def test_permission_matrix(request, compiled, contract, persona, get_status, post_status):
    client = APIClient() if persona == "anonymous" else client_for(request.getfixturevalue(persona))
    query = {"contract": contract.pk, "period": compiled.pk}
    assert client.get(URL, query).status_code == get_status
    for fmt in ("html", "markdown"):
        assert client.get(URL, {**query, "format": fmt}).status_code == get_status
    jobs_before = Job.objects.count()
    assert client.post(URL, query, format="json").status_code == post_status
    if post_status != 202:
        assert Job.objects.count() == jobs_before  # nothing queued


def test_json_gives_the_themes_with_both_renderings(compiled, contract, other_partner):
    response = client_for(other_partner).get(URL, {"contract": contract.pk, "period": compiled.pk})
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 1
    theme = body["digest"]["themes"][0]
    assert theme["theme"] == "Peer support"
    assert theme["entries"][0]["what_worked"] == "<script>x()</script>"  # JSON is data
    assert "&lt;script&gt;" in body["html"] and "<script>" not in body["html"]
    assert "\\<script\\>" in body["markdown"]


@pytest.mark.parametrize(
    "fmt, content_type", [("html", "text/html"), ("markdown", "text/markdown")]
)
def test_html_and_markdown_come_as_themselves(compiled, contract, lead, fmt, content_type):
    response = client_for(lead).get(
        URL, {"contract": contract.pk, "period": compiled.pk, "format": fmt}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    digest = LearningDigest.objects.get()
    assert response.content.decode() == (digest.html if fmt == "html" else digest.markdown)


def test_an_unknown_format_is_a_clear_400(compiled, contract, lead):
    response = client_for(lead).get(
        URL, {"contract": contract.pk, "period": compiled.pk, "format": "pdf"}
    )
    assert response.status_code == 400
    assert "choose json, html or markdown" in str(response.json())


def test_a_period_of_another_contract_is_a_clear_400(
    compiled, contract, commissioner, council, organisation
):
    other = build_contract(commissioner=commissioner, council=council, partners=[organisation])
    client = client_for(commissioner)
    response = client.get(URL, {"contract": other.pk, "period": compiled.pk})
    assert response.status_code == 400
    assert "not one of this contract's reporting periods" in response.json()["message"]
    response = client.post(URL, {"contract": other.pk, "period": compiled.pk}, format="json")
    assert response.status_code == 400
    assert not Job.objects.filter(kind="shared_learning").exists()


def test_missing_or_malformed_ids_are_a_400(contract, commissioner):
    client = client_for(commissioner)
    assert client.get(URL, {"contract": contract.pk}).status_code == 400
    assert client.get(URL, {"contract": "x", "period": 1}).status_code == 400
    assert client.post(URL, {"contract": contract.pk}, format="json").status_code == 400


def test_unknown_fields_in_a_compile_request_are_refused(contract, period, commissioner):
    response = client_for(commissioner).post(
        URL, {"contract": contract.pk, "period": period.pk, "format": "html"}, format="json"
    )
    assert response.status_code == 400
    assert not Job.objects.exists()


def test_a_contract_you_cannot_see_is_a_404(compiled, contract, stranger):
    response = client_for(stranger).get(URL, {"contract": contract.pk, "period": compiled.pk})
    assert response.status_code == 404


def test_not_yet_compiled_is_a_404_that_says_so(contract, period, lead):
    response = client_for(lead).get(URL, {"contract": contract.pk, "period": period.pk})
    assert response.status_code == 404
    assert "has not been compiled yet" in response.json()["message"]


@pytest.mark.parametrize("entries", [10, 100])
def test_reading_the_digest_does_not_grow_with_its_entries(
    contract, period, organisation, lead, entries, django_assert_num_queries
):
    learning = [
        (f"Theme {n % 7}", f"Worked {n}", f"Did not {n}", [f"t{n}"]) for n in range(entries)
    ]
    a_return(period, organisation, lead, learning)
    learning_compile(contract_id=contract.pk, period_id=period.pk)
    client = client_for(lead)
    query = {"contract": contract.pk, "period": period.pk}
    # 1 the contract, if visible (its visibility subqueries inline); 2 the period;
    # 3 the latest digest: its entries are in its payload, not rows.
    with django_assert_num_queries(3):
        response = client.get(URL, query)
    assert response.json()["digest"]["entry_count"] == entries
    with django_assert_num_queries(3):
        assert client.get(URL, {**query, "format": "html"}).status_code == 200


def test_a_commissioner_compiles_on_demand_and_follows_the_job(
    contract,
    period,
    organisation,
    lead,
    commissioner,
    django_capture_on_commit_callbacks,
):
    allocate(contract, commissioner, organisation)
    a_return(period, organisation, lead, [("Peer support", "Buddies", "", [])])
    client = client_for(commissioner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"contract": contract.pk, "period": period.pk}, format="json")
    assert response.status_code == 202
    job = response.json()
    assert job["key"] == learning_key(contract.pk, period.pk)
    assert job["kind"] == "shared_learning"
    followed = client.get(f"/api/v1/jobs/{job['id']}/").json()
    assert followed["state"] == "succeeded"  # eager in tests, once the request committed
    assert followed["result"]["version"] == 1
    assert followed["result"]["new_version"] is True
    assert LearningDigest.objects.get().job_id == job["id"]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([lead.email, commissioner.email])
    digest = client.get(URL, {"contract": contract.pk, "period": period.pk}).json()
    assert digest["job"] == job["id"]
