import django_filters
from django.db.models import Q
from django.utils import timezone

from grants.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    DecisionMethod,
    Grant,
    GrantStatus,
    Payment,
    Programme,
    Round,
    RoundPhase,
    Score,
    Vote,
)


class ProgrammeFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Programme
        fields = ["name", "funder"]


class RoundFilter(django_filters.FilterSet):
    phase = django_filters.ChoiceFilter(choices=RoundPhase.choices, method="filter_phase")
    decision_method = django_filters.ChoiceFilter(choices=DecisionMethod.choices)

    class Meta:
        model = Round
        fields = ["programme", "decision_method", "phase"]

    def filter_phase(self, queryset, name, value):
        now = timezone.now()
        no_end = Q(assessment_ends_at__isnull=True) | Q(assessment_ends_at__gt=now)
        return {
            RoundPhase.UPCOMING: queryset.filter(opens_at__gt=now),
            RoundPhase.OPEN: queryset.filter(opens_at__lte=now, closes_at__gt=now),
            RoundPhase.ASSESSMENT: queryset.filter(Q(closes_at__lte=now) & no_end),
            RoundPhase.FINISHED: queryset.filter(assessment_ends_at__lte=now),
        }[value]


class ApplicationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices)
    programme = django_filters.NumberFilter(field_name="round__programme")
    title = django_filters.CharFilter(lookup_expr="icontains")
    submitted_after = django_filters.IsoDateTimeFilter(field_name="submitted_at", lookup_expr="gte")

    class Meta:
        model = Application
        fields = ["round", "programme", "organisation", "status", "title", "submitted_after"]


class EventFilter(django_filters.FilterSet):
    class Meta:
        model = ApplicationEvent
        fields = ["action"]


class ScoreFilter(django_filters.FilterSet):
    scorer = django_filters.CharFilter(field_name="scorer__email", lookup_expr="iexact")

    class Meta:
        model = Score
        fields = ["criterion", "scorer"]


class VoteFilter(django_filters.FilterSet):
    class Meta:
        model = Vote
        fields = ["application"]


class GrantFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=GrantStatus.choices)
    round = django_filters.NumberFilter(field_name="application__round")
    programme = django_filters.NumberFilter(field_name="application__round__programme")
    organisation = django_filters.NumberFilter(field_name="application__organisation")
    report_overdue = django_filters.BooleanFilter(method="filter_overdue")

    class Meta:
        model = Grant
        fields = ["status", "round", "programme", "organisation", "report_tier"]

    def filter_overdue(self, queryset, name, value):
        overdue = Q(report__status="due", report__due_on__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class PaymentFilter(django_filters.FilterSet):
    paid_after = django_filters.DateFilter(field_name="paid_on", lookup_expr="gte")
    paid_before = django_filters.DateFilter(field_name="paid_on", lookup_expr="lte")

    class Meta:
        model = Payment
        fields = ["tranche", "paid_after", "paid_before"]
