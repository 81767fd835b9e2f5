"""Events the grants app publishes after commit, for `reporting` (fund utilisation, open
data) to subscribe to. The publishing machinery is `alliance.events`."""

from dataclasses import dataclass

from alliance.events import DomainEvent


@dataclass(frozen=True)
class GrantAwarded(DomainEvent):
    grant_id: int
    programme_id: int


@dataclass(frozen=True)
class GrantPaymentRecorded(DomainEvent):
    grant_id: int
    payment_id: int


@dataclass(frozen=True)
class GrantReportSubmitted(DomainEvent):
    grant_id: int
