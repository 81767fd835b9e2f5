"""Rule 12: everything checked when an application is submitted, every failure listed.

Each check returns Problems rather than raising, so a group sees everything to fix at once
instead of one thing per attempt.
"""

from __future__ import annotations

from decimal import Decimal

from alliance.models import Ward
from alliance.models.people import LegalForm
from config.errors import Problem
from config.money import gbp
from grants.models import Application, AttachmentKind, Grant, Programme, Round
from grants.models.applications import LIVE_STATUSES
from grants.models.awards import OPEN_GRANT_STATUSES

SUMMARY_MIN_CHARS = 50
SUMMARY_MAX_CHARS = 1500


def problems_for(application: Application, round_: Round, programme: Programme) -> list[Problem]:
    lines = list(application.budget_lines.all())
    return [
        *_completeness(application, lines),
        *_amount(application, programme),
        *_budget_lines(application, lines),
        *_organisation(application, programme),
        *_area(application, programme),
        *_documents(application, programme),
        *_limits(application, round_, programme),
    ]


def _completeness(app: Application, lines) -> list[Problem]:
    problems = []
    missing = {
        "title": "Give your project a title.",
        "amount_requested": "Say how much you are asking for.",
        "ward_codes": "Say which wards your project will help.",
        "expected_beneficiaries": "Say roughly how many people will benefit.",
        "themes": "Choose at least one of the family themes your project serves.",
        "starts_on": "Say when your project will start.",
        "ends_on": "Say when your project will end.",
    }
    for field, message in missing.items():
        if getattr(app, field) in (None, "", []):
            problems.append(Problem("missing", message, field))
    length = len(app.summary.strip())
    if length < SUMMARY_MIN_CHARS:
        problems.append(
            Problem(
                "summary_too_short",
                f"Tell us a little more in your summary: at least {SUMMARY_MIN_CHARS} "
                f"characters (it has {length}).",
                "summary",
            )
        )
    elif length > SUMMARY_MAX_CHARS:
        problems.append(
            Problem(
                "summary_too_long",
                f"Please shorten your summary to {SUMMARY_MAX_CHARS} characters "
                f"(it has {length}). Your text is saved.",
                "summary",
            )
        )
    if app.starts_on and app.ends_on and app.ends_on < app.starts_on:
        problems.append(Problem("dates", "The end date is before the start date.", "ends_on"))
    if not lines:
        problems.append(Problem("missing", "Add at least one line to your budget.", "budget_lines"))
    return problems


def _amount(app: Application, programme: Programme) -> list[Problem]:
    amount = app.amount_requested
    if amount is None:
        return []
    if not programme.min_award <= amount <= programme.max_award:
        return [
            Problem(
                "amount_out_of_range",
                f"You asked for {gbp(amount)}; this programme gives between "
                f"{gbp(programme.min_award)} and {gbp(programme.max_award)}.",
                "amount_requested",
            )
        ]
    return []


def _budget_lines(app: Application, lines) -> list[Problem]:
    problems = []
    for number, line in enumerate(lines, start=1):
        if not line.description.strip() or line.amount is None:
            problems.append(
                Problem(
                    "budget_line_incomplete",
                    f"Budget line {number} needs both what it is for and how much.",
                    "budget_lines",
                )
            )
    if problems or app.amount_requested is None or not lines:
        return problems
    total = sum((line.amount for line in lines), Decimal("0"))
    if total != app.amount_requested:
        problems.append(
            Problem(
                "budget_lines_do_not_add_up",
                f"Your budget lines add up to {gbp(total)}, but you asked for "
                f"{gbp(app.amount_requested)}. They need to match.",
                "budget_lines",
            )
        )
    return problems


def _organisation(app: Application, programme: Programme) -> list[Problem]:
    problems = []
    organisation = app.organisation
    allowed = programme.allowed_legal_forms
    if allowed and organisation.legal_form not in allowed:
        names = ", ".join(LegalForm(form).label.lower() for form in allowed)
        problems.append(
            Problem(
                "legal_form_not_eligible",
                f"This programme funds only these kinds of organisation: {names}. "
                f"{organisation.name} is registered as "
                f"{organisation.get_legal_form_display().lower()}.",
            )
        )
    limit = programme.max_annual_income
    if limit is not None:
        income = organisation.latest_annual_income
        if income is None:
            problems.append(
                Problem(
                    "income_unknown",
                    f"Add {organisation.name}'s latest annual income to its details: this "
                    f"programme is for groups with an income of up to {gbp(limit)}.",
                )
            )
        elif income > limit:
            problems.append(
                Problem(
                    "income_too_high",
                    f"This programme is for groups with an annual income of up to "
                    f"{gbp(limit)}; {organisation.name}'s is {gbp(income)}.",
                )
            )
    return problems


def _area(app: Application, programme: Programme) -> list[Problem]:
    codes = list(app.ward_codes or [])
    if not codes:
        return []
    known = dict(Ward.objects.filter(code__in=codes).values_list("code", "name"))
    problems = [
        Problem("unknown_ward", f"'{code}' is not a ward we know.", "ward_codes")
        for code in codes
        if code not in known
    ]
    area = set(programme.area_ward_codes or [])
    outside = [known[code] for code in codes if code in known and area and code not in area]
    if outside:
        problems.append(
            Problem(
                "outside_area_of_benefit",
                "This programme only funds work in its own area; these wards are outside "
                f"it: {', '.join(outside)}.",
                "ward_codes",
            )
        )
    return problems


def _documents(app: Application, programme: Programme) -> list[Problem]:
    present = set(app.attachments.values_list("kind", flat=True))
    return [
        Problem(
            "document_missing",
            f"Please upload your {AttachmentKind(kind).label.lower()}.",
            "attachments",
        )
        for kind in programme.required_documents
        if kind not in present
    ]


def _limits(app: Application, round_: Round, programme: Programme) -> list[Problem]:
    problems = []
    others = Application.objects.filter(
        organisation_id=app.organisation_id, status__in=LIVE_STATUSES
    ).exclude(pk=app.pk)
    if not round_.allows_multiple_applications and others.filter(round=round_).exists():
        problems.append(
            Problem(
                "one_live_application_per_round",
                f"{app.organisation.name} already has an application in this round. A group "
                "can have one application per round: withdraw the other one first if you "
                "would rather send this.",
            )
        )
    waiting = others.filter(round__programme=programme, status="submitted").count()
    if waiting >= programme.max_live_applications:
        problems.append(
            Problem(
                "too_many_live_applications",
                f"{app.organisation.name} already has {waiting} application(s) waiting for a "
                f"decision in this programme; the limit is {programme.max_live_applications}.",
            )
        )
    open_grants = Grant.objects.filter(
        application__organisation_id=app.organisation_id,
        application__round__programme=programme,
        status__in=OPEN_GRANT_STATUSES,
    ).count()
    if open_grants >= programme.max_open_grants:
        problems.append(
            Problem(
                "too_many_open_grants",
                f"{app.organisation.name} has {open_grants} grant(s) from this programme not "
                f"yet completed; the limit is {programme.max_open_grants}. Send the "
                "end-of-grant report first.",
            )
        )
    return problems
