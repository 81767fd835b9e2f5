"""The `collective_impact` job kind: params {"contract": id, "period": id}."""

from __future__ import annotations

from typing import Any

from config.errors import RuleBroken
from reporting.kinds import JobKind


def _handler(params: dict[str, Any]) -> dict[str, Any]:
    from reporting.impact.services import impact_compile, impact_key
    from reporting.models import Job, JobState

    if set(params) != {"contract", "period"}:
        raise RuleBroken(
            "A collective impact compile takes a contract and a period, nothing else.",
            rule="jobs.known_params",
        )
    contract_id, period_id = int(params["contract"]), int(params["period"])
    # The job running this compile, recorded on the snapshot it makes.
    job_id = (
        Job.objects.filter(key=impact_key(contract_id, period_id), state=JobState.RUNNING)
        .values_list("pk", flat=True)
        .first()
    )
    return impact_compile(contract_id=contract_id, period_id=period_id, job_id=job_id)


collective_impact = JobKind(
    name="collective_impact",
    title="a collective impact compile",
    handler=_handler,
    who="a commissioner of the contract",
)
