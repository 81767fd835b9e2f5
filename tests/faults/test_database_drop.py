"""The database connection dropped in the middle of a grant application's submission:
a clean 503, and the application is still a draft with no submission recorded."""

import threading

import psycopg
import pytest
from django.db import connection

from grants.models import ApplicationEvent
from grants.services import applications as application_services
from tests.alliance.factories import MembershipFactory
from tests.conftest import client_for
from tests.grants.factories import ApplicationFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_database_dropped_mid_submission_is_a_503_and_nothing_saved(monkeypatch):
    application = ApplicationFactory()
    applicant = MembershipFactory(organisation=application.organisation, role="applicant").user
    real_problems = application_services.eligibility.problems_for
    settings_dict = connection.settings_dict

    def killed_after_the_locks(*args):
        # The round and the application are locked; another session ends this backend.
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
        return real_problems(*args)

    monkeypatch.setattr(application_services.eligibility, "problems_for", killed_after_the_locks)
    response = client_for(applicant).post(f"/api/v1/applications/{application.pk}/submit/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    connection.close()  # the killed connection; the next query opens a fresh one
    application.refresh_from_db()
    assert application.status == "draft"
    assert application.submitted_at is None
    assert not ApplicationEvent.objects.filter(application=application, action="submitted").exists()
