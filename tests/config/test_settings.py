"""Settings come from the environment; a malformed value stops start-up, naming it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _settings_with(**env):
    """Import the settings in a fresh interpreter with exactly these variables."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "CELERY_TASK_ALWAYS_EAGER",
        }
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import config.settings as s; print(s.DATABASES['default']['ENGINE'], "
            "s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND, s.DEBUG)",
        ],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_with_nothing_set_the_embedded_default_runs():
    result = _settings_with()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.mail.backends.console.EmailBackend",
        "True",
    ]


def test_database_and_redis_urls_select_postgresql_and_a_real_broker():
    result = _settings_with(
        DATABASE_URL="postgres://u@db:5432/alliance", REDIS_URL="redis://redis:6379/0"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["django.db.backends.postgresql", "False"]


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        ({"DATABASE_URL": "nonsense"}, "DATABASE_URL='nonsense'"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL='localhost:6379' is not a Redis URL"),
        ({"CELERY_TASK_TIME_LIMIT": "ten"}, "CELERY_TASK_TIME_LIMIT='ten' is not a whole number"),
        ({"DEBUG": "0"}, "SECRET_KEY must be set"),
        (
            {"DATABASE_URL": "postgres://u@db:5432/a", "PG_RANDOM_PAGE_COST": "ssd"},
            "PG_RANDOM_PAGE_COST='ssd' is not a number",
        ),
        (
            {"CELERY_TASK_TIME_LIMIT": "4000"},
            "CELERY_TASK_TIME_LIMIT must be below CELERY_VISIBILITY_TIMEOUT",
        ),
    ],
)
def test_a_malformed_value_stops_start_up_naming_the_variable(env, named):
    result = _settings_with(**env)
    assert result.returncode != 0
    assert named in result.stderr


def test_deploy_checks_pass_with_production_variables():
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "a-production-like-secret-key-" + "k" * 40,
        "ALLOWED_HOSTS": "alliance.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
