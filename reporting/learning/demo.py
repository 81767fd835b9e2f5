"""The demo's shared learning: the digest of every demo period with an accepted return.

Compiled directly (no job) and not e-mailed: loading the demo should not mail the demo
people. Safe to run again: unchanged learning stores no new version."""

from alliance.models import ReportingPeriod, ReturnStatus
from reporting.learning.services import learning_compile


def load() -> dict[str, str]:
    periods = (
        ReportingPeriod.objects.filter(returns__status=ReturnStatus.ACCEPTED)
        .distinct()
        .order_by("contract_id", "starts_on")
        .values_list("contract_id", "pk")
    )
    for contract_id, period_id in periods:
        learning_compile(contract_id=contract_id, period_id=period_id, notify=False)
    return {}
