from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api import StrictSerializer
from config.errors import RuleBroken
from reporting import kinds
from reporting.models import Job, JobEvent, JobState


class JobEventSerializer(serializers.ModelSerializer):
    from_state = serializers.CharField(help_text="The state before; empty when it was asked for")
    to_state = serializers.CharField(help_text="queued, running, succeeded or failed")

    class Meta:
        model = JobEvent
        fields = ["from_state", "to_state", "actor", "at", "comment"]


class JobSerializer(serializers.ModelSerializer):
    kind_title = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "kind_title",
            "key",
            "params",
            "state",
            "attempts",
            "requested_by",
            "created_at",
            "dispatched_at",
            "started_at",
            "finished_at",
            "error",
            "result",
            "download_url",
        ]
        read_only_fields = fields

    def get_kind_title(self, job: Job) -> str:
        try:
            return kinds.get(job.kind).title
        except RuleBroken:  # a kind since retired: its jobs are still worth reading
            return job.kind

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, job: Job) -> str | None:
        if job.state != JobState.SUCCEEDED or not job.file:
            return None
        path = reverse("job-download", kwargs={"pk": job.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class JobDetailSerializer(JobSerializer):
    events = JobEventSerializer(many=True, read_only=True)

    class Meta(JobSerializer.Meta):
        fields = [*JobSerializer.Meta.fields, "events"]
        read_only_fields = fields


class NoOptionsSerializer(StrictSerializer):
    """Asks for a job that takes no options: send an empty body (or `{}`)."""
