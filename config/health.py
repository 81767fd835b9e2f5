"""/health/: is the database answering, and is the broker?

The web process keeps working while Redis is down (jobs wait in the outbox), so a
broker outage reports "degraded" with 200; only a database outage answers 503.
"""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"ok": True, "vendor": connection.vendor}
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}


def _broker() -> dict:
    if not settings.REDIS_URL:
        return {"ok": True, "mode": "eager (no broker configured)"}
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        client.ping()
        return {"ok": True, "mode": "redis"}
    except Exception as exc:
        return {"ok": False, "mode": "redis", "error": exc.__class__.__name__}


def health(request):
    database, broker = _database(), _broker()
    if not database["ok"]:
        state, code = "down", 503
    elif not broker["ok"]:
        state, code = "degraded", 200
    else:
        state, code = "ok", 200
    return JsonResponse({"status": state, "database": database, "broker": broker}, status=code)
