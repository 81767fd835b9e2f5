from django.urls import include, path
from rest_framework.routers import DefaultRouter

from alliance.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("wards", views.WardViewSet, basename="ward")

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
    path("me/", views.MeView.as_view(), name="me"),
    path("register/", views.RegisterView.as_view(), name="register"),
    path("auth/token/", views.TokenView.as_view(), name="auth-token"),
]
