from django.urls import include, path
from rest_framework.routers import DefaultRouter

from reporting.api import impact, learning, utilisation, views

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
    path(
        "reports/collective-impact/",
        impact.CollectiveImpactView.as_view(),
        name="collective-impact",
    ),
    path(
        "reports/collective-impact/export/",
        impact.CollectiveImpactExportView.as_view(),
        name="collective-impact-export",
    ),
    path(
        "reports/collective-impact/latest/",
        impact.CollectiveImpactLatestView.as_view(),
        name="collective-impact-latest",
    ),
    path(
        "reports/shared-learning/",
        learning.SharedLearningView.as_view(),
        name="shared-learning",
    ),
    path(
        "reports/fund-utilisation/",
        utilisation.FundUtilisationView.as_view(),
        name="fund-utilisation",
    ),
    path(
        "reports/fund-utilisation/export/",
        utilisation.FundUtilisationExportView.as_view(),
        name="fund-utilisation-export",
    ),
]
