"""The words of the daily reminder. Plain English for people doing this after a long day:
what is wanted, by when, what state it is in, and the link to do it."""

from __future__ import annotations

from datetime import date

from django.conf import settings

from reporting.reminders.collect import GRANT_REPORT, PARTNER_RETURN, RETURN, Item, Person

NEXT_STEP = {
    (RETURN, "not_started"): "It has not been started yet: start it, fill it in and ask a "
    "lead to submit it.",
    (RETURN, "draft"): "It is a draft: finish it and ask a lead to submit it.",
    (RETURN, "changes_requested"): "The council asked for changes: make them and submit it again.",
    (GRANT_REPORT, "due"): "It takes a few minutes: sign in and answer the questions.",
    (PARTNER_RETURN, "not_started"): "They have not started it.",
    (PARTNER_RETURN, "draft"): "They have a draft but have not submitted it.",
    (PARTNER_RETURN, "changes_requested"): "It is waiting for the changes you asked for.",
}


def _when(due_on: date, today: date) -> str:
    days = (due_on - today).days
    on = f"{due_on:%A} {due_on.day} {due_on:%B %Y}"
    if days == 0:
        return f"It is due today, {on}."
    if days == 1:
        return f"It is due tomorrow, {on}."
    if days > 1:
        return f"It is due on {on}, in {days} days."
    if days == -1:
        return f"It was due yesterday, {on}."
    return f"It was due on {on}, {-days} days ago."


def _line(item: Item, today: date) -> str:
    return (
        f"- {item.organisation}: {item.what}.\n"
        f"  {_when(item.due_on, today)} {NEXT_STEP[(item.kind, item.state)]}\n"
        f"  {item.link}\n"
    )


def _split(person: Person) -> tuple[list[Item], list[Item]]:
    """The person's own things to send, and partners' overdue returns (commissioners)."""
    items = person.sorted_items()
    return (
        [item for item in items if item.kind != PARTNER_RETURN],
        [item for item in items if item.kind == PARTNER_RETURN],
    )


def subject(person: Person, today: date) -> str:
    own, partners = _split(person)
    parts = []
    overdue = sum(item.overdue(today) for item in own)
    if len(own) == 1:
        item = own[0]
        state = "is overdue" if overdue else "is due soon"
        parts.append(f"{item.organisation}'s {item.what.split(' (')[0]} {state}")
    elif own:
        parts.append(f"{len(own)} things to send" + (f", {overdue} overdue" if overdue else ""))
    if partners:
        returns = "return" if len(partners) == 1 else "returns"
        parts.append(f"{len(partners)} partner {returns} overdue")
    return "Reminder: " + "; ".join(parts)


def body(person: Person, today: date) -> str:
    items, partners = _split(person)
    overdue = [item for item in items if item.overdue(today)]
    soon = [item for item in items if not item.overdue(today)]
    first_name = person.name.split()[0] if person.name.strip() else "there"
    parts = [f"Hello {first_name},\n\nA short list, so that nothing slips.\n"]
    if overdue:
        parts.append("\nOverdue: please send these as soon as you can\n\n")
        parts.extend(_line(item, today) for item in overdue)
    if soon:
        parts.append(f"\nDue in the next {settings.REMINDERS_DAYS_BEFORE} days\n\n")
        parts.extend(_line(item, today) for item in soon)
    if partners:
        parts.append("\nOverdue returns from partners in contracts you commission\n\n")
        parts.extend(_line(item, today) for item in partners)
    if any(item.kind == RETURN for item in items):
        parts.append("\nContributors can fill in a quarterly return; only a lead can submit it.\n")
    parts.append(
        "\nYou get at most one reminder a day, and only while something is due within "
        f"{settings.REMINDERS_DAYS_BEFORE} days or overdue.\n"
    )
    return "".join(parts)
