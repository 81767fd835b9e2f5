"""The record of reminders sent: one row per person per day, at most.

The unique constraint on (person, sent_on) is what keeps the promise of one e-mail a day:
the row is inserted in the transaction that sends, so a second run that day, or a second
worker at the same moment, finds the row (or waits on it) and sends nothing.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ReminderSent(models.Model):
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField(help_text="The council's local date the reminder was for")
    items = models.JSONField(
        default=list, help_text="What the e-mail listed: each return or report, due or overdue"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_on", "person_id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "sent_on"], name="reminder_once_a_day")
        ]

    def __str__(self) -> str:
        return f"Reminder to {self.person_id} on {self.sent_on:%Y-%m-%d}"
