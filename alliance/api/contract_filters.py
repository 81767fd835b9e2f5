"""Filters for contracts, their parts, returns and learning."""

import django_filters

from alliance.models import (
    Aggregation,
    Allocation,
    Contract,
    ContractMember,
    ContractStatus,
    Indicator,
    LearningEntry,
    Rating,
    ReportingPeriod,
    Return,
    ReturnStatus,
    Variation,
    VariationStatus,
)


class ContractFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ContractStatus.choices)
    organisation = django_filters.NumberFilter(
        method="with_partner", help_text="Contracts in which this organisation is a partner"
    )

    class Meta:
        model = Contract
        fields = ["place", "status", "organisation", "reference"]

    def with_partner(self, queryset, name, value):
        partners = ContractMember.objects.filter(organisation_id=value)
        return queryset.filter(pk__in=partners.values("contract_id"))


class AllocationFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="contract_year__number")

    class Meta:
        model = Allocation
        fields = ["year", "organisation"]


class VariationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=VariationStatus.choices)

    class Meta:
        model = Variation
        fields = ["status"]


class IndicatorFilter(django_filters.FilterSet):
    aggregation = django_filters.ChoiceFilter(
        choices=Aggregation.choices, field_name="current_version__aggregation"
    )

    class Meta:
        model = Indicator
        fields = ["contract", "priority", "code", "is_active", "aggregation"]


class PeriodFilter(django_filters.FilterSet):
    class Meta:
        model = ReportingPeriod
        fields = ["contract", "financial_year", "quarter"]


class ReturnFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ReturnStatus.choices)
    rating = django_filters.ChoiceFilter(choices=Rating.choices)
    late = django_filters.BooleanFilter(field_name="is_late")
    financial_year = django_filters.NumberFilter(field_name="period__financial_year")
    quarter = django_filters.NumberFilter(field_name="period__quarter")

    class Meta:
        model = Return
        fields = [
            "contract",
            "period",
            "organisation",
            "status",
            "late",
            "rating",
            "financial_year",
            "quarter",
        ]


class LearningFilter(django_filters.FilterSet):
    contract = django_filters.NumberFilter(field_name="return_record__contract")
    organisation = django_filters.NumberFilter(field_name="return_record__organisation")
    period = django_filters.NumberFilter(field_name="return_record__period")
    theme = django_filters.CharFilter(lookup_expr="icontains")
    tag = django_filters.CharFilter(method="with_tag", help_text="Entries carrying this tag")

    class Meta:
        model = LearningEntry
        fields = ["contract", "organisation", "period", "theme", "tag"]

    def with_tag(self, queryset, name, value):
        # Tags are a JSON list; matching the quoted tag works on SQLite and PostgreSQL alike.
        return queryset.filter(tags__icontains=f'"{value}"')
