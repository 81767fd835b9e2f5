"""Mail backends that fail the way a real SMTP server does, then deliver to the test
outbox (django.core.mail.outbox) like the locmem backend."""

import smtplib
import threading
import time

from django.core.mail.backends.locmem import EmailBackend


class FlakyBackend(EmailBackend):
    """Fails `failures` sends with `error` (a callable taking the message), then delivers.
    `slow` seconds are spent on every delivery, to widen a race."""

    failures = 0
    error = staticmethod(lambda message: smtplib.SMTPServerDisconnected("Connection lost"))
    slow = 0.0
    attempts = 0
    _lock = threading.Lock()

    @classmethod
    def reset(cls, *, failures=0, error=None, slow=0.0):
        cls.failures, cls.slow, cls.attempts = failures, slow, 0
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
        return super().send_messages(messages)
