"""Compiling fund utilisation: what a programme and each of its rounds budgeted, awarded
and paid, overall and by ward and legal form of the group funded.

Meanings, read from grants/services (awards.py, payments.py, fund_down.py):

- **awarded**: the sum of `Grant.amount` over grants that stand. A grant is created only
  by an award decision (officer, or funding down a ranking); declined and withdrawn
  applications never get one. Only grants whose application is `awarded` count, so a
  grant whose application were ever taken back would drop out. A grant's amount is its
  current value (nothing reduces one today; if something does, its new value counts).
- **paid**: the sum of the `Payment` rows of those grants (not the running
  `Grant.paid_total`; the payments are the record).
- **remaining**: budget - awarded, for the programme and for each round.
- **applications**: applications received, i.e. submitted at some time (decided,
  withdrawn after submission, or waiting); drafts never count.
- **grants**: the number of grants that stand.

Ward: the ward an application benefits, from its `ward_codes`. An application may name
several; it is counted, with all its money, under its **primary ward**, the first it
lists (groups list where they mainly work first). Counting it under each ward would add
its money several times over and make the wards add up to more than the total; splitting
the money would invent figures nobody decided. Applications naming no ward are counted
under "No ward given".

Every sum is a GROUP BY in the database (round x ward x legal form); Python only files
the grouped rows (a few per ward) into the payload. The number of queries does not grow
with the number of grants.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.db.models.fields.json import KeyTextTransform

from alliance.models import Ward
from alliance.models.people import LegalForm
from grants.models import Application, ApplicationStatus, Grant, Payment, Programme, Round

NO_WARD = ""
NO_WARD_NAME = "No ward given"
ZERO = Decimal("0.00")
ATTRIBUTION = (
    "Each application and grant is counted, with all its money, under its primary ward: "
    "the first ward it lists. Nothing is counted twice, so wards add up to the total."
)
COUNTS = ("applications", "grants")
MONEY = ("awarded", "paid")


def canonical_json(payload: dict) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(payload: dict) -> str:
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


def money(value: Decimal | None) -> str:
    return str((value or ZERO).quantize(Decimal("0.01")))


def _primary_ward(path: str) -> KeyTextTransform:
    # `ward_codes -> 0` (PostgreSQL) / `$[0]` (SQLite): the first ward listed, or NULL.
    return KeyTextTransform("0", path)


def _grouped(programme: Programme) -> dict[tuple[int, str, str], dict[str, Any]]:
    """(round, ward code, legal form) -> applications, grants, awarded, paid: three
    GROUP BY queries, kept apart so that payments never multiply grant amounts."""
    cells: dict[tuple[int, str, str], dict[str, Any]] = defaultdict(
        lambda: {"applications": 0, "grants": 0, "awarded": ZERO, "paid": ZERO}
    )
    received = (
        Application.objects.filter(round__programme=programme, submitted_at__isnull=False)
        .exclude(status=ApplicationStatus.DRAFT)
        .values_list("round_id", _primary_ward("ward_codes"), "organisation__legal_form")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for round_id, ward, form, n in received:
        cells[round_id, ward or NO_WARD, form]["applications"] = n
    standing = {
        "application__round__programme": programme,
        "application__status": ApplicationStatus.AWARDED,
    }
    grants = (
        Grant.objects.filter(**standing)
        .values_list(
            "application__round_id",
            _primary_ward("application__ward_codes"),
            "application__organisation__legal_form",
        )
        .annotate(n=Count("pk"), awarded=Sum("amount"))
        .order_by()
    )
    for round_id, ward, form, n, awarded in grants:
        cell = cells[round_id, ward or NO_WARD, form]
        cell["grants"], cell["awarded"] = n, awarded
    payments = (
        Payment.objects.filter(**{f"grant__{k}": v for k, v in standing.items()})
        .values_list(
            "grant__application__round_id",
            _primary_ward("grant__application__ward_codes"),
            "grant__application__organisation__legal_form",
        )
        .annotate(paid=Sum("amount"))
        .order_by()
    )
    for round_id, ward, form, paid in payments:
        cells[round_id, ward or NO_WARD, form]["paid"] = paid
    return cells


def _blank() -> dict[str, Any]:
    return {"applications": 0, "grants": 0, "awarded": ZERO, "paid": ZERO}


def _add(into: dict[str, Any], cell: dict[str, Any]) -> None:
    for key in (*COUNTS, *MONEY):
        into[key] += cell[key]


def _json(cell: dict[str, Any]) -> dict[str, Any]:
    return {
        **{key: cell[key] for key in COUNTS},
        **{key: money(cell[key]) for key in MONEY},
    }


def _headline(budget: Decimal, cell: dict[str, Any]) -> dict[str, Any]:
    return {
        "budget": money(budget),
        **_json(cell),
        "remaining": money(budget - cell["awarded"]),
    }


def _breakdown(cells, rounds, position: int, labels: dict[str, dict]) -> list[dict]:
    """One row per ward (or legal form): its figures in each round, and in all."""
    rows: dict[str, dict[str, Any]] = {}
    for key, cell in cells.items():
        code = key[position]
        if code not in rows:
            rows[code] = {"total": _blank(), "rounds": {r.pk: _blank() for r in rounds}}
        _add(rows[code]["total"], cell)
        _add(rows[code]["rounds"][key[0]], cell)
    ordered = sorted(rows, key=lambda code: (code == NO_WARD, labels[code]["name"], code))
    return [
        {
            **labels[code],
            **_json(rows[code]["total"]),
            "rounds": [_json(rows[code]["rounds"][r.pk]) for r in rounds],
        }
        for code in ordered
    ]


def compile_utilisation(programme: Programme) -> dict[str, Any]:
    """The programme's fund utilisation as a JSON-ready dict of exact figures."""
    rounds = list(Round.objects.filter(programme=programme).order_by("opens_at", "pk"))
    cells = _grouped(programme)
    by_round = {r.pk: _blank() for r in rounds}
    total = _blank()
    for (round_id, _, _), cell in cells.items():
        _add(by_round[round_id], cell)
        _add(total, cell)
    codes = {key[1] for key in cells} - {NO_WARD}
    ward_labels = {
        code: {"code": code, "name": name}
        for code, name in Ward.objects.filter(code__in=codes).values_list("code", "name")
    }
    for code in codes - set(ward_labels):  # a code no longer in the ward register
        ward_labels[code] = {"code": code, "name": code}
    ward_labels[NO_WARD] = {"code": NO_WARD, "name": NO_WARD_NAME}
    forms = {key[2] for key in cells}
    form_labels = {
        form: {"code": form, "name": dict(LegalForm.choices).get(form, form)} for form in forms
    }
    return {
        "programme": {
            "id": programme.pk,
            "name": programme.name,
            "funder": programme.funder.name,
            "currency": programme.currency,
        },
        "ward_attribution": ATTRIBUTION,
        "totals": _headline(programme.budget, total),
        "rounds": [
            {"id": r.pk, "name": r.name, **_headline(r.budget, by_round[r.pk])} for r in rounds
        ],
        "by_ward": _breakdown(cells, rounds, 1, ward_labels),
        "by_legal_form": _breakdown(cells, rounds, 2, form_labels),
    }
