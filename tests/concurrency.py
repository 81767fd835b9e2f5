"""Running the same work in several threads at once, each with its own database
connection, as several workers or requests would."""

import threading
from collections.abc import Callable

from django.db import connection


def at_once(work: Callable[[], object], *, threads: int = 4, timeout: float = 60) -> list:
    """Start `threads` threads together on `work`; the exceptions they raised."""
    barrier = threading.Barrier(threads)
    errors: list[Exception] = []

    def run():
        try:
            barrier.wait()
            work()
        except Exception as exc:  # reported to the caller
            errors.append(exc)
        finally:
            connection.close()

    started = [threading.Thread(target=run) for _ in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join(timeout=timeout)
    return errors
