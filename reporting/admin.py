"""Admin for commissioners: follow background jobs and retry failed ones.

Jobs are never edited by hand; the one action calls the same service as the API."""

from django.contrib import admin, messages

from alliance.admin import CommissionersOnly
from config.errors import DomainError
from reporting.models import ImpactSnapshot, Job, JobEvent, JobRequest
from reporting.services.jobs import job_retry


class JobEventInline(admin.TabularInline):
    model = JobEvent
    fields = ["at", "from_state", "to_state", "actor", "comment"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class JobRequestInline(admin.TabularInline):
    model = JobRequest
    fields = ["user", "at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "Asked for by"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Job)
class JobAdmin(CommissionersOnly, admin.ModelAdmin):
    list_display = ["id", "kind", "key", "state", "attempts", "created_at", "finished_at"]
    list_filter = ["state", "kind"]
    search_fields = ["key"]
    readonly_fields = [
        "kind",
        "key",
        "params",
        "state",
        "attempts",
        "requested_by",
        "created_at",
        "dispatched_at",
        "run_after",
        "started_at",
        "finished_at",
        "error",
        "result",
        "file",
    ]
    fields = readonly_fields
    inlines = [JobRequestInline, JobEventInline]
    actions = ["retry_jobs"]
    list_select_related = ["requested_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Retry the selected failed jobs")
    def retry_jobs(self, request, queryset):
        retried = 0
        for job in queryset.order_by("pk"):
            try:
                job_retry(job=job, by=request.user)
                retried += 1
            except DomainError as exc:
                self.message_user(request, f"Job {job.pk}: {exc.message}", level=messages.ERROR)
        if retried:
            self.message_user(request, f"{retried} job(s) queued again.", level=messages.SUCCESS)


class WrittenByJobsAdmin(CommissionersOnly, admin.ModelAdmin):
    """What the background jobs write (snapshots, reminders sent): read only here, so the
    record is only ever what a job compiled or sent."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImpactSnapshot)
class ImpactSnapshotAdmin(WrittenByJobsAdmin):
    """Compiled collective impact, read only (exact figures: unpublished). A compile is
    asked for through the jobs (the API, an accepted return, or the nightly run), and the
    compile action here asks for the same job."""

    list_display = ["id", "contract", "period", "scope", "version", "created_at", "job"]
    list_filter = ["scope"]
    list_select_related = ["contract", "period", "job"]
    readonly_fields = [
        "contract",
        "period",
        "scope",
        "version",
        "content_hash",
        "payload",
        "created_at",
        "job",
    ]
    fields = readonly_fields
    actions = ["compile_again"]

    @admin.action(description="Compile the selected snapshots' periods again")
    def compile_again(self, request, queryset):
        from reporting.impact.services import impact_request

        for snapshot in queryset.select_related("contract", "period"):
            try:
                impact_request(contract=snapshot.contract, period=snapshot.period, by=request.user)
            except DomainError as exc:
                self.message_user(request, exc.message, level=messages.ERROR)
                return
        self.message_user(request, "Compiles queued.", level=messages.SUCCESS)


# --- reminders ---
from reporting.reminders.models import ReminderSent  # noqa: E402


@admin.register(ReminderSent)
class ReminderSentAdmin(WrittenByJobsAdmin):
    """Who was reminded of what, and when: read only, written by the daily job alone."""

    list_display = ["sent_on", "person", "created_at"]
    list_filter = ["sent_on"]
    search_fields = ["person__email", "person__full_name"]
    list_select_related = ["person"]
    date_hierarchy = "sent_on"
    readonly_fields = ["person", "sent_on", "items", "created_at"]
    fields = readonly_fields


# --- shared learning and fund utilisation ---
from reporting.learning.models import LearningDigest  # noqa: E402
from reporting.utilisation.models import UtilisationSnapshot  # noqa: E402


@admin.register(LearningDigest)
class LearningDigestAdmin(WrittenByJobsAdmin):
    """Each version of a period's shared learning digest, as compiled and e-mailed."""

    list_display = ["id", "contract", "period", "version", "created_at", "emailed_at"]
    list_select_related = ["contract", "period"]
    readonly_fields = [
        "contract",
        "period",
        "version",
        "content_hash",
        "markdown",
        "payload",
        "created_at",
        "emailed_at",
        "job",
    ]
    fields = readonly_fields


@admin.register(UtilisationSnapshot)
class UtilisationSnapshotAdmin(WrittenByJobsAdmin):
    """Each version of a programme's fund utilisation (exact figures: unpublished)."""

    list_display = ["id", "programme", "version", "created_at", "job"]
    list_select_related = ["programme", "job"]
    readonly_fields = ["programme", "version", "content_hash", "payload", "created_at", "job"]
    fields = readonly_fields
