"""When the database drops mid-request: a clean 503, and nothing half-saved."""

import threading

import psycopg
import pytest
from django.db import connection

from alliance.models import Organisation
from alliance.services import organisations as organisation_services
from tests.conftest import client_for

NEW_GROUP = {"name": "Half Saved Group", "legal_form": "unincorporated_group"}


@pytest.mark.django_db
def test_an_operational_error_mid_service_is_a_503_and_nothing_is_saved(member, monkeypatch):
    from django.db import OperationalError

    real_derive = organisation_services._derive_org_id

    def fails_after_the_insert(organisation):
        real_derive(organisation)
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(organisation_services, "_derive_org_id", fails_after_the_insert)
    response = client_for(member).post("/api/v1/organisations/", NEW_GROUP, format="json")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json()["code"] == "database_unavailable"
    assert not Organisation.objects.filter(name=NEW_GROUP["name"]).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_connection_killed_by_the_server_mid_request_is_a_503_and_nothing_is_saved(
    member, monkeypatch
):
    """A real drop: another session terminates this request's backend between the insert
    and the rest of the service's transaction."""
    real_derive = organisation_services._derive_org_id
    settings_dict = connection.settings_dict

    def killed_mid_transaction(organisation):
        backend_pid = connection.connection.info.backend_pid

        def terminate():
            with psycopg.connect(
                host=settings_dict["HOST"],
                port=settings_dict["PORT"] or 5432,
                user=settings_dict["USER"],
                dbname=settings_dict["NAME"],
                autocommit=True,
            ) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", [backend_pid])

        killer = threading.Thread(target=terminate)
        killer.start()
        killer.join()
        return real_derive(organisation)

    monkeypatch.setattr(organisation_services, "_derive_org_id", killed_mid_transaction)
    response = client_for(member).post("/api/v1/organisations/", NEW_GROUP, format="json")
    assert response.status_code == 503
    connection.close()  # the killed connection; the next query opens a fresh one
    assert not Organisation.objects.filter(name=NEW_GROUP["name"]).exists()
