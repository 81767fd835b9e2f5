"""The nightly fund utilisation task: thin, it calls the service."""

from celery import shared_task

from reporting.utilisation.services import utilisation_nightly


@shared_task(name="reporting.utilisation.compile_nightly", ignore_result=True)
def compile_nightly() -> list[int]:
    return utilisation_nightly()
