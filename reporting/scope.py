"""Which contract and period a compiled report is for: one rule for every report."""

from __future__ import annotations

from alliance.models import Contract, ReportingPeriod
from config.errors import RuleBroken


def check_period(contract: Contract, period: ReportingPeriod) -> None:
    """A report is compiled for one of the contract's own reporting periods."""
    if period.contract_id != contract.pk:
        raise RuleBroken(
            "That period is not one of this contract's reporting periods.",
            rule="reports.period_of_contract",
            fields={"period": ["Choose a reporting period of the contract."]},
        )
