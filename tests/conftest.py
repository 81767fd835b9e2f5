"""Shared fixtures: the API client, personas, and the markers for real services.

Personas (after healthchecks' alice/bob/charlie):
- `member`: an alliance lead of `organisation`;
- `other_member`: an alliance lead of `other_organisation`;
- `commissioner`: a commissioner of `council`.
"""

import os

import pytest
from django.core.cache import cache
from django.db import connection
from rest_framework.test import APIClient

from tests.alliance.factories import MembershipFactory, OrganisationFactory, UserFactory


def _redis_reachable() -> str | None:
    url = os.environ.get("REDIS_URL")
    if not url:
        return "REDIS_URL is not set: no real Redis to test against"
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception as exc:
        return f"Redis at REDIS_URL does not answer ({exc.__class__.__name__})"
    return None


def pytest_collection_modifyitems(config, items):
    needs_pg = [item for item in items if "postgres" in item.keywords]
    needs_redis = [item for item in items if "redis" in item.keywords]
    if needs_pg:
        from django.conf import settings

        engine = settings.DATABASES["default"]["ENGINE"]
        if "postgresql" not in engine:
            skip = pytest.mark.skip(
                reason="needs PostgreSQL: set DATABASE_URL=postgres://... to run it"
            )
            for item in needs_pg:
                item.add_marker(skip)
    if needs_redis:
        reason = _redis_reachable()
        if reason:
            for item in needs_redis:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings):
    # Hashing passwords slowly is a production virtue and a test suite's vice.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from config.celery import app

    app.conf.task_always_eager = True
    cache.clear()  # throttling counts live in the cache


@pytest.fixture
def api():
    return APIClient()


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)
    return client


def admin_client_for(user):
    """A browser signed in to the admin as `user`, made staff (the admin's own gate); what
    they may then see is the admin's commissioners-only rule, which the tests check."""
    from django.test import Client

    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def council(db):
    return OrganisationFactory(council=True)


@pytest.fixture
def organisation(db):
    return OrganisationFactory()


@pytest.fixture
def other_organisation(db):
    return OrganisationFactory()


@pytest.fixture
def member(organisation):
    return MembershipFactory(organisation=organisation, role="alliance_lead").user


@pytest.fixture
def other_member(other_organisation):
    return MembershipFactory(organisation=other_organisation, role="alliance_lead").user


@pytest.fixture
def commissioner(council):
    return MembershipFactory(organisation=council, role="commissioner").user


@pytest.fixture
def outsider(db):
    """Signed in, but a member of nothing."""
    return UserFactory()


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"
