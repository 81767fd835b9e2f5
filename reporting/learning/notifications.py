"""E-mailing a new version of the shared learning digest to the Alliance.

Who: people with a lead or contributor role in an organisation holding an allocation in
the contract, and the commissioners of the contract's council. Each gets a message of
their own (the Markdown as text, the HTML as an alternative), so nobody's address is shown
to people in other organisations.

Sent once: the digest's `emailed_at` is claimed by a conditional update before sending,
so two callers (a duplicate delivery, the nightly retry) never both send; a failure
clears it again, so the next compile sends what was lost.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Q
from django.utils import timezone

from alliance.models import Allocation, Contract, Membership, Role
from reporting.learning.models import LearningDigest

logger = logging.getLogger(__name__)


def digest_recipients(contract: Contract) -> list[str]:
    partners = Allocation.objects.filter(contract_year__contract_id=contract.pk).values(
        "organisation_id"
    )
    emails = (
        Membership.objects.filter(
            Q(role__in=[Role.ALLIANCE_LEAD, Role.CONTRIBUTOR], organisation_id__in=partners)
            | Q(role=Role.COMMISSIONER, organisation_id=contract.council_id)
        )
        .filter(user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    return sorted(set(emails))


def digest_email(digest_id: int) -> int:
    """Send the digest to its recipients unless it was sent already. Returns how many."""
    claimed = LearningDigest.objects.filter(pk=digest_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return 0  # sent already, or being sent by another caller
    digest = LearningDigest.objects.select_related("contract", "period").get(pk=digest_id)
    subject = f"Shared learning: {digest.contract.title}, {digest.period.label}"
    messages = []
    for address in digest_recipients(digest.contract):
        message = EmailMultiAlternatives(
            subject=subject,
            body=digest.markdown,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
        )
        message.attach_alternative(digest.html, "text/html")
        messages.append(message)
    try:
        get_connection().send_messages(messages)
    except Exception:
        # After commit nothing can be rolled back: log it and leave it for the next compile.
        logger.exception("The shared learning digest %s could not be e-mailed", digest_id)
        LearningDigest.objects.filter(pk=digest_id).update(emailed_at=None)
        return 0
    return len(messages)
