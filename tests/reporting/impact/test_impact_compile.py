"""Collective impact (DESIGN §3 rules 8 and 9): each indicator combines by its own rule,
and only accepted returns count. Run on PostgreSQL in `make test`."""

from decimal import Decimal

import pytest

from alliance.models import IndicatorVersion
from reporting.impact.compile import compile_impact, content_hash
from reporting.impact.models import ImpactSnapshot
from reporting.impact.services import impact_compile
from tests.alliance.factories import WardFactory
from tests.reporting.impact.setup import a_return, periods

pytestmark = pytest.mark.django_db


def _indicator(payload, code):
    return next(i for i in payload["indicators"] if i["code"] == code)


def test_ratios_combine_as_the_sum_of_numerators_over_the_sum_of_denominators(
    contract, framework, period, organisation, other_organisation, lead
):
    # 1 of 1 (100%) and 10 of 100 (10%): averaging percentages would say 55%.
    a_return(period, organisation, lead, {framework["FC1"]: ("1", "1")})
    a_return(period, other_organisation, lead, {framework["FC1"]: ("10", "100")})
    fc1 = _indicator(compile_impact(contract, period, "period"), "FC1")
    assert (fc1["numerator"], fc1["denominator"]) == (11, 101)
    assert fc1["value"] == "10.90"  # 11 / 101 = 10.9%, not 55%
    partners = {p["name"]: p for p in fc1["partners"]}
    assert partners[organisation.name]["value"] == 100
    assert partners[other_organisation.name]["value"] == 10


def test_ratios_to_date_sum_numerators_and_denominators_over_quarters(
    contract, framework, organisation, lead
):
    q1, q2 = periods(contract, 2)
    a_return(q1, organisation, lead, {framework["FC1"]: ("9", "10")})  # 90%
    a_return(q2, organisation, lead, {framework["FC1"]: ("10", "90")})  # 11.1%
    fc1 = _indicator(compile_impact(contract, q2, "to_date"), "FC1")
    assert (fc1["numerator"], fc1["denominator"]) == (19, 100)
    assert fc1["value"] == 19  # 19%, where the mean of the quarters would be 50.6%


def test_latest_adds_partners_but_never_sums_across_quarters(
    contract, framework, organisation, other_organisation, lead
):
    q1, q2 = periods(contract, 2)
    dt1 = framework["DT1"]
    a_return(q1, organisation, lead, {dt1: "300"})
    a_return(q1, other_organisation, lead, {dt1: "200"})
    a_return(q2, organisation, lead, {dt1: "310"})
    a_return(q2, other_organisation, lead, {dt1: "190"})
    figure = _indicator(compile_impact(contract, q2, "to_date"), "DT1")
    assert figure["value"] == 500  # the latest quarter's 310 + 190, never 1000
    assert figure["previous"] == 500  # to date at the end of Q1: 300 + 200
    assert [p["value"] for p in figure["partners"]] == [310, 190]


def test_sum_indicators_add_partners_and_quarters(
    contract, framework, organisation, other_organisation, lead
):
    q1, q2 = periods(contract, 2)
    fe1 = framework["FE1"]
    a_return(q1, organisation, lead, {fe1: "12"})
    a_return(q2, organisation, lead, {fe1: "20"})
    a_return(q2, other_organisation, lead, {fe1: "8"})
    alone = _indicator(compile_impact(contract, q2, "period"), "FE1")
    to_date = _indicator(compile_impact(contract, q2, "to_date"), "FE1")
    assert (alone["value"], alone["previous"], alone["change_on_previous"]) == (28, 12, 16)
    assert (to_date["value"], to_date["previous"]) == (40, 12)
    assert to_date["change_on_baseline"] == 40 - 400


def test_only_accepted_returns_count_and_the_rest_are_named(
    contract, framework, period, organisation, other_organisation, lead
):
    used = a_return(period, organisation, lead, {framework["FE1"]: "12"})
    a_return(period, other_organisation, lead, {framework["FE1"]: "500"}, status="submitted")
    payload = compile_impact(contract, period, "period")
    assert _indicator(payload, "FE1")["value"] == 12
    assert payload["returns_used"] == [{"return_id": used.pk, "name": organisation.name}]
    assert payload["returns_missing"] == [
        {
            "organisation_id": other_organisation.pk,
            "name": other_organisation.name,
            "status": "submitted",
        }
    ]


def test_a_partner_without_a_return_is_named_as_missing(contract, framework, period):
    payload = compile_impact(contract, period, "period")
    assert {m["status"] for m in payload["returns_missing"]} == {"not_started"}
    assert len(payload["returns_missing"]) == 2
    assert _indicator(payload, "FE1")["status"] == "no_data"


def test_ward_breakdown_is_summed_by_partner_and_ward(
    contract, framework, period, organisation, other_organisation, lead, ward
):
    other_ward = WardFactory(name="Tranmere")
    fe1 = framework["FE1"]
    a_return(period, organisation, lead, {fe1: ("12", {ward: "7", other_ward: "5"})})
    a_return(period, other_organisation, lead, {fe1: ("9", {ward: "9"})})
    wards = _indicator(compile_impact(contract, period, "period"), "FE1")["wards"]
    assert [w["name"] for w in wards["wards"]] == ["Rock Ferry", "Tranmere"]
    assert [p["name"] for p in wards["partners"]] == sorted(
        [organisation.name, other_organisation.name]
    )
    cells = dict(zip([p["name"] for p in wards["partners"]], wards["cells"], strict=True))
    assert cells[organisation.name] == [7, 5]
    assert cells[other_organisation.name] == [9, 0]


def test_progress_and_status_respect_the_target_and_the_elapsed_year(
    contract, framework, organisation, lead
):
    q1, q2 = periods(contract, 2)
    fe1 = framework["FE1"]  # target 450 for year 1, higher is better
    a_return(q1, organisation, lead, {fe1: "100"})
    q1_figure = _indicator(compile_impact(contract, q1, "period"), "FE1")
    assert q1_figure["target"] == 450
    assert q1_figure["progress_to_target"] == "22.20"  # 100 / 450
    assert q1_figure["status"] == "behind"  # a quarter in, 112.5 was due
    a_return(q2, organisation, lead, {fe1: "300"})
    q2_figure = _indicator(compile_impact(contract, q2, "period"), "FE1")
    assert q2_figure["year_to_date"] == 400
    assert q2_figure["status"] == "on_track"  # half way, 225 was due


def test_lower_is_better_turns_the_status_round(contract, framework, organisation, lead):
    q1 = periods(contract, 1)[0]
    fe1 = framework["FE1"]
    IndicatorVersion.objects.filter(pk=fe1.current_version_id).update(direction="lower")
    a_return(q1, organisation, lead, {fe1: "100"})
    figure = _indicator(compile_impact(contract, q1, "period"), "FE1")
    assert figure["status"] == "on_track"  # 100 is within a quarter of 450
    IndicatorVersion.objects.filter(pk=fe1.current_version_id).update(baseline=Decimal("600"))
    figure = _indicator(compile_impact(contract, q1, "period"), "FE1")
    assert figure["progress_to_target"] == "333.30"  # (600 - 100) / (600 - 450)


def test_unchanged_inputs_give_the_same_hash_and_no_new_version(
    contract, framework, period, organisation, lead
):
    record = a_return(period, organisation, lead, {framework["FE1"]: "12"})
    first = impact_compile(contract_id=contract.pk, period_id=period.pk)
    again = impact_compile(contract_id=contract.pk, period_id=period.pk)
    assert again["period"]["content_hash"] == first["period"]["content_hash"]
    assert again["period"]["new_version"] is False
    assert ImpactSnapshot.objects.count() == 2  # one per scope
    record.figures.update(value=Decimal("13"))
    changed = impact_compile(contract_id=contract.pk, period_id=period.pk)
    assert changed["period"]["version"] == 2
    assert changed["period"]["content_hash"] != first["period"]["content_hash"]
    assert ImpactSnapshot.objects.count() == 4


def test_going_back_to_earlier_figures_is_a_new_version_not_a_stale_one(
    contract, framework, period, organisation, lead
):
    record = a_return(period, organisation, lead, {framework["FE1"]: "12"})
    impact_compile(contract_id=contract.pk, period_id=period.pk)
    record.figures.update(value=Decimal("13"))
    impact_compile(contract_id=contract.pk, period_id=period.pk)
    record.figures.update(value=Decimal("12"))
    latest = impact_compile(contract_id=contract.pk, period_id=period.pk)["period"]
    assert latest["version"] == 3
    snapshot = ImpactSnapshot.objects.get(pk=latest["snapshot"])
    assert _indicator(snapshot.payload, "FE1")["value"] == 12


def test_a_period_of_another_contract_is_refused(
    contract, framework, period, commissioner, council, organisation
):
    from config.errors import RuleBroken
    from tests.alliance.factories import build_contract

    other = build_contract(commissioner=commissioner, council=council, partners=[organisation])
    with pytest.raises(RuleBroken, match="not one of this contract's reporting periods"):
        compile_impact(other, period, "period")


def test_the_stored_payload_is_the_compiled_one_and_its_hash_that_of_its_canonical_json(
    contract, framework, period, organisation, lead, ward
):
    a_return(period, organisation, lead, {framework["FE1"]: ("12", {ward: "12"})})
    impact_compile(contract_id=contract.pk, period_id=period.pk)
    for scope in ("period", "to_date"):
        stored = ImpactSnapshot.objects.get(contract=contract, period=period, scope=scope)
        assert stored.payload == compile_impact(contract, period, scope)
        assert stored.content_hash == content_hash(stored.payload)
