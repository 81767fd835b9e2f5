"""The `shared_learning` job kind: params {"contract": id, "period": id}."""

from __future__ import annotations

from typing import Any

from reporting.kinds import JobKind, ids_from, running_job_id


def _handler(params: dict[str, Any]) -> dict[str, Any]:
    from reporting.learning.services import learning_compile, learning_key

    contract_id, period_id = ids_from(
        params, ("contract", "period"), work="A shared learning compile"
    )
    job_id = running_job_id(learning_key(contract_id, period_id))
    return learning_compile(contract_id=contract_id, period_id=period_id, job_id=job_id)


shared_learning = JobKind(
    name="shared_learning",
    title="a shared learning digest compile",
    handler=_handler,
    who="a commissioner of the contract",
)
