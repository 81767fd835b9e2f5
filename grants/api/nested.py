"""Lists that hang off one application or round: history, documents, conflicts, scores,
votes. Each finds its parent through `visible_to` (404 if you cannot see it)."""

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from config.errors import NotAllowed, RuleBroken
from grants.access import commissions_programme
from grants.api.filters import EventFilter, ScoreFilter, VoteFilter
from grants.api.panel_serializers import (
    AttachmentSerializer,
    AttachmentUploadSerializer,
    ConflictSerializer,
    ScoreSerializer,
    VoteSerializer,
)
from grants.api.serializers import EventSerializer
from grants.models import (
    Application,
    ApplicationEvent,
    Attachment,
    ConflictDeclaration,
    Round,
    Score,
    Vote,
)
from grants.services.attachments import attachment_add
from grants.services.panels import conflict_declare, score_record, vote_cast


class _OfApplication(viewsets.GenericViewSet):
    model = None

    def parents(self):
        return Application.objects.visible_to(self.request.user)

    def application(self) -> Application:
        if not hasattr(self, "_application"):
            self._application = get_object_or_404(
                self.parents().select_related("round", "organisation"),
                pk=self.kwargs["application_pk"],
            )
        return self._application

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no parent
            return self.model.objects.none()
        return self.children().filter(application=self.application())


class HistoryViewSet(mixins.ListModelMixin, _OfApplication):
    """Every transition of the application and its grant: who, when, from, to, why."""

    model = ApplicationEvent
    serializer_class = EventSerializer
    filterset_class = EventFilter
    ordering_fields = ["at"]

    def children(self):
        return ApplicationEvent.objects.visible_to(self.request.user).select_related("actor")


class AttachmentViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, _OfApplication):
    """Supporting documents: PDF, JPEG, PNG or Word (.docx), checked by their content."""

    model = Attachment
    serializer_class = AttachmentSerializer
    filterset_fields = ["kind"]
    ordering_fields = ["uploaded_at"]
    parser_classes = [MultiPartParser, FormParser]

    def children(self):
        return Attachment.objects.visible_to(self.request.user)

    @extend_schema(request=AttachmentUploadSerializer, responses={201: AttachmentSerializer})
    def create(self, request, *args, **kwargs):
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment = attachment_add(
            application=self.application(),
            by=request.user,
            kind=serializer.validated_data["kind"],
            upload=serializer.validated_data["file"],
        )
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)}
    )
    @action(detail=True, methods=["get"])
    def download(self, request, application_pk=None, pk=None):
        """The file itself, only to those who may see the application."""
        attachment = get_object_or_404(self.get_queryset(), pk=pk)
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )


class ConflictViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, _OfApplication):
    """Conflicts of interest. Panel members declare their own (and then no longer see
    the application); commissioners see every declaration."""

    model = ConflictDeclaration
    serializer_class = ConflictSerializer
    ordering_fields = ["declared_at"]
    filterset_fields = ["user"]

    def parents(self):
        return Application.objects.declarable_by(self.request.user)

    def children(self):
        return ConflictDeclaration.objects.visible_to(self.request.user).select_related("user")

    def perform_create(self, serializer):
        serializer.instance = conflict_declare(
            application=self.application(),
            by=self.request.user,
            reason=serializer.validated_data["reason"],
        )


class ScoreViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, _OfApplication):
    """Scores per criterion, 1 to 5, while the round is being assessed. Seen only by
    commissioners and the round's panel members without a conflict (rule 13)."""

    model = Score
    serializer_class = ScoreSerializer
    filterset_class = ScoreFilter
    ordering_fields = ["scored_at"]

    def parents(self):
        # A conflicted panel member is told why they cannot score, not that it is missing.
        return Application.objects.declarable_by(self.request.user)

    def children(self):
        user = self.request.user
        application = self.application()
        if not commissions_programme(user, application.round.programme_id) and not (
            Application.objects.assessable_by(user).filter(pk=application.pk).exists()
        ):
            raise NotAllowed(
                "Only the funding council's commissioners and the round's panel members "
                "without a conflict of interest see the scores.",
                rule="grants.conflict_of_interest",
            )
        return Score.objects.visible_to(user).select_related("criterion", "scorer")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = score_record(
            application=self.application(),
            by=self.request.user,
            criterion=data["criterion"],
            score=data["score"],
            comment=data.get("comment", ""),
        )


class VoteViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Community votes in a round. Voters see their own votes; commissioners see all."""

    serializer_class = VoteSerializer
    filterset_class = VoteFilter
    ordering_fields = ["cast_at"]

    def round(self) -> Round:
        if not hasattr(self, "_round"):
            self._round = get_object_or_404(
                Round.objects.visible_to(self.request.user), pk=self.kwargs["round_pk"]
            )
        return self._round

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Vote.objects.none()
        return Vote.objects.visible_to(self.request.user).filter(round=self.round())

    def perform_create(self, serializer):
        application = serializer.validated_data["application"]
        if application.round_id != self.round().pk:
            raise RuleBroken(
                "That application is not in this round.",
                rule="grants.vote_in_round",
                fields={"application": ["Not in this round."]},
            )
        serializer.instance = vote_cast(application=application, by=self.request.user)
