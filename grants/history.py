"""The audit trail (rule 16): an event for each transition, history for each money change."""

from __future__ import annotations

from django.utils import timezone

from grants.models import Application, ApplicationEvent


def record_event(
    *,
    application: Application,
    action: str,
    by,
    from_status: str = "",
    to_status: str = "",
    comment: str = "",
    grant=None,
    data: dict | None = None,
) -> ApplicationEvent:
    return ApplicationEvent.objects.create(
        application=application,
        grant=grant,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=by,
        comment=comment,
        data=data or {},
    )


def record_history(instance, *, by, reason: str) -> None:
    """Add a history row for a change made by a conditional `UPDATE`, which bypasses the
    model's signals: the running totals of budgets and payments are audited like the rest."""
    history_model = type(instance).history.model
    attrs = {field.attname: getattr(instance, field.attname) for field in instance._meta.fields}
    history_model.objects.create(
        history_date=timezone.now(),
        history_type="~",
        history_user=by,
        history_change_reason=reason[:100],
        **attrs,
    )
