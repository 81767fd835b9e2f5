"""The one lock order for micro-grants: programme, then round, then application(s) by pk.

Every service that touches budgets or submissions takes its locks through here, so two
transactions can never wait on each other in opposite orders.
"""

from __future__ import annotations

from grants.models import Application, Grant, Programme, Round


def lock_programme_and_round(round_id: int) -> tuple[Programme, Round]:
    # A round's programme never changes, so reading its id before locking is safe.
    programme_id = Round.objects.values_list("programme_id", flat=True).get(pk=round_id)
    programme = Programme.objects.select_for_update().get(pk=programme_id)
    round_ = Round.objects.select_for_update().get(pk=round_id)
    round_.programme = programme
    return programme, round_


def lock_application(application_id: int) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=application_id)
    )


def lock_applications(ids) -> dict[int, Application]:
    rows = (
        Application.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(pk__in=list(ids))
        .order_by("pk")
    )
    return {row.pk: row for row in rows}


def lock_grant(grant_id: int) -> Grant:
    return (
        Grant.objects.select_for_update(of=("self",))
        .select_related("application__round__programme", "application__organisation")
        .get(pk=grant_id)
    )
