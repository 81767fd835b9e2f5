"""Fund utilisation API: published and exact figures, who may read and compile, bad
input, compiles after an award or a payment commits."""

from decimal import Decimal

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from grants.services.awards import application_decide
from grants.services.payments import grant_accept, payment_record
from reporting.models import Job
from reporting.utilisation.models import UtilisationSnapshot
from reporting.utilisation.services import utilisation_compile, utilisation_key
from tests.conftest import client_for
from tests.grants.factories import ApplicationFactory, ProgrammeFactory, RoundFactory
from tests.reporting.utilisation.conftest import a_grant

URL = "/api/v1/reports/fund-utilisation/"
EXPORT = "/api/v1/reports/fund-utilisation/export/"


def _grants(round_, ward, n, amount="500.00", **kwargs):
    for _ in range(n):
        a_grant(round_, ward_codes=[ward.code], amount=amount, **kwargs)


@pytest.fixture
def compiled(programme, first_round, second_round, wards):
    """One round: Bidston 3 grants (small), Claughton 10, Seacombe 12."""
    bidston, claughton, seacombe = wards
    _grants(first_round, bidston, 3, paid=["500.00"])
    _grants(first_round, claughton, 10)
    _grants(first_round, seacombe, 12, legal_form="cic")
    utilisation_compile(programme_id=programme.pk)
    return programme


def _rows(figures, breakdown="by_ward"):
    return {row["name"]: row for row in figures[breakdown]}


# --- what is published ----------------------------------------------------------------------


@pytest.mark.django_db
def test_published_figures_hide_small_ward_counts_and_the_ward_that_would_reveal_them(
    compiled, applicant
):
    figures = client_for(applicant).get(URL, {"programme": compiled.pk}).json()["figures"]
    assert figures["published"] is True
    wards = _rows(figures)
    # Bidston's 3 grants are hidden; Claughton, the smallest other ward, is hidden too, or
    # Bidston would be the total less the others.
    for name in ("Bidston", "Claughton"):
        assert {k: wards[name][k] for k in ("grants", "awarded", "paid", "applications")} == {
            "grants": "c",
            "awarded": "c",
            "paid": "c",
            "applications": "c",
        }
    assert (wards["Seacombe"]["grants"], wards["Seacombe"]["awarded"]) == (12, "6000.00")
    # The headline figures are the council's spending: published exactly.
    assert figures["totals"] == {
        "budget": "50000.00",
        "applications": 25,
        "grants": 25,
        "awarded": "12500.00",
        "paid": "1500.00",
        "remaining": "37500.00",
    }
    assert figures["withheld"] == []


@pytest.mark.django_db
def test_legal_forms_are_suppressed_the_same_way(compiled, applicant):
    figures = client_for(applicant).get(URL, {"programme": compiled.pk}).json()["figures"]
    forms = _rows(figures, "by_legal_form")
    assert forms["Registered charity"]["grants"] == 13
    assert forms["Community interest company (CIC)"]["awarded"] == "6000.00"


@pytest.mark.django_db
def test_a_round_with_few_grants_has_its_breakdown_withheld_whole(
    programme, first_round, wards, applicant
):
    _grants(first_round, wards[0], 2)
    _grants(first_round, wards[1], 1)
    utilisation_compile(programme_id=programme.pk)
    figures = client_for(applicant).get(URL, {"programme": programme.pk}).json()["figures"]
    assert {(w["breakdown"], w["count"]) for w in figures["withheld"]} == {
        ("by_ward", "grants"),
        ("by_ward", "applications"),
        ("by_legal_form", "grants"),
        ("by_legal_form", "applications"),
    }
    assert all(row["grants"] == "c" and row["awarded"] == "c" for row in figures["by_ward"])
    assert figures["totals"]["grants"] == 3  # still published


@pytest.mark.django_db
def test_one_round_is_shown_with_its_own_figures(compiled, first_round, second_round, member):
    figures = (
        client_for(member)
        .get(URL, {"programme": compiled.pk, "round": second_round.pk})
        .json()["figures"]
    )
    assert figures["round"] == {"id": second_round.pk, "name": second_round.name}
    assert figures["totals"]["budget"] == "15000.00"
    assert figures["totals"]["grants"] == 0
    assert [r["id"] for r in figures["rounds"]] == [second_round.pk]
    assert all(row["grants"] == 0 for row in figures["by_ward"])  # true zeros show


@pytest.mark.django_db
def test_a_commissioner_of_the_programme_sees_exact_figures_labelled_unpublished(
    compiled, commissioner
):
    figures = (
        client_for(commissioner)
        .get(URL, {"programme": compiled.pk, "internal": "true"})
        .json()["figures"]
    )
    assert figures["published"] is False
    assert figures["label"].startswith("UNPUBLISHED")
    wards = _rows(figures)
    assert (wards["Bidston"]["grants"], wards["Bidston"]["paid"]) == (3, "1500.00")
    hidden = {(s["code"], tuple(s["figures"])) for s in figures["suppressed"]}
    assert (wards["Bidston"]["code"], ("grants", "awarded", "paid")) in hidden


# --- who may do what --------------------------------------------------------------------------

PERSONAS = [
    # persona, GET, GET internal, POST, export
    ("anonymous", 401, 401, 401, 401),
    ("outsider", 200, 403, 403, 200),
    ("member", 200, 403, 403, 200),
    ("applicant", 200, 403, 403, 200),
    ("panel_member", 200, 403, 403, 200),
    ("other_commissioner", 200, 403, 403, 200),
    ("commissioner", 200, 200, 202, 200),
]


@pytest.mark.django_db
@pytest.mark.parametrize("persona, get, internal, post, export", PERSONAS)
def test_permission_matrix(request, compiled, persona, get, internal, post, export):
    client = APIClient() if persona == "anonymous" else client_for(request.getfixturevalue(persona))
    query = {"programme": compiled.pk}
    assert client.get(URL, query).status_code == get
    assert client.get(URL, {**query, "internal": "true"}).status_code == internal
    jobs_before = Job.objects.count()
    assert client.post(URL, query, format="json").status_code == post
    if post != 202:
        assert Job.objects.count() == jobs_before  # nothing queued
    assert client.get(EXPORT, {**query, "format": "csv"}).status_code == export
    assert client.get(EXPORT, {**query, "format": "csv", "internal": "1"}).status_code == internal


@pytest.mark.django_db
def test_a_commissioner_compiles_on_demand_and_gets_the_job(
    programme, first_round, wards, commissioner, django_capture_on_commit_callbacks
):
    a_grant(first_round, ward_codes=[wards[0].code], amount="700.00")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(commissioner).post(URL, {"programme": programme.pk}, format="json")
    assert response.status_code == 202
    assert response.json()["kind"] == "fund_utilisation"
    job = Job.objects.get(pk=response.json()["id"])
    assert (job.kind, job.key) == ("fund_utilisation", utilisation_key(programme.pk))
    assert job.result["version"] == 1
    snapshot = UtilisationSnapshot.objects.get(programme=programme)
    assert snapshot.job_id == job.pk
    assert snapshot.payload["totals"]["awarded"] == "700.00"


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_round_of_another_programme_is_a_clear_400(compiled, commissioner):
    elsewhere = RoundFactory(programme=ProgrammeFactory())
    for url, extra in ((URL, {}), (EXPORT, {"format": "csv"})):
        response = client_for(commissioner).get(
            url, {"programme": compiled.pk, "round": elsewhere.pk, **extra}
        )
        assert response.status_code == 400
        assert response.json()["rule"] == "utilisation.round_of_programme"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [{}, {"programme": "abc"}, {"programme": 0}, {"programme": 1, "round": "x"}],
)
def test_malformed_queries_are_400(compiled, commissioner, query):
    assert client_for(commissioner).get(URL, query).status_code == 400


@pytest.mark.django_db
def test_unknown_fields_in_a_compile_request_are_refused(compiled, commissioner):
    response = client_for(commissioner).post(
        URL, {"programme": compiled.pk, "round": 1}, format="json"
    )
    assert response.status_code == 400
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_an_unknown_programme_is_a_404(compiled, commissioner):
    client = client_for(commissioner)
    assert client.get(URL, {"programme": 2**31 - 1}).status_code == 404
    assert client.post(URL, {"programme": 2**31 - 1}, format="json").status_code == 404
    assert client.get(EXPORT, {"programme": 2**31 - 1, "format": "csv"}).status_code == 404


@pytest.mark.django_db
def test_not_yet_compiled_is_a_404(programme, commissioner):
    assert client_for(commissioner).get(URL, {"programme": programme.pk}).status_code == 404


# --- compiled when money moves ----------------------------------------------------------------


@pytest.mark.django_db
def test_an_award_and_a_payment_compile_again_after_commit(
    programme,
    first_round,
    organisation,
    applicant,
    commissioner,
    django_capture_on_commit_callbacks,
):
    application = ApplicationFactory(
        round=first_round, organisation=organisation, created_by=applicant, status="submitted"
    )
    with django_capture_on_commit_callbacks(execute=True):
        application_decide(
            application=application, by=commissioner, outcome="award", amount=Decimal("800.00")
        )
    first = UtilisationSnapshot.objects.get(programme=programme)
    assert first.payload["totals"]["awarded"] == "800.00"
    grant = grant_accept(grant=application.grant, by=applicant)
    with django_capture_on_commit_callbacks(execute=True):
        payment_record(
            grant=grant,
            by=commissioner,
            amount=Decimal("800.00"),
            paid_on=grant.awarded_at.date(),
            reference="BACS-1",
        )
    latest = UtilisationSnapshot.objects.filter(programme=programme).order_by("-version").first()
    assert (latest.version, latest.payload["totals"]["paid"]) == (2, "800.00")


@pytest.mark.django_db
def test_nothing_is_compiled_if_the_award_rolls_back(
    programme, first_round, organisation, applicant, commissioner
):
    application = ApplicationFactory(
        round=first_round, organisation=organisation, created_by=applicant, status="submitted"
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        application_decide(
            application=application, by=commissioner, outcome="award", amount=Decimal("800.00")
        )
        raise RuntimeError("the request failed after deciding")
    assert not Job.objects.filter(kind="fund_utilisation").exists()


@pytest.mark.django_db
def test_the_nightly_run_compiles_every_programme(
    programme, first_round, wards, django_capture_on_commit_callbacks
):
    from reporting.utilisation.tasks import compile_nightly

    other = ProgrammeFactory()
    a_grant(first_round, ward_codes=[wards[0].code], amount="700.00")
    with django_capture_on_commit_callbacks(execute=True):
        compile_nightly.apply().get()
    assert set(UtilisationSnapshot.objects.values_list("programme_id", flat=True)) == {
        programme.pk,
        other.pk,
    }


# --- queries ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("grants", [10, 100])
def test_reading_queries_do_not_grow_with_the_number_of_grants(
    programme, first_round, wards, applicant, grants, django_assert_num_queries
):
    for i in range(grants):
        a_grant(first_round, ward_codes=[wards[i % 3].code], amount="300.00")
    utilisation_compile(programme_id=programme.pk)
    client = client_for(applicant)
    # the programme (visible to the reader); the latest snapshot
    with django_assert_num_queries(2):
        response = client.get(URL, {"programme": programme.pk})
    assert response.json()["figures"]["totals"]["grants"] == grants
