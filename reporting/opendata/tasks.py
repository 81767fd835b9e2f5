"""The nightly open-data task: thin, it calls the service."""

from celery import shared_task

from reporting.opendata.publish import publish_open_data_files


@shared_task(name="reporting.opendata.publish_files", ignore_result=True)
def publish_files() -> dict[str, int]:
    return publish_open_data_files()
