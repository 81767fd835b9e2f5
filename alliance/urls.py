from django.urls import include, path
from rest_framework.routers import DefaultRouter

from alliance.api import contracts, returns, views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("wards", views.WardViewSet, basename="ward")
# --- Alliance contracts and returns ---
router.register("contracts", contracts.ContractViewSet, basename="contract")
router.register("indicators", contracts.IndicatorViewSet, basename="indicator")
router.register("periods", contracts.PeriodViewSet, basename="period")
router.register("returns", returns.ReturnViewSet, basename="return")
router.register("learning", returns.LearningViewSet, basename="learning")
allocations = contracts.AllocationViewSet
variations = contracts.VariationViewSet

members = views.MemberViewSet
urlpatterns = [
    path("", include(router.urls)),
    path(
        "organisations/<int:organisation_pk>/members/",
        members.as_view({"get": "list", "post": "create"}),
        name="organisation-members",
    ),
    path(
        "organisations/<int:organisation_pk>/members/<int:pk>/",
        members.as_view({"delete": "destroy"}),
        name="organisation-member",
    ),
    path(
        "contracts/<int:contract_pk>/allocations/",
        allocations.as_view({"get": "list", "post": "create"}),
        name="contract-allocations",
    ),
    path(
        "contracts/<int:contract_pk>/variations/",
        variations.as_view({"get": "list", "post": "create"}),
        name="contract-variations",
    ),
    path(
        "contracts/<int:contract_pk>/variations/<int:pk>/",
        variations.as_view({"get": "retrieve"}),
        name="contract-variation",
    ),
    path(
        "contracts/<int:contract_pk>/variations/<int:pk>/approve/",
        variations.as_view({"post": "approve"}),
        name="contract-variation-approve",
    ),
    path(
        "contracts/<int:contract_pk>/variations/<int:pk>/reject/",
        variations.as_view({"post": "reject"}),
        name="contract-variation-reject",
    ),
    path("me/", views.MeView.as_view(), name="me"),
    path("register/", views.RegisterView.as_view(), name="register"),
    path("auth/token/", views.TokenView.as_view(), name="auth-token"),
]
