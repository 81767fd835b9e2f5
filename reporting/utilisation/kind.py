"""The `fund_utilisation` job kind: params {"programme": id}."""

from __future__ import annotations

from typing import Any

from reporting.kinds import JobKind, ids_from, running_job_id


def _handler(params: dict[str, Any]) -> dict[str, Any]:
    from reporting.utilisation.services import utilisation_compile, utilisation_key

    (programme_id,) = ids_from(params, ("programme",), work="A fund utilisation compile")
    job_id = running_job_id(utilisation_key(programme_id))
    return utilisation_compile(programme_id=programme_id, job_id=job_id)


fund_utilisation = JobKind(
    name="fund_utilisation",
    title="a fund utilisation compile",
    handler=_handler,
    who="a commissioner of the programme's council",
)
