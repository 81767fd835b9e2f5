"""Fund utilisation: read the latest compiled snapshot of a programme (or one of its
rounds), ask for a compile, and export it. Views parse input, call a service, render.

Who sees what:
- Anyone signed in may read the **published** figures of a programme they can see
  (programmes are published to every signed-in person: grants/querysets.py), so
  applicants, panel members and partners see how the money was spent, with small counts
  by ward and legal form suppressed (rule 10). A council's grant budgets and awards are
  public information; the breakdowns could identify a group, hence the suppression.
- Only commissioners of the council that runs the programme (its funder) may ask for the
  **exact** figures (`internal=true`), labelled unpublished, and ask for a compile. A
  commissioner of another council reads the published figures like everyone else.
- Anonymous requests are refused (401).
"""

from django.http import Http404, HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import StrictSerializer
from config.errors import NotAllowed, RuleBroken
from grants.models import Programme, Round
from reporting.api.scope import FormatInQuery, file_format, file_responses
from reporting.api.serializers import JobSerializer
from reporting.exports import utilisation as exports
from reporting.utilisation import publish
from reporting.utilisation.models import UtilisationSnapshot
from reporting.utilisation.services import commissions_programme, utilisation_request

ID = {"min_value": 1, "max_value": 2**31 - 1}


class UtilisationCompileSerializer(StrictSerializer):
    programme = serializers.IntegerField(**ID)


class UtilisationQuerySerializer(serializers.Serializer):
    programme = serializers.IntegerField(**ID)
    round = serializers.IntegerField(
        required=False, help_text="Show this round of the programme only", **ID
    )
    internal = serializers.BooleanField(
        default=False, help_text="Exact, unpublished figures (the programme's commissioners)"
    )


class UtilisationSnapshotSerializer(serializers.ModelSerializer):
    figures = serializers.SerializerMethodField(
        help_text="Budget, awarded, paid and remaining, by round, ward and legal form: "
        "published (suppressed) unless internal was asked for"
    )

    class Meta:
        model = UtilisationSnapshot
        fields = ["id", "programme", "version", "content_hash", "created_at", "job", "figures"]
        read_only_fields = fields

    def get_figures(self, snapshot) -> dict:
        return publish.render(
            snapshot.payload,
            round_id=self.context.get("round_id"),
            internal=self.context.get("internal", False),
        )


def _visible_programme(user, programme_id: int) -> Programme:
    programme = Programme.objects.visible_to(user).filter(pk=programme_id).first()
    if programme is None:
        raise Http404("No programme you can see has that id.")
    return programme


def _check_round(programme: Programme, round_id: int | None) -> None:
    if round_id is not None and not Round.objects.filter(pk=round_id, programme=programme).exists():
        raise RuleBroken(
            "That round is not one of this programme's rounds.",
            rule="utilisation.round_of_programme",
            fields={"round": ["Choose a round of the programme."]},
        )


def _internal_allowed(user, programme: Programme, asked: bool) -> bool:
    if asked and not commissions_programme(user, programme):
        raise NotAllowed(
            "Only commissioners of the council running this programme can see exact, "
            "unpublished figures.",
            rule="utilisation.internal_for_commissioners",
        )
    return asked


def _latest(programme: Programme, round_id: int | None) -> UtilisationSnapshot:
    snapshot = UtilisationSnapshot.objects.filter(programme=programme).order_by("-version").first()
    if snapshot is None:
        raise Http404("This programme's fund utilisation has not been compiled yet.")
    if round_id is not None and all(r["id"] != round_id for r in snapshot.payload["rounds"]):
        raise Http404("This round was added after the last compile: compile again.")
    return snapshot


def _read(request, query_class) -> tuple[dict, Programme, bool]:
    query = query_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    data = query.validated_data
    programme = _visible_programme(request.user, data["programme"])
    _check_round(programme, data.get("round"))
    internal = _internal_allowed(request.user, programme, data["internal"])
    return data, programme, internal


class FundUtilisationView(APIView):
    """A grant programme's fund utilisation: budget, awarded, paid and remaining, with the
    number of applications and grants; overall, by round, by ward and by legal form.

    GET `?programme=<id>` (and `&round=<id>` for one round): the latest compiled
    snapshot. Anyone signed in reads the published figures of a programme they can see
    (small counts by ward and legal form suppressed, rule 10); commissioners of the
    council running the programme may ask `internal=true` for the exact figures,
    labelled unpublished. A round of another programme is a 400.
    POST `{programme}` (commissioners of the programme's council): compile again;
    answers 202 with the job."""

    @extend_schema(parameters=[UtilisationQuerySerializer], responses=UtilisationSnapshotSerializer)
    def get(self, request):
        data, programme, internal = _read(request, UtilisationQuerySerializer)
        snapshot = _latest(programme, data.get("round"))
        context = {"request": request, "internal": internal, "round_id": data.get("round")}
        return Response(UtilisationSnapshotSerializer(snapshot, context=context).data)

    @extend_schema(request=UtilisationCompileSerializer, responses={202: JobSerializer})
    def post(self, request):
        body = UtilisationCompileSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        programme = _visible_programme(request.user, body.validated_data["programme"])
        job = utilisation_request(programme=programme, by=request.user)
        job.refresh_from_db()  # without a broker it has run already, in this request
        return Response(
            JobSerializer(job, context={"request": request}).data,
            status=status.HTTP_202_ACCEPTED,
        )


class ExportQuerySerializer(UtilisationQuerySerializer):
    format = serializers.CharField(help_text="csv or xlsx")


class FundUtilisationExportView(FormatInQuery, APIView):
    """The latest compiled fund utilisation as a file: `format=csv` or `format=xlsx`.

    Same readers and the same figures as the GET above: published (suppressed) for anyone
    signed in who can see the programme; exact, labelled unpublished in the file's first
    row, when a commissioner of the programme's council asks `internal=true`."""

    @extend_schema(parameters=[ExportQuerySerializer], responses=file_responses(exports.FORMATS))
    def get(self, request):
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        fmt = file_format(
            query.validated_data["format"], exports.FORMATS, rule="utilisation.export_format"
        )
        data, programme, internal = _read(request, ExportQuerySerializer)
        round_id = data.get("round")
        snapshot = _latest(programme, round_id)
        figures = publish.render(snapshot.payload, round_id=round_id, internal=internal)
        name = f"fund-utilisation-programme-{programme.pk}"
        if round_id is not None:
            name += f"-round-{round_id}"
        if internal:
            name += "-unpublished"
        response = HttpResponse(exports.render(figures, fmt), content_type=exports.FORMATS[fmt])
        response["Content-Disposition"] = f'attachment; filename="{name}-v{snapshot.version}.{fmt}"'
        return response
