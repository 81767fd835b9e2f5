"""Fund utilisation compile: what counts as awarded and paid, how wards and legal forms
add up, and versioned snapshots."""

import io
from decimal import Decimal

import pytest

from reporting.utilisation.compile import NO_WARD, compile_utilisation
from reporting.utilisation.models import UtilisationSnapshot
from reporting.utilisation.services import utilisation_compile
from tests.concurrency import at_once
from tests.reporting.utilisation.conftest import a_grant, an_application


def _sum(rows, key):
    return sum(Decimal(r[key]) if isinstance(r[key], str) else r[key] for r in rows)


@pytest.fixture
def spread(first_round, second_round, wards):
    """Grants and applications over two rounds, three wards and three legal forms."""
    bidston, claughton, seacombe = (w.code for w in wards)
    a_grant(first_round, ward_codes=[bidston], amount="1000.00", paid=["750.00", "250.00"])
    a_grant(first_round, ward_codes=[bidston, claughton], amount="2500.00", paid=["1875.00"])
    a_grant(first_round, ward_codes=[seacombe], amount="400.00", legal_form="faith_group")
    a_grant(
        second_round, ward_codes=[claughton], amount="5000.00", legal_form="unincorporated_group"
    )
    an_application(first_round, ward_codes=[seacombe], status="declined")
    an_application(first_round, ward_codes=[bidston], status="withdrawn")
    an_application(second_round, ward_codes=[], status="submitted")
    an_application(second_round, ward_codes=[bidston], status="draft")  # never counts
    return wards


@pytest.mark.django_db
def test_awarded_counts_only_grants_that_stand_never_declined_or_withdrawn(programme, spread):
    totals = compile_utilisation(programme)["totals"]
    assert totals["awarded"] == "8900.00"
    assert totals["grants"] == 4
    # Received applications: the four awarded, the declined, the withdrawn, the waiting.
    assert totals["applications"] == 7


@pytest.mark.django_db
def test_paid_is_the_sum_of_payments_and_remaining_is_budget_less_awarded(
    programme, first_round, second_round, spread
):
    payload = compile_utilisation(programme)
    assert payload["totals"]["paid"] == "2875.00"
    assert payload["totals"]["budget"] == "50000.00"
    assert payload["totals"]["remaining"] == "41100.00"
    first, second = payload["rounds"]
    assert (first["id"], first["awarded"], first["paid"], first["remaining"]) == (
        first_round.pk,
        "3900.00",
        "2875.00",
        "26100.00",
    )
    assert (second["awarded"], second["paid"], second["remaining"]) == (
        "5000.00",
        "0.00",
        "10000.00",
    )


@pytest.mark.django_db
def test_wards_and_legal_forms_add_up_to_the_totals_in_every_round(programme, spread):
    payload = compile_utilisation(programme)
    for breakdown in ("by_ward", "by_legal_form"):
        rows = payload[breakdown]
        for key in ("applications", "grants", "awarded", "paid"):
            assert _sum(rows, key) == _sum([payload["totals"]], key), (breakdown, key)
            for k, round_ in enumerate(payload["rounds"]):
                in_round = [row["rounds"][k] for row in rows]
                assert _sum(in_round, key) == _sum([round_], key), (breakdown, key, k)


@pytest.mark.django_db
def test_a_grant_naming_several_wards_counts_once_under_its_primary_ward(programme, spread):
    bidston, claughton, seacombe = spread
    by_ward = {row["code"]: row for row in compile_utilisation(programme)["by_ward"]}
    assert by_ward[bidston.code]["awarded"] == "3500.00"  # 1,000 + the 2,500 listing it first
    assert by_ward[claughton.code]["awarded"] == "5000.00"
    assert by_ward[NO_WARD]["name"] == "No ward given"
    assert (by_ward[NO_WARD]["applications"], by_ward[NO_WARD]["grants"]) == (1, 0)
    assert list(by_ward)[-1] == NO_WARD  # named wards first, alphabetically


@pytest.mark.django_db
def test_legal_forms_are_named_as_people_read_them(programme, spread):
    forms = {row["code"]: row for row in compile_utilisation(programme)["by_legal_form"]}
    assert forms["faith_group"]["name"] == "Faith group"
    assert forms["registered_charity"]["grants"] == 2
    assert forms["unincorporated_group"]["awarded"] == "5000.00"


@pytest.mark.django_db
def test_a_programme_with_no_applications_compiles_to_zeros(programme, first_round):
    payload = compile_utilisation(programme)
    assert payload["totals"] == {
        "budget": "50000.00",
        "applications": 0,
        "grants": 0,
        "awarded": "0.00",
        "paid": "0.00",
        "remaining": "50000.00",
    }
    assert payload["by_ward"] == [] and payload["by_legal_form"] == []


@pytest.mark.django_db
def test_unchanged_inputs_give_the_same_hash_and_no_new_version(programme, spread, first_round):
    first = utilisation_compile(programme_id=programme.pk)
    again = utilisation_compile(programme_id=programme.pk)
    assert again == {**first, "new_version": False}
    assert UtilisationSnapshot.objects.count() == 1
    a_grant(first_round, ward_codes=[spread[0].code], amount="300.00")
    changed = utilisation_compile(programme_id=programme.pk)
    assert (changed["version"], changed["new_version"]) == (2, True)
    assert changed["content_hash"] != first["content_hash"]


@pytest.mark.django_db
@pytest.mark.parametrize("grants", [10, 100])
def test_compile_queries_do_not_grow_with_the_number_of_grants(
    programme, first_round, second_round, wards, grants, django_assert_num_queries
):
    for i in range(grants):
        a_grant(
            (first_round, second_round)[i % 2],
            ward_codes=[wards[i % 3].code],
            amount="500.00",
            paid=["100.00"],
            legal_form=("cic", "cio")[i % 2],
        )
    programme.funder  # loaded by the service with select_related  # noqa: B018
    # rounds; applications by round, ward and form; grants by the same; payments by the
    # same; ward names.
    with django_assert_num_queries(5):
        payload = compile_utilisation(programme)
    assert payload["totals"]["grants"] == grants


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_compiles_store_one_version(programme, spread):
    assert at_once(lambda: utilisation_compile(programme_id=programme.pk)) == []
    assert UtilisationSnapshot.objects.count() == 1


@pytest.mark.django_db
def test_the_demo_compiles_its_programmes_once(settings):
    from django.core.management import call_command

    from grants.models import Programme

    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    programmes = Programme.objects.count()
    assert programmes >= 1
    assert UtilisationSnapshot.objects.count() == programmes
    snapshot = UtilisationSnapshot.objects.order_by("pk").first()
    totals = snapshot.payload["totals"]
    assert Decimal(totals["awarded"]) > 0
    assert Decimal(totals["remaining"]) == Decimal(totals["budget"]) - Decimal(totals["awarded"])
    call_command("load_demo", stdout=io.StringIO())
    assert UtilisationSnapshot.objects.count() == programmes  # nothing changed: no version
