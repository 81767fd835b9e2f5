"""A job kind that takes a few seconds of real work, for killing a worker mid-job.

A worker started with `--include tests.faults.slow_kind` registers it when it starts;
the test process registers it through the `slow_kind` fixture.
"""

import time

from reporting import kinds
from reporting.kinds import JobKind

NAME = "fault_slow"


def slow_handler(params: dict) -> dict:
    """Busy for `params["seconds"]` seconds (counting, like a compile over many rows)."""
    deadline = time.monotonic() + params["seconds"]
    counted = 0
    while time.monotonic() < deadline:
        counted += 1
    return {"worked_seconds": params["seconds"], "counted": counted > 0}


SLOW = JobKind(name=NAME, title="a slow test job", handler=slow_handler)
kinds.register(SLOW)
