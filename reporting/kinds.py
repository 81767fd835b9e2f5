"""The registry of job kinds: a kind's name, the handler that does the work, and who may
ask for it and download what it produces.

Kinds are registered in `ReportingConfig.ready`, so one place lists every kind of job.
A handler takes the job's params (JSON) and returns a `JobOutcome` (or a plain dict for
the result). It must be safe to run again with the same params: a job whose worker was
killed is run again, and only the claim guarantees that two runs never overlap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from alliance import access
from config.errors import RuleBroken


class TransientJobError(Exception):
    """Raised by a handler for a failure worth retrying later (a service briefly away)."""


@dataclass(frozen=True)
class JobFile:
    name: str
    content: bytes
    content_type: str = "application/octet-stream"


@dataclass(frozen=True)
class JobOutcome:
    result: dict[str, Any] = field(default_factory=dict)
    file: JobFile | None = None


def ids_from(params: dict[str, Any], names: tuple[str, ...], *, work: str) -> list[int]:
    """The ids a compile's params must hold, exactly these and nothing else."""
    if set(params) != set(names):
        raise RuleBroken(
            f"{work} takes {' and '.join(f'a {name}' for name in names)}, nothing else.",
            rule="jobs.known_params",
        )
    return [int(params[name]) for name in names]


def running_job_id(key: str) -> int | None:
    """The job now running under `key`, for the snapshot it makes to record."""
    from reporting.models import Job, JobState

    return Job.objects.filter(key=key, state=JobState.RUNNING).values_list("pk", flat=True).first()


def commissioners_only(user) -> bool:
    return access.is_commissioner(user)


@dataclass(frozen=True)
class JobKind:
    name: str
    title: str
    handler: Callable[[dict[str, Any]], JobOutcome | dict[str, Any]]
    # Who may ask for it through the API; the system (schedules, events) always may.
    may_request: Callable[[Any], bool] = commissioners_only
    # Who may download its file, checked on top of seeing the job.
    may_download: Callable[[Any], bool] = commissioners_only
    # Said to someone refused: "only <who> can".
    who: str = "a commissioner"


_kinds: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    existing = _kinds.get(kind.name)
    if existing is not None and existing.handler is not kind.handler:
        raise ValueError(f"A different job kind is already registered as {kind.name!r}.")
    _kinds[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    _kinds.pop(name, None)


def get(name: str) -> JobKind:
    try:
        return _kinds[name]
    except KeyError:
        raise RuleBroken(
            f"There is no kind of job called '{name}'.",
            rule="jobs.known_kind",
            fields={"kind": [f"Choose one of: {', '.join(sorted(_kinds)) or 'none'}."]},
        ) from None


def registered() -> list[JobKind]:
    return [_kinds[name] for name in sorted(_kinds)]
