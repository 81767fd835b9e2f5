"""The outcome framework (rule 8): indicator types, versions that never rewrite returns."""

from decimal import Decimal

import pytest

from alliance.models import Indicator, IndicatorVersion
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

INDICATORS = "/api/v1/indicators/"


def test_indicators_carry_their_aggregation_direction_baseline_and_targets(framework, lead):
    response = client_for(lead).get(INDICATORS, {"aggregation": "sum"})
    assert response.status_code == 200
    (fe1,) = response.json()["results"]
    assert (fe1["code"], fe1["direction"], fe1["baseline"]) == ("FE1", "higher", "400.00")
    assert fe1["targets"] == [{"year": 1, "value": "450.00"}]
    assert fe1["ward_breakdown"] is True
    ratio = client_for(lead).get(INDICATORS, {"aggregation": "ratio"}).json()["results"][0]
    assert ratio["numerator_label"] == "coached people who felt empowered"


def test_a_ratio_needs_its_labels_and_cannot_be_split_by_ward(contract, commissioner):
    body = {
        "contract": contract.pk,
        "code": "FC2",
        "name": "Felt inspired",
        "definition": "Share of coached people who felt inspired.",
        "unit": "%",
        "aggregation": "ratio",
        "ward_breakdown": True,
    }
    response = client_for(commissioner).post(INDICATORS, body, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {
        "numerator_label",
        "denominator_label",
        "ward_breakdown",
    }
    assert not Indicator.objects.filter(code="FC2").exists()


def test_a_lower_is_better_indicator_is_added_by_a_commissioner(contract, commissioner, lead):
    body = {
        "contract": contract.pk,
        "code": "SC1",
        "name": "Referrals to children's social care",
        "definition": "Referrals made by the partner to children's social care.",
        "unit": "referrals",
        "aggregation": "sum",
        "direction": "lower",
        "targets": [{"year": 1, "value": "70"}],
    }
    assert client_for(lead).post(INDICATORS, body, format="json").status_code == 403
    response = client_for(commissioner).post(INDICATORS, body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["direction"] == "lower"
    assert response.json()["version"] == 1


def test_revising_an_indicator_never_rewrites_a_submitted_return(
    framework, draft, lead, commissioner
):
    from alliance.services.returns import return_update

    return_update(
        return_=draft, by=lead, data={"figures": [{"indicator": "DT1", "value": Decimal("5")}]}
    )
    indicator = framework["DT1"]
    response = client_for(commissioner).patch(
        f"{INDICATORS}{indicator.pk}/",
        {"name": "Unique users of the digital tool", "targets": [{"year": 1, "value": "3000"}]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == 2
    assert response.json()["name"] == "Unique users of the digital tool"
    figure = draft.figures.get(indicator_version__indicator=indicator)
    assert figure.indicator_version.version == 1
    assert figure.indicator_version.name == "Digital tool users"
    assert IndicatorVersion.objects.filter(indicator=indicator).count() == 2
