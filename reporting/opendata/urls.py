from django.urls import path

from reporting.opendata import views

urlpatterns = [
    path(
        "open-data/360giving.json",
        views.ThreeSixtyGivingJSONView.as_view(),
        name="open-data-360giving-json",
    ),
    path(
        "open-data/360giving.csv",
        views.ThreeSixtyGivingCSVView.as_view(),
        name="open-data-360giving-csv",
    ),
    path(
        "open-data/ocds/<int:pk>.json",
        views.OCDSContractView.as_view(),
        name="open-data-ocds-contract",
    ),
]
