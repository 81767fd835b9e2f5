"""E-mails to groups, sent only after the change they describe has committed.

Each function takes an id and loads what it needs, so it can run from `on_commit` or from a
Celery task alike. Messages are plain English: the people reading them are volunteers.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from alliance.models import Membership
from config.money import gbp
from grants.access import APPLYING_ROLES


def _recipients(organisation_id: int, *also) -> list[str]:
    emails = set(
        Membership.objects.filter(
            organisation_id=organisation_id, role__in=APPLYING_ROLES
        ).values_list("user__email", flat=True)
    )
    emails.update(user.email for user in also if user is not None)
    return sorted(emails)


def _send(subject: str, body: str, recipients: list[str]) -> None:
    if recipients:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


def _link(application_id: int) -> str:
    return f"{settings.SITE_URL}/api/v1/applications/{application_id}/"


def application_submitted(application_id: int) -> None:
    from grants.models import Application

    app = Application.objects.select_related("round", "organisation", "created_by").get(
        pk=application_id
    )
    _send(
        f"We have your application: {app.title}",
        f"Hello,\n\nThank you. {app.organisation.name}'s application '{app.title}' to "
        f"{app.round.name} arrived on {timezone.localtime(app.submitted_at):%d %B %Y}. "
        f"We will tell you the decision by e-mail.\n\n{_link(app.pk)}\n",
        _recipients(app.organisation_id, app.created_by),
    )


def application_decided(application_id: int) -> None:
    from grants.models import Application

    app = Application.objects.select_related("decision", "organisation", "created_by").get(
        pk=application_id
    )
    decision = app.decision
    if decision.outcome == "award":
        subject = f"Good news: {gbp(decision.amount)} for {app.title}"
        body = (
            f"Hello,\n\n{app.organisation.name} has been awarded {gbp(decision.amount)} for "
            f"'{app.title}'.\n"
            + (
                f"\nConditions of the grant:\n{decision.conditions}\n"
                if decision.conditions
                else ""
            )
            + "\nPlease sign in and accept the grant so that we can pay it.\n\n"
            + _link(app.pk)
            + "\n"
        )
    else:
        subject = f"Our decision on {app.title}"
        body = (
            f"Hello,\n\nWe are sorry: this time we cannot fund '{app.title}'.\n\n"
            f"Why: {decision.reason}\n\nYou are welcome to apply to a later round.\n"
        )
    _send(subject, body, _recipients(app.organisation_id, app.created_by))


def payment_recorded(payment_id: int) -> None:
    from grants.models import Payment

    payment = Payment.objects.select_related("grant__application").get(pk=payment_id)
    app = payment.grant.application
    _send(
        f"Payment of {gbp(payment.amount)} for {app.title}",
        f"Hello,\n\nWe paid {gbp(payment.amount)} on {payment.paid_on:%d %B %Y} "
        f"(reference {payment.reference}). So far {gbp(payment.grant.paid_total)} of "
        f"{gbp(payment.grant.amount)} has been paid.\n",
        _recipients(app.organisation_id),
    )
