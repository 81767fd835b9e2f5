"""The applications and grants lists' rows (`FastRowsMixin`) are exactly what DRF would
write, with and without a decision, a grant and a report."""

from decimal import Decimal

import pytest
from rest_framework import serializers

from config.rows import rows_from_values
from grants.api.applications import LIST_COLUMNS as APPLICATION_COLUMNS
from grants.api.applications import LIST_VALUES as APPLICATION_VALUES
from grants.api.grants import LIST_VALUES as GRANT_VALUES
from grants.api.panel_serializers import GrantListSerializer
from grants.api.serializers import ApplicationListSerializer
from grants.models import Application, Grant
from grants.services.applications import application_submit
from grants.services.awards import application_decide
from grants.services.payments import grant_accept
from tests.alliance.factories import OrganisationFactory
from tests.grants.factories import ApplicationFactory


def _as_drf_would(serializer_class, rows):
    serializer = serializer_class()
    return [serializers.ModelSerializer.to_representation(serializer, row) for row in rows]


@pytest.mark.parametrize("accepted", [False, True])
def test_application_and_grant_rows_are_what_drf_would_write(
    accepted, open_round, applicant, commissioner
):
    organisation = applicant.memberships.get().organisation
    awarded = ApplicationFactory(round=open_round, organisation=organisation, created_by=applicant)
    application_submit(application=awarded, by=applicant)
    application_decide(application=awarded, by=commissioner, outcome="award", amount=Decimal("800"))
    ApplicationFactory(round=open_round, organisation=OrganisationFactory())  # no decision
    if accepted:
        grant_accept(grant=Grant.objects.get(), by=applicant)

    applications = list(
        Application.objects.select_related("organisation", "decision", "grant").only(
            *APPLICATION_COLUMNS
        )
    )
    fast = ApplicationListSerializer(applications, many=True).data
    assert fast == _as_drf_would(ApplicationListSerializer, applications)
    assert {row["grant"] is None for row in fast} == {True, False}
    # The list view reads its page as `.values()` rows, not instances: the same output.
    values = Application.objects.order_by("pk").values(*APPLICATION_VALUES)
    from_values = ApplicationListSerializer(
        rows_from_values(values, Application, ("decision", "grant")), many=True
    ).data
    assert from_values == _as_drf_would(
        ApplicationListSerializer, sorted(applications, key=lambda a: a.pk)
    )

    grants = list(Grant.objects.select_related("application__organisation", "report"))
    fast = GrantListSerializer(grants, many=True).data
    assert fast == _as_drf_would(GrantListSerializer, grants)
    assert (fast[0]["report_status"] == "due") is accepted
    values = Grant.objects.order_by("pk").values(*GRANT_VALUES)
    from_values = GrantListSerializer(rows_from_values(values, Grant, ("report",)), many=True)
    assert from_values.data == _as_drf_would(GrantListSerializer, grants)
