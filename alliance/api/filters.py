import django_filters

from alliance.models import Membership, Organisation, Role, Ward
from alliance.models.people import LegalForm


class OrganisationFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")
    legal_form = django_filters.ChoiceFilter(choices=LegalForm.choices)
    ward = django_filters.CharFilter(field_name="ward__code")
    org_id = django_filters.CharFilter()
    role = django_filters.ChoiceFilter(
        choices=Role.choices,
        field_name="memberships__role",
        distinct=True,
        help_text="Organisations in which someone holds this role",
    )

    class Meta:
        model = Organisation
        fields = ["name", "legal_form", "ward", "org_id", "role"]


class MembershipFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=Role.choices)
    email = django_filters.CharFilter(field_name="user__email", lookup_expr="iexact")

    class Meta:
        model = Membership
        fields = ["role", "email"]


class WardFilter(django_filters.FilterSet):
    local_authority_code = django_filters.CharFilter()
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Ward
        fields = ["local_authority_code", "name", "boundary_year"]
