"""Organisations, people and sign-in. Views parse input, call a service, render."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from alliance.api.filters import MembershipFilter, OrganisationFilter, WardFilter
from alliance.api.serializers import (
    MembershipSerializer,
    MeSerializer,
    OrganisationSerializer,
    OrganisationSummarySerializer,
    RegistrationResultSerializer,
    RegistrationSerializer,
    TokenRequestSerializer,
    TokenSerializer,
    WardSerializer,
)
from alliance.models import Membership, Organisation, User, Ward
from alliance.services.memberships import (
    membership_add,
    membership_remove,
    register_person_with_organisation,
)
from alliance.services.organisations import organisation_create, organisation_update


class WardViewSet(viewsets.ReadOnlyModelViewSet):
    """Electoral wards, for choosing where an organisation works."""

    serializer_class = WardSerializer
    filterset_class = WardFilter
    lookup_field = "code"
    ordering_fields = ["name", "code"]

    def get_queryset(self):
        return Ward.objects.visible_to(self.request.user)


class OrganisationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The register of organisations. You see your own; commissioners see all.

    Registering an organisation makes you its first member (an applicant)."""

    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    ordering_fields = ["name", "created_at", "latest_annual_income"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return Organisation.objects.visible_to(self.request.user).select_related("ward")

    def get_serializer_class(self):
        return OrganisationSummarySerializer if self.action == "list" else OrganisationSerializer

    def perform_create(self, serializer):
        serializer.instance = organisation_create(
            by=self.request.user, data=dict(serializer.validated_data)
        )

    def perform_update(self, serializer):
        serializer.instance = organisation_update(
            organisation=serializer.instance,
            by=self.request.user,
            data=dict(serializer.validated_data),
        )


class MemberViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The people of one organisation and their roles.

    Leads may add leads and contributors; applicants may add applicants; commissioners
    may give any role. A person new to the system is e-mailed a link to set a password."""

    serializer_class = MembershipSerializer
    filterset_class = MembershipFilter
    ordering_fields = ["created_at", "role"]

    def organisation(self) -> Organisation:
        if not hasattr(self, "_organisation"):
            self._organisation = get_object_or_404(
                Organisation.objects.visible_to(self.request.user),
                pk=self.kwargs["organisation_pk"],
            )
        return self._organisation

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no organisation
            return Membership.objects.none()
        return (
            Membership.objects.visible_to(self.request.user)
            .filter(organisation=self.organisation())
            .select_related("user")
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = membership_add(
            organisation=self.organisation(),
            by=self.request.user,
            email=data["user"]["email"],
            full_name=data["user"].get("full_name", ""),
            role=data["role"],
        )

    def perform_destroy(self, instance):
        membership_remove(membership=instance, by=self.request.user)


class MeView(APIView):
    """Who you are signed in as, and your roles."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = User.objects.prefetch_related("memberships__organisation").get(pk=request.user.pk)
        return Response(MeSerializer(user).data)


class RegisterView(APIView):
    """Sign up a new group: its first member and the organisation in one step."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(request=RegistrationSerializer, responses={201: RegistrationResultSerializer})
    def post(self, request):
        serializer = RegistrationSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with transaction.atomic():
            user, organisation = register_person_with_organisation(
                email=data["email"],
                password=data["password"],
                full_name=data["full_name"],
                organisation=dict(data["organisation"]),
            )
            token = Token.objects.create(user=user)
        user = User.objects.prefetch_related("memberships__organisation").get(pk=user.pk)
        body = RegistrationResultSerializer(
            {"token": token.key, "user": user, "organisation": organisation}
        ).data
        return Response(body, status=status.HTTP_201_CREATED)


class TokenView(APIView):
    """Get a token for scripts (POST), or revoke the token you are using (DELETE)."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    def get_permissions(self):
        if self.request.method == "POST":
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_authenticators(self):
        if getattr(self, "request", None) is not None and self.request.method == "POST":
            return []
        return super().get_authenticators()

    @extend_schema(request=TokenRequestSerializer, responses=TokenSerializer)
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})

    @extend_schema(responses={204: None})
    def delete(self, request):
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
