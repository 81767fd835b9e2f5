"""Fault tests: services stopped or killed under the application, each test with its own
instances on free ports (never the machine's shared ones).

`DESCRIPTIONS` says in a sentence what each test does; `make load` writes it, with the
outcome, into bench/RESULTS.md.
"""

DESCRIPTIONS = {
    "test_redis_stopped_during_submissions": (
        "Own redis-server on a free port as broker; stopped; applications submitted, a "
        "return accepted and export jobs asked for through the API; Redis restarted on the "
        "same port; the outbox dispatcher and a real Celery worker run: each request "
        "answered within 2 s and every job ran exactly once."
    ),
    "test_worker_killed_mid_job_completes_once": (
        "A real Celery worker on its own Redis runs a slow job and is killed with SIGKILL "
        "mid-job; a second worker is started and the dispatcher requeues the stalled job: it "
        "completes once, with one result."
    ),
    "test_database_dropped_mid_submission_is_a_503_and_nothing_saved": (
        "The database backend of a grant application's submission is terminated "
        "(pg_terminate_backend) mid-transaction: a clean 503 and the application stays a "
        "draft with no event."
    ),
}
