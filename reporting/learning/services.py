"""Compiling the shared learning digest, keeping it as versioned snapshots, and e-mailing
each new version to the Alliance.

A new version is stored only when the content changed: the content hash of the new
payload is compared with the latest version's on the locked reporting period, so two
compiles at once (a duplicate delivery, a rerun after a worker was killed) store at most
one version between them, and only a new version is e-mailed, after it commits.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from alliance.models import Contract, ContractStatus, ReportingPeriod
from reporting.learning import notifications
from reporting.learning.compile import compile_learning, content_hash
from reporting.learning.models import LearningDigest
from reporting.learning.render import render_html, render_markdown
from reporting.scope import check_period
from reporting.services.jobs import job_request

KIND = "shared_learning"


def learning_key(contract_id: int, period_id: int) -> str:
    return f"{KIND}:contract={contract_id}:period={period_id}"


def _worth_sending(digest: LearningDigest) -> bool:
    # An empty digest is kept (the API shows it) but not sent: it would tell nobody anything.
    return digest.emailed_at is None and digest.payload["entry_count"] > 0


def digest_store(
    *, contract: Contract, period: ReportingPeriod, payload: dict, job_id=None, notify=True
) -> tuple[LearningDigest, bool]:
    """Store `payload` as the next version, unless it equals the latest. (digest, new?)

    With `notify`, a version not yet e-mailed is e-mailed once this commits: a new one, or
    the latest whose e-mail failed before (its `emailed_at` was cleared again)."""
    digest_hash = content_hash(payload)
    with transaction.atomic():
        # The period's row is the lock: versions of one period are written one at a time.
        ReportingPeriod.objects.select_for_update().only("pk").get(pk=period.pk)
        latest = (
            LearningDigest.objects.filter(contract=contract, period=period)
            .order_by("-version")
            .first()
        )
        if latest is not None and latest.content_hash == digest_hash:
            digest, new = latest, False
        else:
            digest = LearningDigest.objects.create(
                contract=contract,
                period=period,
                version=(latest.version + 1) if latest else 1,
                content_hash=digest_hash,
                payload=payload,
                html=render_html(payload),
                markdown=render_markdown(payload),
                job_id=job_id,
                created_at=timezone.now(),
            )
            new = True
        if notify and _worth_sending(digest):
            transaction.on_commit(partial(notifications.digest_email, digest.pk))
    return digest, new


def learning_compile(
    *, contract_id: int, period_id: int, job_id=None, notify=True
) -> dict[str, Any]:
    """Compile the period's shared learning; store it if it changed; e-mail a new version."""
    period = ReportingPeriod.objects.select_related("contract").get(
        pk=period_id, contract_id=contract_id
    )
    payload = compile_learning(period)
    digest, new = digest_store(
        contract=period.contract, period=period, payload=payload, job_id=job_id, notify=notify
    )
    return {
        "digest": digest.pk,
        "version": digest.version,
        "content_hash": digest.content_hash,
        "new_version": new,
        "entries": digest.payload["entry_count"],
    }


def learning_request(*, contract: Contract, period: ReportingPeriod, by=None):
    """Queue a compile of `period`'s shared learning; one job per key."""
    if by is not None:
        from alliance.services.guards import require_commissioner_of

        require_commissioner_of(
            contract.pk,
            by,
            doing="compile the shared learning digest",
            rule="learning.who_may_compile",
        )
    check_period(contract, period)
    return job_request(
        kind=KIND,
        key=learning_key(contract.pk, period.pk),
        params={"contract": contract.pk, "period": period.pk},
        by=by,
    )


def latest_ended_period(contract: Contract, today) -> ReportingPeriod | None:
    """The most recent period that has ended: its returns are coming in and being accepted
    (a period still running has nothing accepted yet)."""
    return (
        ReportingPeriod.objects.filter(contract=contract, ends_on__lt=today)
        .order_by("-ends_on")
        .first()
    )


def learning_nightly(today=None) -> list[int]:
    """Each active contract's most recent ended period, compiled again. Returns accepted
    during the day change it, so the Alliance hears at most once a day about a period."""
    today = today or timezone.localdate()
    jobs = []
    for contract in Contract.objects.filter(status=ContractStatus.ACTIVE).order_by("pk"):
        period = latest_ended_period(contract, today)
        if period is not None:
            jobs.append(learning_request(contract=contract, period=period).pk)
    return jobs
