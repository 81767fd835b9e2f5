"""The contracts demo loader: the worked example, loaded twice without duplicates."""

import pytest

from alliance import demo, demo_contracts
from alliance.models import Allocation, Contract, Indicator, Place, Return, ReturnTransition

pytestmark = pytest.mark.django_db


def _counts():
    return [
        m.objects.count()
        for m in (Contract, Place, Allocation, Indicator, Return, ReturnTransition)
    ]


def test_the_demo_follows_the_worked_example_and_loads_twice_without_duplicates():
    demo.load()
    demo_contracts.load()
    first = _counts()
    demo_contracts.load()
    assert _counts() == first

    fta = Contract.objects.get(reference=demo_contracts.FTA_REFERENCE)
    assert (fta.starts_on.isoformat(), fta.initial_term_years, fta.extension_options) == (
        "2022-04-01",
        5,
        [2, 2],
    )
    assert fta.members.count() == 7
    assert fta.members.get(is_lead_partner=True).organisation.name == demo.PARTNERS[0][0]
    assert {y.allocated for y in fta.years.all()} == {fta.years.first().budget}
    aggregations = set(fta.indicators.values_list("current_version__aggregation", flat=True))
    assert aggregations == {"sum", "ratio", "latest"}
    assert fta.indicators.filter(current_version__ward_breakdown=True).exists()
    assert fta.indicators.get(code="SC1").current_version.direction == "lower"
    states = list(fta.returns.order_by("period__starts_on").values_list("status", flat=True))
    assert states == ["accepted"] * 5 + ["submitted", "changes_requested", "draft"]

    north = Contract.objects.get(reference=demo_contracts.NB_REFERENCE)
    assert north.place.parent == fta.place
    assert north.priorities.count() == 3
