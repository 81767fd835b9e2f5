from django.urls import include, path
from rest_framework.routers import DefaultRouter

from reporting.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("jobs", views.JobViewSet, basename="job")

urlpatterns = [
    path("", include(router.urls)),
    path("", include("reporting.opendata.urls")),
    path(
        "exports/organisation-register/",
        views.OrganisationRegisterExportView.as_view(),
        name="export-organisation-register",
    ),
]
