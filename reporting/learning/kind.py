"""The `shared_learning` job kind: params {"contract": id, "period": id}."""

from __future__ import annotations

from typing import Any

from config.errors import RuleBroken
from reporting.kinds import JobKind


def _handler(params: dict[str, Any]) -> dict[str, Any]:
    from reporting.learning.services import learning_compile, learning_key
    from reporting.models import Job, JobState

    if set(params) != {"contract", "period"}:
        raise RuleBroken(
            "A shared learning compile takes a contract and a period, nothing else.",
            rule="jobs.known_params",
        )
    contract_id, period_id = int(params["contract"]), int(params["period"])
    # The job running this compile, recorded on the digest it makes.
    job_id = (
        Job.objects.filter(key=learning_key(contract_id, period_id), state=JobState.RUNNING)
        .values_list("pk", flat=True)
        .first()
    )
    return learning_compile(contract_id=contract_id, period_id=period_id, job_id=job_id)


shared_learning = JobKind(
    name="shared_learning",
    title="a shared learning digest compile",
    handler=_handler,
    who="a commissioner of the contract",
)
