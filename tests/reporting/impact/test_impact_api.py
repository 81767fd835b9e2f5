"""Collective impact through the API: who may read and compile it, the published form
with small-number suppression (rule 10), the triggers, and reliability."""

import time
from decimal import Decimal

import pytest

from alliance.models import Contract, ContractStatus, Place, Return
from alliance.services.returns import return_update
from alliance.services.review import return_submit
from reporting.impact.compile import compile_impact
from reporting.impact.models import ImpactSnapshot
from reporting.impact.publish import published
from reporting.impact.services import impact_compile, impact_key, impact_nightly
from reporting.models import Job, JobState
from reporting.services.jobs import job_run
from reporting.tasks import dispatch_pending_jobs
from tests.alliance.factories import (
    MembershipFactory,
    OrganisationFactory,
    WardFactory,
    build_contract,
    complete_figures,
)
from tests.concurrency import at_once
from tests.conftest import client_for
from tests.reporting.conftest import celery_broker, closed_port
from tests.reporting.impact.setup import a_return, periods

URL = "/api/v1/reports/collective-impact/"
LATEST = "/api/v1/reports/collective-impact/latest/"
FAST = 2.0  # seconds: a refused broker connection is noticed in milliseconds


def _indicator(payload, code):
    return next(i for i in payload["indicators"] if i["code"] == code)


@pytest.fixture
def compiled(contract, framework, period, organisation, other_organisation, lead):
    a_return(period, organisation, lead, {framework["FE1"]: "12", framework["FC1"]: ("9", "10")})
    a_return(
        period, other_organisation, lead, {framework["FE1"]: "3", framework["FC1"]: ("2", "4")}
    )
    impact_compile(contract_id=contract.pk, period_id=period.pk)
    return period


# --- suppression in the published form (rule 10) ----------------------------------------


@pytest.mark.django_db
def test_published_figures_hide_small_counts_and_the_cells_that_would_reveal_them(
    contract, framework, period, organisation, other_organisation, lead, ward
):
    other_ward = WardFactory(name="Tranmere")
    fe1 = framework["FE1"]
    a_return(period, organisation, lead, {fe1: ("30", {ward: "27", other_ward: "3"})})
    a_return(period, other_organisation, lead, {fe1: ("40", {ward: "20", other_ward: "20"})})
    exact = compile_impact(contract, period, "period")
    figure = _indicator(published(exact), "FE1")
    cells = figure["wards"]["cells"]
    by_partner = dict(zip([p["name"] for p in figure["wards"]["partners"]], cells, strict=True))
    assert by_partner[organisation.name][1] == "c"  # 3: primary
    # Secondary: otherwise 30 - 27 (its row) or the Tranmere total - 20 would give it away.
    assert by_partner[organisation.name][0] == "c"
    assert "c" in by_partner[other_organisation.name]
    assert figure["value"] == 70  # the grand total is large and shown
    assert figure["change_on_baseline"] == 70 - 400
    # The exact figures stay in the snapshot, for commissioners only.
    assert _indicator(exact, "FE1")["wards"]["cells"][0] == [27, 3]


@pytest.mark.django_db
def test_a_percentage_with_a_hidden_numerator_or_denominator_is_hidden(
    contract, framework, period, organisation, other_organisation, lead
):
    a_return(period, organisation, lead, {framework["FC1"]: ("3", "40")})
    a_return(period, other_organisation, lead, {framework["FC1"]: ("30", "50")})
    figure = _indicator(published(compile_impact(contract, period, "period")), "FC1")
    partners = {p["name"]: p for p in figure["partners"]}
    assert partners[organisation.name]["numerator"] == "c"
    assert partners[organisation.name]["value"] == "c"
    # The other partner's numerator is hidden too, or 33 - 30 would give the 3 back.
    assert partners[other_organisation.name]["value"] == "c"
    assert figure["value"] == "36.7"  # 33 / 90: both totals are large


@pytest.mark.django_db
def test_a_small_previous_figure_hides_the_change_on_it(contract, framework, organisation, lead):
    q1, q2 = periods(contract, 2)
    a_return(q1, organisation, lead, {framework["FE1"]: "4"})
    a_return(q2, organisation, lead, {framework["FE1"]: "40"})
    figure = _indicator(published(compile_impact(contract, q2, "period")), "FE1")
    assert (figure["previous"], figure["change_on_previous"]) == ("c", "c")
    assert [point["value"] for point in figure["trend"]] == ["c", 40]


# --- reading: published for partners, internal for commissioners -------------------------


@pytest.mark.django_db
def test_a_partner_reads_the_published_figures(compiled, contract, other_partner):
    response = client_for(other_partner).get(URL, {"contract": contract.pk, "period": compiled.pk})
    assert response.status_code == 200
    figures = response.json()["figures"]
    assert figures["published"] is True
    fe1 = _indicator(figures, "FE1")
    # 3 is small; 12 would then be 15 - 3, so it is hidden too; the total of 15 is shown.
    assert [p["value"] for p in fe1["partners"]] == ["c", "c"]
    assert fe1["value"] == 15


@pytest.mark.django_db
def test_a_commissioner_may_ask_for_exact_figures_labelled_unpublished(
    compiled, contract, commissioner
):
    response = client_for(commissioner).get(
        URL, {"contract": contract.pk, "period": compiled.pk, "internal": "true"}
    )
    assert response.status_code == 200
    figures = response.json()["figures"]
    assert figures["published"] is False
    assert figures["label"].startswith("UNPUBLISHED")
    assert sorted(p["value"] for p in _indicator(figures, "FE1")["partners"]) == [3, 12]


@pytest.mark.django_db
def test_a_partner_cannot_ask_for_exact_figures(compiled, contract, lead):
    response = client_for(lead).get(
        URL, {"contract": contract.pk, "period": compiled.pk, "internal": "true"}
    )
    assert response.status_code == 403
    assert "Only commissioners" in response.json()["message"]


@pytest.mark.django_db
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
    from rest_framework.test import APIClient

    client = APIClient() if persona == "anonymous" else client_for(request.getfixturevalue(persona))
    query = {"contract": contract.pk, "period": compiled.pk}
    assert client.get(URL, query).status_code == get_status
    jobs_before = Job.objects.count()
    assert client.post(URL, query, format="json").status_code == post_status
    if post_status != 202:
        assert Job.objects.count() == jobs_before  # nothing queued
    listing = client.get(LATEST)
    assert listing.status_code == (401 if persona == "anonymous" else 200)


@pytest.mark.django_db
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
    assert not Job.objects.filter(kind="collective_impact").exists()


@pytest.mark.django_db
def test_not_yet_compiled_is_a_404(contract, framework, period, commissioner):
    response = client_for(commissioner).get(URL, {"contract": contract.pk, "period": period.pk})
    assert response.status_code == 404


@pytest.mark.django_db
def test_unknown_fields_in_a_compile_request_are_refused(contract, period, commissioner):
    response = client_for(commissioner).post(
        URL, {"contract": contract.pk, "period": period.pk, "scope": "x"}, format="json"
    )
    assert response.status_code == 400
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_a_commissioner_compiles_on_demand_and_follows_the_job(
    contract,
    framework,
    period,
    organisation,
    lead,
    commissioner,
    django_capture_on_commit_callbacks,
):
    a_return(period, organisation, lead, {framework["FE1"]: "12"})
    client = client_for(commissioner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"contract": contract.pk, "period": period.pk}, format="json")
    assert response.status_code == 202
    job = response.json()
    assert job["key"] == impact_key(contract.pk, period.pk)
    followed = client.get(f"/api/v1/jobs/{job['id']}/").json()
    assert followed["state"] == "succeeded"  # eager in tests, once the request committed
    assert followed["result"]["period"]["version"] == 1
    snapshot = ImpactSnapshot.objects.get(scope="period")
    assert snapshot.job_id == job["id"]


# --- the regional view: every contract side by side ---------------------------------------


@pytest.mark.django_db
def test_a_regional_commissioner_sees_every_place_within_theirs_side_by_side(
    compiled, contract, commissioner, other_commissioner
):
    region = OrganisationFactory(council=True)
    regional = MembershipFactory(organisation=region, role="commissioner").user
    Place.objects.filter(pk=contract.place_id).update(
        parent=Place.objects.create(name="The region", council=region)
    )
    response = client_for(regional).get(LATEST)
    assert response.status_code == 200
    assert [row["contract"] for row in response.json()["results"]] == [contract.pk]
    assert client_for(other_commissioner).get(LATEST).json()["results"] == []


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [10, 100])
def test_side_by_side_queries_do_not_grow_with_rows(
    contract, period, commissioner, rows, django_assert_num_queries
):
    payload = {"indicators": [], "returns_used": [], "returns_missing": []}
    ImpactSnapshot.objects.bulk_create(
        ImpactSnapshot(
            contract=contract,
            period=p,
            scope="to_date",
            version=1,
            content_hash="x",
            payload=payload,
        )
        for p in contract.periods.order_by("starts_on")[:rows]
    )
    count = min(rows, contract.periods.count())
    client = client_for(commissioner)
    # 1 count for the page  2 the page (visibility and the newest versions are subqueries)
    with django_assert_num_queries(2):
        response = client.get(f"{LATEST}?page_size=200")
    assert len(response.json()["results"]) == count


# --- triggers ------------------------------------------------------------------------------


def _submitted(draft, lead, ward):
    data = complete_figures(ward.code)
    figures = []
    for item in data["figures"]:
        parsed = {k: Decimal(v) if k not in ("indicator", "wards") else v for k, v in item.items()}
        if "wards" in item:
            parsed["wards"] = [{"ward": ward, "value": Decimal(w["value"])} for w in item["wards"]]
        figures.append(parsed)
    return_update(
        return_=draft, by=lead, data={**data, "spend": Decimal(data["spend"]), "figures": figures}
    )
    return return_submit(return_=draft, by=lead)


@pytest.mark.django_db
def test_accepting_a_return_compiles_its_period_after_commit(
    draft, lead, ward, commissioner, django_capture_on_commit_callbacks
):
    submitted = _submitted(draft, lead, ward)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(commissioner).post(
            f"/api/v1/returns/{submitted.pk}/accept/", {"rating": "good"}, format="json"
        )
    assert response.status_code == 200
    snapshot = ImpactSnapshot.objects.get(scope="period")
    assert _indicator(snapshot.payload, "FE1")["value"] == 12
    assert snapshot.payload["returns_used"][0]["return_id"] == submitted.pk
    # Reopening compiles again: its figures no longer count.
    with django_capture_on_commit_callbacks(execute=True):
        client_for(commissioner).post(
            f"/api/v1/returns/{submitted.pk}/reopen/", {"reason": "Check FE1"}, format="json"
        )
    latest = ImpactSnapshot.objects.filter(scope="period").order_by("-version").first()
    assert latest.version == 2
    assert _indicator(latest.payload, "FE1")["value"] is None


@pytest.mark.django_db
def test_nothing_is_compiled_if_the_acceptance_rolls_back(draft, lead, ward, commissioner):
    from django.db import transaction

    from alliance.services.review import return_accept

    submitted = _submitted(draft, lead, ward)
    with pytest.raises(RuntimeError), transaction.atomic():
        return_accept(return_=submitted, by=commissioner, rating="good")
        raise RuntimeError("the request failed after accepting")
    assert not Job.objects.filter(kind="collective_impact").exists()
    assert Return.objects.get(pk=submitted.pk).status == "submitted"


@pytest.mark.django_db
def test_accepting_with_the_broker_down_answers_fast_and_compiles_once_it_is_back(
    draft, lead, ward, commissioner, django_capture_on_commit_callbacks
):
    submitted = _submitted(draft, lead, ward)
    with celery_broker(f"redis://127.0.0.1:{closed_port()}/0"):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(commissioner).post(
                f"/api/v1/returns/{submitted.pk}/accept/", {"rating": "good"}, format="json"
            )
        elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert elapsed < FAST, f"took {elapsed:.2f}s with the broker down"
    job = Job.objects.get(kind="collective_impact")
    assert (job.state, job.dispatched_at) == (JobState.QUEUED, None)  # in the outbox
    assert not ImpactSnapshot.objects.exists()
    # The broker is back (eager here): the dispatcher sends it, and it runs once.
    assert dispatch_pending_jobs.apply().get()["sent"] == 1
    assert dispatch_pending_jobs.apply().get()["sent"] == 0
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.SUCCEEDED, 1)
    assert ImpactSnapshot.objects.filter(scope="period").count() == 1


@pytest.mark.django_db
def test_the_nightly_run_compiles_each_active_contracts_current_period(
    contract, framework, commissioner, django_capture_on_commit_callbacks
):
    Contract.objects.filter(pk=contract.pk).update(status=ContractStatus.ACTIVE)
    q2 = periods(contract, 2)[1]
    with django_capture_on_commit_callbacks(execute=True):
        jobs = impact_nightly(today=q2.starts_on)
    assert Job.objects.get(pk=jobs[0]).key == impact_key(contract.pk, q2.pk)
    assert ImpactSnapshot.objects.filter(period=q2).count() == 2


# --- reliability ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_duplicate_delivery_or_a_rerun_leaves_one_snapshot(
    contract, framework, period, organisation, lead
):
    a_return(period, organisation, lead, {framework["FE1"]: "12"})
    from reporting.services.jobs import job_request

    job = job_request(
        kind="collective_impact",
        key=impact_key(contract.pk, period.pk),
        params={"contract": contract.pk, "period": period.pk},
    )
    job_run(job.pk)  # a duplicate delivery of a finished job does nothing
    # A rerun after a killed worker: the same work done again from the start.
    impact_compile(contract_id=contract.pk, period_id=period.pk)
    assert ImpactSnapshot.objects.filter(scope="period").count() == 1
    assert ImpactSnapshot.objects.filter(scope="to_date").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_compiles_store_one_version(contract, framework, period, organisation, lead):
    a_return(period, organisation, lead, {framework["FE1"]: "12"})
    assert at_once(lambda: impact_compile(contract_id=contract.pk, period_id=period.pk)) == []
    assert ImpactSnapshot.objects.filter(scope="period").count() == 1
    assert ImpactSnapshot.objects.filter(scope="to_date").count() == 1
