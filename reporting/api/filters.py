import django_filters

from reporting.models import Job, JobState


class JobFilter(django_filters.FilterSet):
    kind = django_filters.CharFilter()
    state = django_filters.ChoiceFilter(choices=JobState.choices)
    key = django_filters.CharFilter(help_text="The exact key, e.g. organisation_register_export")
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")

    class Meta:
        model = Job
        fields = ["kind", "state", "key", "created_after"]
