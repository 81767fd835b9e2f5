"""Celery tasks for the shared learning digest: thin (CONVENTIONS, "Tasks are thin").
Imported by `ReportingConfig.ready`, so the worker knows them."""

from celery import shared_task


@shared_task(name="reporting.learning.compile_nightly", ignore_result=True)
def compile_shared_learning_nightly() -> list[int]:
    from reporting.learning.services import learning_nightly

    return learning_nightly()
