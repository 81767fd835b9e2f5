"""Asking for a job, running it, and retrying one that failed.

A job moves `queued -> running -> succeeded | failed`; a failed job goes back to `queued`
when a commissioner retries it, and a running job whose worker died goes back to
`queued` through the dispatcher (`reporting/services/dispatch.py`). Each move is a
conditional update or a locked row, with a `JobEvent` written in the same transaction.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import (
    IntegrityError,
    OperationalError,
    close_old_connections,
    connection,
    transaction,
)
from django.db.models import F
from django.utils import timezone

from alliance import access
from config.errors import Conflict, DomainError, NotAllowed, RuleBroken
from reporting import kinds
from reporting.kinds import JobOutcome, TransientJobError
from reporting.models import ACTIVE_STATES, Job, JobEvent, JobRequest, JobState

logger = logging.getLogger(__name__)

# Failures worth trying again by themselves: a handler saying so, or the database
# briefly unreachable. Anything else is a fault a person should look at before a retry.
TRANSIENT_ERRORS = (TransientJobError, OperationalError)
_ERROR_LIMIT = 2000


def _check_key(kind: str, key: str) -> None:
    if not key or len(key) > 200:
        raise RuleBroken(
            "A job's key must name the work in 1 to 200 characters.",
            rule="jobs.key_names_work",
            fields={"key": ["Give a key of 1 to 200 characters."]},
        )
    if key != kind and not key.startswith(f"{kind}:"):
        # Keys are namespaced by kind, so two kinds can never share (and block) a key.
        raise RuleBroken(
            f"A key for a '{kind}' job must start with '{kind}:'.",
            rule="jobs.key_names_work",
            fields={"key": [f"Start the key with '{kind}:'."]},
        )


def job_request(*, kind: str, key: str, params: dict[str, Any] | None = None, by=None) -> Job:
    """Queue a job, or return the one already queued or running for the same key.

    The job row is written in the caller's transaction (it is the outbox); it is sent to
    the broker only after that transaction commits. `by` is None when the system asks
    (a schedule or an event); a person must be allowed to ask for that kind."""
    from reporting.services.dispatch import job_dispatch

    job_kind = kinds.get(kind)
    if by is not None and not job_kind.may_request(by):
        raise NotAllowed(
            f"You cannot ask for {job_kind.title}: only {job_kind.who} can.",
            rule="jobs.who_may_request",
        )
    _check_key(kind, key)
    params = dict(params or {})
    with transaction.atomic():
        job = Job.objects.filter(key=key, state__in=ACTIVE_STATES).first()
        if job is None:
            try:
                with transaction.atomic():
                    job = Job.objects.create(kind=kind, key=key, params=params, requested_by=by)
                    JobEvent.objects.create(
                        job=job,
                        from_state="",
                        to_state=JobState.QUEUED,
                        actor=by,
                        at=job.created_at,
                    )
            except IntegrityError:
                # Someone asked for the same work at the same moment and committed first.
                job = Job.objects.get(key=key, state__in=ACTIVE_STATES)
            else:
                queued = job
                transaction.on_commit(lambda: job_dispatch(queued.pk))
        if by is not None:
            # Whoever asked may follow the job, even one somebody else asked for first.
            JobRequest.objects.get_or_create(job=job, user=by)
    return job


def _record(job_id: int, *, from_state: str, to_state: str, at, actor=None, comment="") -> None:
    JobEvent.objects.create(
        job_id=job_id, from_state=from_state, to_state=to_state, actor=actor, at=at, comment=comment
    )


def _claim(job_id: int) -> uuid.UUID | None:
    """Exactly one caller wins: the update only matches while the job is still queued."""
    claim = uuid.uuid4()
    now = timezone.now()
    with transaction.atomic():
        claimed = Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
            state=JobState.RUNNING,
            claim=claim,
            started_at=now,
            finished_at=None,
            attempts=F("attempts") + 1,
        )
        if claimed != 1:
            return None
        _record(job_id, from_state=JobState.QUEUED, to_state=JobState.RUNNING, at=now)
    return claim


def _person_readable(exc: Exception) -> str:
    if isinstance(exc, DomainError):
        text = exc.message
    elif isinstance(exc, SoftTimeLimitExceeded):
        text = (
            f"It ran out of time: a job may run for {settings.CELERY_TASK_SOFT_TIME_LIMIT} "
            "seconds. Retry it when the system is less busy, or report it if it happens again."
        )
    else:
        text = f"The job stopped with an unexpected error ({exc.__class__.__name__}: {exc})."
    return text[:_ERROR_LIMIT]


def _backoff(attempts: int) -> timedelta:
    seconds = settings.JOBS_RETRY_BACKOFF * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, 3600))


def job_run(job_id: int) -> Job | None:
    """Claim the job and run its kind's handler; record how it ended.

    Returns None when the job was not queued: a duplicate delivery, or a job that has
    already run. That is harmless by design, so the broker may deliver twice."""
    claim = _claim(job_id)
    if claim is None:
        logger.info("Job %s is not queued (claimed or finished already): nothing to do", job_id)
        return None
    job = Job.objects.get(pk=job_id)
    try:
        outcome = kinds.get(job.kind).handler(job.params)
        if isinstance(outcome, dict):
            outcome = JobOutcome(result=outcome)
    except TRANSIENT_ERRORS as exc:
        logger.warning("Job %s hit a transient error: %s", job_id, exc)
        if isinstance(exc, OperationalError) and not connection.in_atomic_block:
            # A connection broken by a database restart is replaced before the outcome is
            # written; if that fails too, the dispatcher finds the job stalled and requeues it.
            close_old_connections()
        _finish_transient(job, claim, exc)
    except Exception as exc:
        logger.exception("Job %s failed", job_id)
        _finish(job, claim, to_state=JobState.FAILED, error=_person_readable(exc))
    else:
        _finish_succeeded(job, claim, outcome)
    job.refresh_from_db()
    return job


def _finish(job: Job, claim, *, to_state: str, error: str = "", **fields) -> bool:
    now = timezone.now()
    with transaction.atomic():
        done = Job.objects.filter(pk=job.pk, state=JobState.RUNNING, claim=claim).update(
            state=to_state, finished_at=now, error=error, **fields
        )
        if done:
            _record(job.pk, from_state=JobState.RUNNING, to_state=to_state, at=now, comment=error)
    if not done:
        logger.warning(
            "Job %s was taken over by another run; this run's outcome is dropped", job.pk
        )
    return bool(done)


def _finish_succeeded(job: Job, claim, outcome: JobOutcome) -> None:
    stored = ""
    if outcome.file is not None:
        # Written before the row is updated, so a succeeded job always has its file.
        stored = default_storage.save(
            f"jobs/{job.pk}/{outcome.file.name}", ContentFile(outcome.file.content)
        )
    finished = _finish(job, claim, to_state=JobState.SUCCEEDED, result=outcome.result, file=stored)
    if stored and not finished:
        default_storage.delete(stored)


def _finish_transient(job: Job, claim, exc: Exception) -> None:
    from reporting.services.dispatch import job_dispatch

    attempts = Job.objects.values_list("attempts", flat=True).get(pk=job.pk)
    if attempts >= settings.JOBS_MAX_ATTEMPTS:
        _finish(
            job,
            claim,
            to_state=JobState.FAILED,
            error=f"Gave up after {attempts} attempts. {_person_readable(exc)}"[:_ERROR_LIMIT],
        )
        return
    now = timezone.now()
    delay = _backoff(attempts)
    with transaction.atomic():
        requeued = Job.objects.filter(pk=job.pk, state=JobState.RUNNING, claim=claim).update(
            state=JobState.QUEUED,
            claim=None,
            dispatched_at=None,
            run_after=now + delay,
            error=_person_readable(exc),
        )
        if requeued:
            _record(
                job.pk,
                from_state=JobState.RUNNING,
                to_state=JobState.QUEUED,
                at=now,
                comment=f"Will try again in {int(delay.total_seconds())} seconds: {exc}",
            )
            transaction.on_commit(
                lambda: job_dispatch(job.pk, countdown=int(delay.total_seconds()))
            )


def job_retry(*, job: Job, by) -> Job:
    """Queue a failed job again (commissioners). Retrying one already queued is harmless."""
    from reporting.services.dispatch import job_dispatch

    if not access.is_commissioner(by):
        raise NotAllowed("Only a commissioner can retry a job.", rule="jobs.retry_by_commissioner")
    now = timezone.now()
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        if locked.state in ACTIVE_STATES:
            return locked
        if locked.state == JobState.SUCCEEDED:
            raise Conflict(
                "This job has already succeeded, so there is nothing to retry. Ask for the "
                "work again to get a fresh result.",
                rule="jobs.retry_failed_only",
            )
        other = Job.objects.filter(key=locked.key, state__in=ACTIVE_STATES).first()
        if other is not None:
            raise Conflict(
                f"The same work is already queued or running as job {other.pk}; follow that "
                "one instead.",
                rule="jobs.one_active_per_key",
            )
        previous_error = locked.error
        locked.state = JobState.QUEUED
        locked.claim = None
        locked.dispatched_at = None
        locked.run_after = now
        locked.finished_at = None
        locked.error = ""
        try:
            with transaction.atomic():
                locked.save(
                    update_fields=[
                        "state",
                        "claim",
                        "dispatched_at",
                        "run_after",
                        "finished_at",
                        "error",
                    ]
                )
        except IntegrityError:
            raise Conflict(
                "The same work was queued again a moment ago; follow that job instead.",
                rule="jobs.one_active_per_key",
            ) from None
        _record(
            locked.pk,
            from_state=JobState.FAILED,
            to_state=JobState.QUEUED,
            at=now,
            actor=by,
            comment=f"Retried. It had failed with: {previous_error}"[:_ERROR_LIMIT],
        )
        transaction.on_commit(lambda: job_dispatch(locked.pk))
    return locked
