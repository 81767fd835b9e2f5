"""Fixtures for the fault tests, reused from the outbox tests (one home for each):
`own_redis` (a redis-server of our own on a free port, to stop and start) and
`worker_factory` (real `celery worker` subprocesses on the test database).

The Alliance fixtures give a contract with a return to accept (`draft`, `lead`, `ward`).
"""

from tests.alliance.conftest import contract, draft, framework, lead, period, ward  # noqa: F401
from tests.reporting.conftest import _media_in_tmp  # noqa: F401
from tests.reporting.test_outbox import own_redis, worker_factory  # noqa: F401
