"""Background jobs and the exports they make. Views parse input, call a service, render."""

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from config.errors import Conflict, NotAllowed
from config.schema import ErrorResponseSerializer
from reporting import kinds
from reporting.api.filters import JobFilter
from reporting.api.serializers import JobDetailSerializer, JobSerializer, NoOptionsSerializer
from reporting.exports import organisation_register
from reporting.models import Job, JobState
from reporting.services.jobs import job_request, job_retry


class JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Background jobs: their state, why one failed, and what it produced.

    You see the jobs you asked for; commissioners see every job and may retry a failed
    one."""

    filterset_class = JobFilter
    ordering_fields = ["created_at", "finished_at"]

    def get_queryset(self):
        jobs = Job.objects.visible_to(self.request.user)
        if self.action == "retrieve":
            jobs = jobs.prefetch_related("events")
        return jobs

    def get_serializer_class(self):
        return JobDetailSerializer if self.action == "retrieve" else JobSerializer

    @extend_schema(request=None, responses=JobDetailSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        """Queue a failed job again (commissioners)."""
        job = job_retry(job=self.get_object(), by=request.user)
        job = self.get_queryset().prefetch_related("events").get(pk=job.pk)
        return Response(JobDetailSerializer(job, context={"request": request}).data)

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file the job made"
            ),
            409: OpenApiResponse(ErrorResponseSerializer, description="Not ready yet"),
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The file a job made, for those allowed to download that kind of file."""
        job = self.get_object()
        kind = kinds.get(job.kind)
        if not kind.may_download(request.user):
            raise NotAllowed(
                f"You cannot download this file: only {kind.who} can.",
                rule="jobs.who_may_download",
            )
        if job.state != JobState.SUCCEEDED:
            raise Conflict(
                f"The file is not ready: the job is {job.get_state_display().lower()}.",
                rule="jobs.download_when_succeeded",
            )
        if not job.file:
            raise Http404("This job made no file.")
        name = job.file.name.rsplit("/", 1)[-1]
        return FileResponse(job.file.open("rb"), as_attachment=True, filename=name)


class OrganisationRegisterExportView(APIView):
    """Ask for the organisation register as CSV, with org-ids (commissioners).

    Answers 202 with the job; download the file from the job's `download_url` once it
    has succeeded. Asking again while one is being made returns that same job."""

    @extend_schema(request=NoOptionsSerializer, responses={202: JobSerializer})
    def post(self, request):
        NoOptionsSerializer(data=request.data).is_valid(raise_exception=True)
        job = job_request(
            kind=organisation_register.KIND,
            key=organisation_register.KEY,
            params={},
            by=request.user,
        )
        job.refresh_from_db()  # without a broker it has run already, in this request
        return Response(
            JobSerializer(job, context={"request": request}).data,
            status=status.HTTP_202_ACCEPTED,
        )
