"""Compiling collective impact and keeping it as versioned snapshots.

A new version is stored only when the figures changed: the content hash of the new
payload is compared with the latest version's, on the locked reporting period, so two
compiles at once (a duplicate delivery, a rerun after a worker was killed) store at most
one version between them.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction
from django.db.models import JSONField, Value
from django.db.models.functions import Cast
from django.utils import timezone

from alliance.models import Contract, ContractStatus, ReportingPeriod
from reporting.impact.compile import canonical_json, compile_impact
from reporting.impact.models import ImpactSnapshot, Scope
from reporting.scope import check_period
from reporting.services.jobs import job_request

KIND = "collective_impact"


def impact_key(contract_id: int, period_id: int) -> str:
    return f"{KIND}:contract={contract_id}:period={period_id}"


def snapshot_store(
    *, contract: Contract, period: ReportingPeriod, scope: str, payload: dict, job_id=None
) -> tuple[ImpactSnapshot, bool]:
    """Store `payload` as the next version, unless it equals the latest. (snapshot, new?)"""
    # Serialised once: the canonical JSON is both what is hashed and what is stored (the
    # database parses the text), rather than dumped a second time by the JSONField.
    text = canonical_json(payload)
    digest = hashlib.sha256(text.encode()).hexdigest()
    with transaction.atomic():
        # The period's row is the lock: versions of one period are written one at a time.
        ReportingPeriod.objects.select_for_update().only("pk").get(pk=period.pk)
        latest = (
            ImpactSnapshot.objects.filter(contract=contract, period=period, scope=scope)
            .order_by("-version")
            .first()
        )
        if latest is not None and latest.content_hash == digest:
            return latest, False
        snapshot = ImpactSnapshot.objects.create(
            contract=contract,
            period=period,
            scope=scope,
            version=(latest.version + 1) if latest else 1,
            content_hash=digest,
            payload=Cast(Value(text), output_field=JSONField()),
            job_id=job_id,
            created_at=timezone.now(),
        )
    snapshot.payload = payload  # what was stored, rather than the expression that stored it
    return snapshot, True


def impact_compile(*, contract_id: int, period_id: int, job_id=None) -> dict[str, Any]:
    """Compile the period and the contract to date; store what changed."""
    period = ReportingPeriod.objects.select_related("contract", "contract_year").get(
        pk=period_id, contract_id=contract_id
    )
    outcome = {}
    for scope in (Scope.PERIOD, Scope.TO_DATE):
        payload = compile_impact(period.contract, period, scope)
        snapshot, new = snapshot_store(
            contract=period.contract, period=period, scope=scope, payload=payload, job_id=job_id
        )
        outcome[scope.value] = {
            "snapshot": snapshot.pk,
            "version": snapshot.version,
            "content_hash": snapshot.content_hash,
            "new_version": new,
        }
    return outcome


def impact_request(*, contract: Contract, period: ReportingPeriod, by=None):
    """Queue a compile of `period` (and to date) of `contract`; one job per key."""
    if by is not None:
        from alliance.services.guards import require_commissioner_of

        require_commissioner_of(
            contract.pk, by, doing="compile collective impact", rule="impact.who_may_compile"
        )
    check_period(contract, period)
    return job_request(
        kind=KIND,
        key=impact_key(contract.pk, period.pk),
        params={"contract": contract.pk, "period": period.pk},
        by=by,
    )


def on_return_changed(event) -> None:
    """ReturnAccepted / ReturnReopened: the period's figures changed; compile again."""
    job_request(
        kind=KIND,
        key=impact_key(event.contract_id, event.period_id),
        params={"contract": event.contract_id, "period": event.period_id},
    )


def impact_nightly(today=None) -> list[int]:
    """Each active contract's latest started period, compiled again (a safety net for
    anything an event missed, and to date figures after a reopened earlier return)."""
    today = today or timezone.localdate()
    jobs = []
    for contract in Contract.objects.filter(status=ContractStatus.ACTIVE).order_by("pk"):
        period = (
            ReportingPeriod.objects.filter(contract=contract, starts_on__lte=today)
            .order_by("-starts_on")
            .first()
        )
        if period is not None:
            jobs.append(impact_request(contract=contract, period=period).pk)
    return jobs
