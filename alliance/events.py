"""Named domain events: the one seam between apps (DESIGN §2).

`alliance` publishes; apps further up (`reporting`) subscribe in their AppConfig.ready,
so there is one place to read who reacts to what. Events are delivered after the
publishing transaction commits, never before, and never if it rolls back.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DomainEvent:
    """Base class: subclasses are frozen dataclasses carrying ids, never model objects."""


Handler = Callable[[DomainEvent], None]
_subscribers: dict[type[DomainEvent], list[Handler]] = defaultdict(list)


def subscribe(event_type: type[DomainEvent], handler: Handler) -> None:
    if handler not in _subscribers[event_type]:
        _subscribers[event_type].append(handler)


def subscribers(event_type: type[DomainEvent]) -> list[Handler]:
    return list(_subscribers[event_type])


def publish_on_commit(event: DomainEvent) -> None:
    transaction.on_commit(lambda: _deliver(event))


def _deliver(event: DomainEvent) -> None:
    for handler in subscribers(type(event)):
        # One subscriber's failure must not stop the others: the state change has
        # already committed, and each subscriber records and retries its own work.
        try:
            handler(event)
        except Exception:
            logger.exception("Subscriber %r failed on %r", handler, event)


# --- Alliance returns --------------------------------------------------------------------
@dataclass(frozen=True)
class ReturnAccepted(DomainEvent):
    """A commissioner accepted a quarterly return: its figures now count (rule 9)."""

    return_id: int
    contract_id: int
    period_id: int
    organisation_id: int


@dataclass(frozen=True)
class ReturnReopened(DomainEvent):
    """An accepted return went back to editing: its figures no longer count until
    accepted again."""

    return_id: int
    contract_id: int
    period_id: int
    organisation_id: int
