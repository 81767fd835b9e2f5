"""The Alliance personas, contract and framework (tests/alliance/conftest.py), reused for
the collective impact tests: `lead` and `contributor` of the lead partner `organisation`,
`other_partner`, `stranger` (outside the contract), `commissioner` and `other_commissioner`
(another council). For the end-to-end test, `own_redis` (a redis-server of our own on a
free port) and `worker_factory` (real Celery workers on the test database), from the
outbox tests."""

from tests.alliance.conftest import *  # noqa: F401,F403
from tests.reporting.test_outbox import own_redis, worker_factory  # noqa: F401
