"""A filter backend that does not build a FilterSet when the request filters nothing."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.filters import OrderingFilter

# Query parameters that are not filters: pagination, ordering, the browsable API's format.
NOT_FILTERS = frozenset({"page", "page_size", "ordering", "format"})


class FilterOnlyWhenAskedBackend(DjangoFilterBackend):
    """django-filter's backend, skipped when no query parameter could be a filter.

    Building a FilterSet deep-copies every declared filter, including the querysets of the
    model-choice ones, and builds and validates a form: on the returns list, as a profile
    showed, that was a tenth of an unfiltered request (bench/RESULTS.md). With no filter
    given, a FilterSet returns the queryset unchanged, so skipping it changes nothing; any
    other parameter (a filter, or an unknown one) goes through django-filter as before.
    """

    def filter_queryset(self, request, queryset, view):
        if NOT_FILTERS.issuperset(request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)


# For a list view: `filter_backends = LIST_FILTER_BACKENDS` (the defaults, made quicker).
LIST_FILTER_BACKENDS = [FilterOnlyWhenAskedBackend, OrderingFilter]
