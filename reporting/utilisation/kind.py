"""The `fund_utilisation` job kind: params {"programme": id}."""

from __future__ import annotations

from typing import Any

from config.errors import RuleBroken
from reporting.kinds import JobKind


def _handler(params: dict[str, Any]) -> dict[str, Any]:
    from reporting.models import Job, JobState
    from reporting.utilisation.services import utilisation_compile, utilisation_key

    if set(params) != {"programme"}:
        raise RuleBroken(
            "A fund utilisation compile takes a programme, nothing else.",
            rule="jobs.known_params",
        )
    programme_id = int(params["programme"])
    # The job running this compile, recorded on the snapshot it makes.
    job_id = (
        Job.objects.filter(key=utilisation_key(programme_id), state=JobState.RUNNING)
        .values_list("pk", flat=True)
        .first()
    )
    return utilisation_compile(programme_id=programme_id, job_id=job_id)


fund_utilisation = JobKind(
    name="fund_utilisation",
    title="a fund utilisation compile",
    handler=_handler,
    who="a commissioner of the programme's council",
)
