"""E-mails about returns. Each is sent after the transaction that caused it commits."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail

from alliance.models import Membership, Return, Role


def _link(return_: Return) -> str:
    return f"{settings.SITE_URL}/api/v1/returns/{return_.pk}/"


def _send(subject: str, body: str, recipients: list[str]) -> None:
    if recipients:
        send_mail(
            subject=subject,
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=sorted(set(recipients)),
        )


def _load(return_id: int) -> Return:
    return Return.objects.select_related("organisation", "period", "contract").get(pk=return_id)


def _commissioners(return_: Return) -> list[str]:
    return list(
        Membership.objects.filter(
            organisation_id=return_.contract.council_id, role=Role.COMMISSIONER
        ).values_list("user__email", flat=True)
    )


def _partner_people(return_: Return) -> list[str]:
    return list(
        Membership.objects.filter(
            organisation_id=return_.organisation_id,
            role__in=[Role.ALLIANCE_LEAD, Role.CONTRIBUTOR],
        ).values_list("user__email", flat=True)
    )


def return_submitted(return_id: int) -> None:
    return_ = _load(return_id)
    late = " It arrived after its due date." if return_.is_late else ""
    _send(
        f"Return submitted: {return_.organisation.name}, {return_.period.label}",
        f"{return_.organisation.name} has submitted its return for {return_.period.label} "
        f"to {return_.contract.title}.{late}\n\nReview it here:\n{_link(return_)}\n",
        _commissioners(return_),
    )


def return_changes_requested(return_id: int, reason: str) -> None:
    return_ = _load(return_id)
    _send(
        f"Changes requested: your return for {return_.period.label}",
        f"The council has asked for changes to {return_.organisation.name}'s return for "
        f"{return_.period.label}:\n\n{reason}\n\nEdit it and submit it again here:\n"
        f"{_link(return_)}\n",
        _partner_people(return_),
    )


def return_accepted(return_id: int) -> None:
    return_ = _load(return_id)
    _send(
        f"Return accepted: {return_.period.label}",
        f"The council has accepted {return_.organisation.name}'s return for "
        f"{return_.period.label}, rated '{return_.get_rating_display()}'.\n\n{_link(return_)}\n",
        _partner_people(return_),
    )


def return_reopened(return_id: int, reason: str) -> None:
    return_ = _load(return_id)
    _send(
        f"Return reopened: {return_.period.label}",
        f"The council has reopened {return_.organisation.name}'s return for "
        f"{return_.period.label} so that it can be changed:\n\n{reason}\n\n{_link(return_)}\n",
        _partner_people(return_),
    )
