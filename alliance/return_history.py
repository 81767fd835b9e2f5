"""A return's history (rule 5, rule 16): every transition, and every change to a figure
after the return was first submitted, oldest first.

Figure changes come from the history tables kept by django-simple-history; each record is
compared with the one before it for the same row, so the reader sees from and to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from alliance.models import Figure, Return, WardFigure


@dataclass(frozen=True)
class HistoryEntry:
    kind: str  # "transition" or "figure"
    at: datetime
    actor: str
    what: str
    from_value: str
    to_value: str
    comment: str


def _number(value) -> str:
    return "blank" if value is None else f"{value.normalize():f}"


def _show(record, fields: tuple[str, ...]) -> str:
    """A figure as a person reads it: `12`, or `9 / 10` for a ratio."""
    if record is None:
        return ""
    if "numerator" in fields and (record.numerator is not None or record.denominator is not None):
        return f"{_number(record.numerator)} / {_number(record.denominator)}"
    return _number(record.value)


def _figure_changes(return_: Return, labels: dict[int, str]) -> list[HistoryEntry]:
    since = return_.first_submitted_at
    entries = []
    sources = [
        (
            Figure.history.filter(return_record_id=return_.pk),
            ("value", "numerator", "denominator"),
            lambda r: labels.get(r.id, "figure"),
        ),
        (
            WardFigure.history.filter(figure__return_record_id=return_.pk).select_related("ward"),
            ("value",),
            lambda r: f"{labels.get(r.figure_id, 'figure')} in {r.ward.name}",
        ),
    ]
    for records, fields, name in sources:
        previous: dict[int, object] = {}
        for record in records.select_related("history_user").order_by("history_date", "pk"):
            before = previous.get(record.id)
            previous[record.id] = record
            if record.history_date <= since:
                continue
            after = None if record.history_type == "-" else record
            shown_before, shown_after = _show(before, fields), _show(after, fields)
            if shown_before == shown_after:
                continue  # a save that changed only a note, or nothing
            entries.append(
                HistoryEntry(
                    kind="figure",
                    at=record.history_date,
                    actor=record.history_user.email if record.history_user else "",
                    what=name(record),
                    from_value=shown_before,
                    to_value=shown_after or "removed",
                    comment=getattr(record, "note", "") or "",
                )
            )
    return entries


def return_history(return_: Return) -> list[HistoryEntry]:
    entries = [
        HistoryEntry(
            kind="transition",
            at=t.at,
            actor=t.actor.email,
            what="status",
            from_value=t.from_status,
            to_value=t.to_status,
            comment=" ".join(
                filter(None, [t.comment, f"Rated {t.get_rating_display()}." if t.rating else ""])
            ),
        )
        for t in return_.transitions.select_related("actor")
    ]
    if return_.first_submitted_at is not None:
        labels = {
            f.pk: f"{f.indicator_version.indicator.code} ({f.indicator_version.name})"
            for f in return_.figures.select_related("indicator_version__indicator")
        }
        entries += _figure_changes(return_, labels)
    return sorted(entries, key=lambda e: (e.at, e.kind != "transition"))
