"""Celery tasks: thin. They take ids and call a service (CONVENTIONS, "Tasks are thin")."""

from celery import shared_task

from reporting.services.dispatch import jobs_dispatch_pending
from reporting.services.jobs import job_run


@shared_task(ignore_result=True)
def run_job(job_id: int) -> None:
    job_run(job_id)


@shared_task(ignore_result=True)
def dispatch_pending_jobs() -> dict:
    return jobs_dispatch_pending().as_dict()


@shared_task(ignore_result=True)
def compile_collective_impact_nightly() -> list[int]:
    from reporting.impact.services import impact_nightly

    return impact_nightly()


# The open-data task lives beside its exports (reporting/opendata/tasks.py).
from reporting.opendata import tasks as opendata_tasks  # noqa: E402, F401

# The daily reminders live beside their service (reporting/reminders/tasks.py).
from reporting.reminders.tasks import send_reminders  # noqa: E402, F401
