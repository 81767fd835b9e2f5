"""The Celery app. Its settings are the CELERY_* names in config/settings.py, which say
why each is set. Tasks are thin: they take ids, load, and call a service."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("alliance")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
