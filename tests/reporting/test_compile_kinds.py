"""A compile job takes exactly the ids it names: anything else fails the job with a reason
instead of compiling the wrong thing."""

import pytest

from config.errors import RuleBroken
from reporting import kinds


@pytest.mark.parametrize(
    ("kind", "params", "says"),
    [
        ("collective_impact", {"contract": 1}, "takes a contract and a period"),
        ("shared_learning", {"contract": 1, "period": 2, "format": "pdf"}, "nothing else"),
        ("fund_utilisation", {"round": 3}, "takes a programme"),
    ],
)
def test_a_compile_job_refuses_params_it_does_not_name(kind, params, says):
    with pytest.raises(RuleBroken) as refused:
        kinds.get(kind).handler(params)
    assert refused.value.rule == "jobs.known_params"
    assert says in refused.value.message
