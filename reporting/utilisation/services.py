"""Compiling fund utilisation and keeping it as versioned snapshots.

A new version is stored only when the figures changed: the new payload's content hash is
compared with the latest version's while the programme's row is locked, so two compiles
at once (an award and a payment in the same minute, a rerun) store at most one version.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from config.errors import NotAllowed
from grants import access as grants_access
from grants.models import Grant, Programme
from reporting.services.jobs import job_request
from reporting.utilisation.compile import compile_utilisation, content_hash
from reporting.utilisation.models import UtilisationSnapshot

KIND = "fund_utilisation"


def utilisation_key(programme_id: int) -> str:
    return f"{KIND}:programme={programme_id}"


def commissions_programme(user, programme: Programme) -> bool:
    """`user` is a commissioner of the council that runs (funds) the programme: the same
    rule as every commissioner-only grants service (`grants.access`)."""
    return grants_access.commissions_programme(user, programme)


def require_commissioner_of_programme(user, programme: Programme, *, doing: str) -> None:
    if not commissions_programme(user, programme):
        raise NotAllowed(
            f"Only a commissioner of the council running {programme.name} can {doing}.",
            rule="utilisation.commissioners_of_the_programme",
        )


def snapshot_store(
    *, programme: Programme, payload: dict, job_id=None
) -> tuple[UtilisationSnapshot, bool]:
    """Store `payload` as the next version, unless it equals the latest. (snapshot, new?)"""
    digest = content_hash(payload)
    with transaction.atomic():
        # The programme's row is the lock: its versions are written one at a time. (Awards
        # lock it too, but only for as long as one decision takes.)
        Programme.objects.select_for_update().only("pk").get(pk=programme.pk)
        latest = (
            UtilisationSnapshot.objects.filter(programme=programme).order_by("-version").first()
        )
        if latest is not None and latest.content_hash == digest:
            return latest, False
        snapshot = UtilisationSnapshot.objects.create(
            programme=programme,
            version=(latest.version + 1) if latest else 1,
            content_hash=digest,
            payload=payload,
            job_id=job_id,
            created_at=timezone.now(),
        )
    return snapshot, True


def utilisation_compile(*, programme_id: int, job_id=None) -> dict[str, Any]:
    programme = Programme.objects.select_related("funder").get(pk=programme_id)
    snapshot, new = snapshot_store(
        programme=programme, payload=compile_utilisation(programme), job_id=job_id
    )
    return {
        "snapshot": snapshot.pk,
        "version": snapshot.version,
        "content_hash": snapshot.content_hash,
        "new_version": new,
    }


def utilisation_request(*, programme: Programme, by=None):
    """Queue a compile of the programme; one job per programme while queued or running."""
    if by is not None:
        require_commissioner_of_programme(by, programme, doing="compile its fund utilisation")
    return job_request(
        kind=KIND,
        key=utilisation_key(programme.pk),
        params={"programme": programme.pk},
        by=by,
    )


def on_grant_awarded(event) -> None:
    """GrantAwarded: awarded and remaining changed."""
    job_request(
        kind=KIND,
        key=utilisation_key(event.programme_id),
        params={"programme": event.programme_id},
    )


def on_payment_recorded(event) -> None:
    """GrantPaymentRecorded: paid changed."""
    programme_id = (
        Grant.objects.filter(pk=event.grant_id)
        .values_list("application__round__programme_id", flat=True)
        .first()
    )
    if programme_id is not None:
        job_request(
            kind=KIND, key=utilisation_key(programme_id), params={"programme": programme_id}
        )


def utilisation_nightly() -> list[int]:
    """Every programme compiled again (a safety net for anything an event missed; an
    unchanged programme stores no new version)."""
    return [
        utilisation_request(programme=programme).pk
        for programme in Programme.objects.order_by("pk").only("pk")
    ]
