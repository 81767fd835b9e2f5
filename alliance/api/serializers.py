from django.contrib.auth import authenticate
from rest_framework import serializers

from alliance.models import Membership, Organisation, Role, User, Ward
from alliance.services.organisations import EDITABLE_FIELDS
from config.api import StrictModelSerializer, StrictSerializer


class WardSerializer(serializers.ModelSerializer):
    class Meta:
        model = Ward
        fields = ["code", "name", "boundary_year", "local_authority_code", "local_authority_name"]


class OrganisationSerializer(StrictModelSerializer):
    ward = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Ward.objects.all(),
        required=False,
        allow_null=True,
        help_text="ONS ward code, e.g. E05000957",
    )
    ward_name = serializers.CharField(source="ward.name", read_only=True, default=None)
    legal_form_label = serializers.CharField(source="get_legal_form_display", read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "org_id",
            *EDITABLE_FIELDS,
            "legal_form_label",
            "ward_name",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["org_id", "created_at", "updated_at"]
        # Duplicates are the service's to find: it names the organisation already there.
        validators = []
        extra_kwargs = {
            "latest_annual_income": {"min_value": 0},
            # Identifiers are checked and normalised by the service, with its own messages.
            "charity_number": {"max_length": 20, "validators": []},
            "company_number": {"max_length": 20, "validators": []},
            "local_authority_code": {"max_length": 20},
            "postcode": {"max_length": 20},
        }


class OrganisationSummarySerializer(serializers.ModelSerializer):
    """A row of the register's list; the detail has every field."""

    ward = serializers.CharField(source="ward.code", default=None)
    ward_name = serializers.CharField(source="ward.name", default=None)

    class Meta:
        model = Organisation
        fields = ["id", "name", "legal_form", "org_id", "ward", "ward_name", "town"]
        read_only_fields = fields


class MembershipSerializer(StrictModelSerializer):
    email = serializers.EmailField(source="user.email")
    full_name = serializers.CharField(
        source="user.full_name", required=False, allow_blank=True, max_length=200
    )
    role = serializers.ChoiceField(choices=Role.choices)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "email", "full_name", "role", "role_label", "created_at"]
        read_only_fields = ["user", "created_at"]


class MyMembershipSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name")

    class Meta:
        model = Membership
        fields = ["id", "organisation", "organisation_name", "role"]


class MeSerializer(serializers.ModelSerializer):
    memberships = MyMembershipSerializer(many=True)

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "memberships"]


class RegistrationSerializer(StrictSerializer):
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True, style={"input_type": "password"})
    full_name = serializers.CharField(max_length=200)
    organisation = OrganisationSerializer()


class RegistrationResultSerializer(serializers.Serializer):
    token = serializers.CharField()
    user = MeSerializer()
    organisation = OrganisationSerializer()


class TokenRequestSerializer(StrictSerializer):
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True, style={"input_type": "password"})

    def validate(self, attrs):
        user = authenticate(
            request=self.context.get("request"),
            username=attrs["email"].lower(),
            password=attrs["password"],
        )
        if user is None:
            raise serializers.ValidationError(
                "That e-mail address and password do not match an account."
            )
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
