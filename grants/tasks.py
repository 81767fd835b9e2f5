"""Thin Celery tasks for micro-grants: each calls one service."""

from celery import shared_task

from grants.services.reports import reports_remind_due


@shared_task(name="grants.remind_reports_due")
def remind_reports_due() -> int:
    """Daily: e-mail groups whose end-of-grant report is due soon or overdue."""
    return reports_remind_due()
