"""Background jobs, with their state in our own tables (no Celery result backend).

A job is asked for (`queued`), claimed by exactly one worker (`running`), and ends
`succeeded` or `failed`. Its `key` names the work (`collective_impact:contract=3:period=12`):
while one job with a key is queued or running, asking again returns that job, and the
database refuses a second (a partial unique constraint), so a double click, a duplicate
event or two web processes at once never queue the same work twice.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from reporting.querysets import JobQuerySet


class JobState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


ACTIVE_STATES = (JobState.QUEUED, JobState.RUNNING)


class Job(models.Model):
    kind = models.CharField(max_length=60, help_text="What the job does, from the registry")
    key = models.CharField(
        max_length=200, help_text="Names the work; one queued or running job per key"
    )
    params = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    attempts = models.PositiveIntegerField(default=0, help_text="How many times it was claimed")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the system asked for it (a schedule or an event)",
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The outbox: a queued job with no dispatched_at has not reached the broker yet.
    dispatched_at = models.DateTimeField(null=True, blank=True)
    run_after = models.DateTimeField(
        default=timezone.now, help_text="Not sent to a worker before this time (backoff)"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Set by the claim; only the run holding it may record the outcome, so a worker that
    # was presumed dead and comes back late cannot overwrite the run that replaced it.
    claim = models.UUIDField(null=True, blank=True, editable=False)
    error = models.TextField(blank=True, help_text="Why the last attempt failed")
    result = models.JSONField(null=True, blank=True)
    file = models.FileField(upload_to="jobs/", blank=True, max_length=255)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(state__in=["queued", "running"]),
                name="job_one_active_per_key",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["queued", "running", "succeeded", "failed"]),
                name="job_state_known",
            ),
        ]
        indexes = [
            # The dispatcher's two questions: what is waiting to be sent, what is stuck.
            models.Index(fields=["state", "dispatched_at"], name="job_state_dispatched"),
            models.Index(fields=["state", "started_at"], name="job_state_started"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.state})"


class JobRequest(models.Model):
    """Each person who asked for a job. All of them may follow it: a second person asking
    for work already queued is given the same job, and must be able to read it."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["job", "user"], name="job_request_once_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} asked for job {self.job_id}"


class JobEvent(models.Model):
    """Every change of a job's state (rule 16): who, when, from, to and why.

    Jobs change state by conditional updates (the claim), which model history would not
    see; this table is written beside each of them, in the same transaction."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=10, choices=JobState.choices, blank=True)
    to_state = models.CharField(max_length=10, choices=JobState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for the system (a worker or the dispatcher)",
    )
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.job_id}: {self.from_state or '-'} -> {self.to_state}"


from reporting.impact.models import ImpactSnapshot, Scope  # noqa: E402,F401  (the app's models)
from reporting.learning.models import LearningDigest  # noqa: E402,F401  (shared learning)
from reporting.reminders.models import ReminderSent  # noqa: E402,F401  (daily reminders)
from reporting.utilisation.models import UtilisationSnapshot  # noqa: E402,F401
