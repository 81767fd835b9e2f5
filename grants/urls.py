from django.urls import include, path
from rest_framework.routers import DefaultRouter

from grants.api import applications, grants, nested, views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("programmes", views.ProgrammeViewSet, basename="programme")
router.register("rounds", views.RoundViewSet, basename="round")
router.register("applications", applications.ApplicationViewSet, basename="application")
router.register("grants", grants.GrantViewSet, basename="grant")

list_create = {"get": "list", "post": "create"}
urlpatterns = [
    path("", include(router.urls)),
    path(
        "applications/<int:application_pk>/history/",
        nested.HistoryViewSet.as_view({"get": "list"}),
        name="application-history",
    ),
    path(
        "applications/<int:application_pk>/attachments/",
        nested.AttachmentViewSet.as_view(list_create),
        name="application-attachments",
    ),
    path(
        "applications/<int:application_pk>/attachments/<int:pk>/download/",
        nested.AttachmentViewSet.as_view({"get": "download"}),
        name="application-attachment-download",
    ),
    path(
        "applications/<int:application_pk>/conflicts/",
        nested.ConflictViewSet.as_view(list_create),
        name="application-conflicts",
    ),
    path(
        "applications/<int:application_pk>/scores/",
        nested.ScoreViewSet.as_view(list_create),
        name="application-scores",
    ),
    path(
        "rounds/<int:round_pk>/votes/",
        nested.VoteViewSet.as_view(list_create),
        name="round-votes",
    ),
    path(
        "grants/<int:grant_pk>/payments/",
        grants.PaymentViewSet.as_view(list_create),
        name="grant-payments",
    ),
    path("grants/<int:grant_pk>/report/", grants.ReportView.as_view(), name="grant-report"),
]
