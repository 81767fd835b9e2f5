"""Sending queued jobs to the broker: a transactional outbox.

Why an outbox, and not just Celery's retries: the broker may be down at the moment the
request that asked for a job commits. Celery can only retry a message it has managed to
publish (or retry publishing for a few seconds, holding the request up). So the job row
itself is the outbox: `job_request` writes it in the caller's transaction, in state
`queued` with no `dispatched_at`. After commit we try once to publish, with the bounded
connect and publish timeouts set in `config/settings.py` (so a request answers in about
two seconds at worst); if the broker is away we log it and answer anyway. Every minute
Celery beat runs `dispatch_pending_jobs`, which sends whatever is still undispatched,
sends again what was dispatched long ago but never started (a message lost with a Redis
restart), and puts back in the queue a job left `running` by a worker that was killed.

Sending twice is safe: `job_run` claims a job with a conditional update, so only one
delivery ever runs it.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from reporting.models import ACTIVE_STATES, Job, JobEvent, JobState

logger = logging.getLogger(__name__)


def job_dispatch(job_id: int, *, countdown: int | None = None) -> bool:
    """Publish the job to the broker; on failure leave it in the outbox for the dispatcher.

    Never raises: the request that asked for the job has already committed."""
    from reporting.tasks import run_job

    options = {"countdown": countdown} if countdown else {}
    try:
        run_job.apply_async(args=[job_id], **options)
    except Exception:
        logger.warning(
            "Could not send job %s to the broker; the dispatcher will send it later",
            job_id,
            exc_info=True,
        )
        return False
    # Marked after publishing: if the broker took it but this update is lost, the job is
    # sent again later, which the claim makes harmless. A worker may have claimed it
    # already; a job run in-process (no broker) has finished and is left as it is.
    Job.objects.filter(pk=job_id, state__in=ACTIVE_STATES).update(dispatched_at=timezone.now())
    return True


@dataclass(frozen=True)
class DispatchReport:
    requeued: int = 0
    gave_up: int = 0
    sent: int = 0
    unsent: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def _requeue_stalled(now) -> tuple[int, int]:
    """Jobs `running` past the hard time limit: their worker died. Queue them again."""
    cutoff = now - timedelta(seconds=settings.JOBS_STALE_AFTER)
    requeued = gave_up = 0
    stalled = Job.objects.filter(state=JobState.RUNNING, started_at__lt=cutoff).values_list(
        "pk", "attempts"
    )
    for job_id, attempts in stalled.order_by("pk"):
        give_up = attempts >= settings.JOBS_MAX_ATTEMPTS
        to_state = JobState.FAILED if give_up else JobState.QUEUED
        if give_up:
            comment = (
                f"The worker running it stopped, {attempts} times. Retry it once the cause "
                "is fixed (is it running out of time or memory?)."
            )
            fields = {"finished_at": now, "error": comment}
        else:
            comment = "The worker running it stopped before it finished; queued again."
            fields = {"dispatched_at": None, "run_after": now}
        with transaction.atomic():
            changed = Job.objects.filter(
                pk=job_id, state=JobState.RUNNING, started_at__lt=cutoff
            ).update(state=to_state, claim=None, **fields)
            if changed:
                JobEvent.objects.create(
                    job_id=job_id,
                    from_state=JobState.RUNNING,
                    to_state=to_state,
                    at=now,
                    comment=comment,
                )
        if changed and give_up:
            gave_up += 1
        elif changed:
            requeued += 1
    return requeued, gave_up


def jobs_dispatch_pending(*, limit: int = 500) -> DispatchReport:
    """What beat runs every minute: recover stalled jobs, then send what is waiting."""
    now = timezone.now()
    requeued, gave_up = _requeue_stalled(now)
    resend_before = now - timedelta(seconds=settings.JOBS_REDISPATCH_AFTER)
    waiting = (
        Job.objects.filter(state=JobState.QUEUED, run_after__lte=now)
        .filter(Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=resend_before))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    job_ids = list(waiting)
    sent = 0
    for job_id in job_ids:
        if not job_dispatch(job_id):
            # The broker is still away: stop here rather than wait out a timeout per job.
            break
        sent += 1
    unsent = len(job_ids) - sent
    report = DispatchReport(requeued=requeued, gave_up=gave_up, sent=sent, unsent=unsent)
    if any(report.as_dict().values()):
        logger.info("Dispatched pending jobs: %s", report.as_dict())
    return report
