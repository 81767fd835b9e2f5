"""The daily reminder task: thin, it calls the service. Beat runs it each morning."""

from celery import shared_task

from reporting.reminders.services import TransientMailError, reminders_send


# Only a mail server briefly away is worth waiting for (60 s, then 2, 4, 8, 16 minutes,
# with jitter); the run is safe to repeat, since whoever was e-mailed is skipped. Any
# other error fails the task loudly, and tomorrow's run lists everything still due.
@shared_task(
    name="reporting.tasks.send_reminders",
    ignore_result=True,
    autoretry_for=(TransientMailError,),
    retry_backoff=60,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=5,
)
def send_reminders() -> dict[str, int]:
    return reminders_send().as_dict()
