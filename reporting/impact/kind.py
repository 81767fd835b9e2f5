"""The `collective_impact` job kind: params {"contract": id, "period": id}."""

from __future__ import annotations

from typing import Any

from reporting.kinds import JobKind, ids_from, running_job_id


def _handler(params: dict[str, Any]) -> dict[str, Any]:
    from reporting.impact.services import impact_compile, impact_key

    contract_id, period_id = ids_from(
        params, ("contract", "period"), work="A collective impact compile"
    )
    job_id = running_job_id(impact_key(contract_id, period_id))
    return impact_compile(contract_id=contract_id, period_id=period_id, job_id=job_id)


collective_impact = JobKind(
    name="collective_impact",
    title="a collective impact compile",
    handler=_handler,
    who="a commissioner of the contract",
)
