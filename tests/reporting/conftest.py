"""Fixtures for jobs: a recording job kind, and pointing Celery at a given broker."""

import socket
import threading
from contextlib import contextmanager

import pytest

from reporting import kinds
from reporting.kinds import JobKind, TransientJobError


class Recorder:
    """A job kind's handler that records each call. `params` steer it:
    {"fail": "why"} raises, {"transient": n} raises a transient error on the first n calls."""

    def __init__(self):
        self.calls: list[dict] = []
        self._lock = threading.Lock()
        self.during = None  # called inside the handler, to simulate what happens meanwhile

    def __call__(self, params):
        with self._lock:
            self.calls.append(params)
            count = len(self.calls)
        if self.during is not None:
            self.during(count)
        if "fail" in params:
            raise ValueError(params["fail"])
        if count <= params.get("transient", 0):
            raise TransientJobError("the register was briefly unavailable")
        return {"call": count, "echo": params}


@pytest.fixture
def recorder():
    handler = Recorder()
    kind = JobKind(
        name="recorded",
        title="a recorded test job",
        handler=handler,
        may_request=lambda user: user.is_authenticated,
        who="anyone signed in",
    )
    kinds.register(kind)
    yield handler
    kinds.unregister("recorded")


def closed_port() -> int:
    """A local port nobody listens on: connecting to it is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def celery_broker(url: str):
    """Send tasks to a real broker at `url` instead of running them eagerly."""
    from config.celery import app

    saved = (app.conf.broker_url, app.conf.task_always_eager)

    def reset_pools():
        # Connections and producers are pooled per app; drop them so the new URL is used.
        # (Not closed: kombu shares pools between apps by URL, and may reuse them.)
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.broker_url = url
    app.conf.task_always_eager = False
    reset_pools()
    try:
        yield app
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        reset_pools()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Files jobs make go to a fresh folder per test, never into the working tree.
    settings.MEDIA_ROOT = tmp_path / "media"
