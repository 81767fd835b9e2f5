"""Mail backends that fail the way a real SMTP server does, then deliver to the test
outbox (django.core.mail.outbox) like the locmem backend."""

import smtplib
import threading
import time

from django.core.mail.backends.locmem import EmailBackend


class FlakyBackend(EmailBackend):
    """Fails `failures` sends with `error` (a callable taking the message), then delivers.

    `slow` seconds are spent on every delivery, holding the sender's transaction open so
    that workers started together overlap. The sleep only makes the overlap likely; on
    PostgreSQL each delivery also records how many other sessions were then waiting on a
    lock (`lock_waiters_seen`), so a test can check that the race really happened instead
    of trusting the timing."""

    failures = 0
    error = staticmethod(lambda message: smtplib.SMTPServerDisconnected("Connection lost"))
    slow = 0.0
    attempts = 0
    lock_waiters_seen = 0
    _lock = threading.Lock()

    @classmethod
    def reset(cls, *, failures=0, error=None, slow=0.0):
        cls.failures, cls.slow, cls.attempts = failures, slow, 0
        cls.lock_waiters_seen = 0
        if error is not None:
            cls.error = staticmethod(error)

    def send_messages(self, messages):
        with self._lock:
            type(self).attempts += 1
            failing = type(self).failures > 0
            if failing:
                type(self).failures -= 1
        if failing:
            raise type(self).error(messages[0])
        time.sleep(type(self).slow)
        self._count_lock_waiters()
        return super().send_messages(messages)

    def _count_lock_waiters(self) -> None:
        from django.db import connection

        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            waiting = cursor.fetchone()[0]
        with self._lock:
            type(self).lock_waiters_seen = max(type(self).lock_waiters_seen, waiting)
