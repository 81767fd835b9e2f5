"""Gathering one period's shared learning and grouping it by theme.

Two sources, both already written for sharing (rule 17: no personal data is asked for):
- the learning entries of the period's **accepted** returns (rule 9: only accepted
  returns count; a draft or a return still under review is not the Alliance's yet);
- the lessons and stories of end-of-grant reports submitted within the period's dates, for
  grants of programmes the contract's council runs.

Only what those records hold goes in, with the partner or group that wrote it. A group
whose grant is withheld from publication (for its safety) is not named here either.
The payload holds no timestamps or counters of its own, so the same inputs always give
the same JSON, and so the same content hash.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from alliance.models import ContractMember, LearningEntry, ReportingPeriod, Return, ReturnStatus
from grants.models import EndOfGrantReport, ReportStatus

GRANTS_THEME = "From community grants"
NO_THEME = "Without a theme"
WITHHELD_GROUP = "A community group (name withheld)"
# Which answers of an end-of-grant report hold what a group learnt (grants/services/
# reports.py QUESTIONS): "what went well, and what would you do differently?" from the
# standard tier up, and the anonymised story every tier asks for. `theme` is read when a
# report carries one; the current questions do not ask for it.
LESSON_ANSWER = "what_went_well"
STORY_ANSWER = "story"
THEME_ANSWER = "theme"


def canonical_json(payload: dict) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(payload: dict) -> str:
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


def tidy(text: Any) -> str:
    """Whitespace collapsed: the form a theme is shown in."""
    return " ".join(str(text or "").split())


def theme_key(text: Any) -> str:
    """What makes two themes the same: "Peer support" and "peer  support " group together."""
    return tidy(text).casefold()


def _answer(answers: dict, key: str) -> str:
    value = answers.get(key) if isinstance(answers, dict) else None
    return value.strip() if isinstance(value, str) else ""


def _tags(tags: Any) -> list[str]:
    if not isinstance(tags, list):
        return []
    return [tidy(tag) for tag in tags if tidy(tag)]


def _return_entries(period: ReportingPeriod) -> list[tuple[str, dict]]:
    rows = (
        LearningEntry.objects.filter(
            return_record__period_id=period.pk,
            return_record__contract_id=period.contract_id,
            return_record__status=ReturnStatus.ACCEPTED,
        )
        .order_by("return_record__organisation__name", "return_record_id", "pk")
        .values(
            "pk",
            "theme",
            "what_worked",
            "what_did_not",
            "tags",
            "return_record_id",
            "return_record__organisation__name",
        )
    )
    return [
        (
            row["theme"],
            {
                "source": "return",
                "organisation": row["return_record__organisation__name"],
                "return": row["return_record_id"],
                "learning_entry": row["pk"],
                "what_worked": row["what_worked"].strip(),
                "what_did_not": row["what_did_not"].strip(),
                "tags": _tags(row["tags"]),
            },
        )
        for row in rows
    ]


def _grant_entries(period: ReportingPeriod) -> list[tuple[str, dict]]:
    rows = (
        EndOfGrantReport.objects.filter(
            status=ReportStatus.SUBMITTED,
            submitted_at__date__gte=period.starts_on,
            submitted_at__date__lte=period.ends_on,
            grant__application__round__programme__funder_id=period.contract.council_id,
        )
        .order_by("submitted_at", "pk")
        .values(
            "pk",
            "answers",
            "grant__withheld",
            "grant__application__organisation__name",
            "grant__application__round__programme__name",
        )
    )
    entries = []
    for row in rows:
        answers = row["answers"] or {}
        lesson, story = _answer(answers, LESSON_ANSWER), _answer(answers, STORY_ANSWER)
        if not lesson and not story:
            continue
        withheld = row["grant__withheld"]
        entries.append(
            (
                _answer(answers, THEME_ANSWER) or GRANTS_THEME,
                {
                    "source": "grant_report",
                    "organisation": (
                        WITHHELD_GROUP
                        if withheld
                        else row["grant__application__organisation__name"]
                    ),
                    "programme": row["grant__application__round__programme__name"],
                    "report": row["pk"],
                    "lesson": lesson,
                    "story": story,
                },
            )
        )
    return entries


def group_by_theme(entries: list[tuple[str, dict]]) -> list[dict]:
    """Themes in order of first appearance after sorting by name; within a theme, entries
    keep the order they came in. A theme is shown as first written (whitespace tidied)."""
    themes: dict[str, dict] = {}
    for raw_theme, entry in entries:
        key = theme_key(raw_theme) or theme_key(NO_THEME)
        theme = themes.setdefault(key, {"theme": tidy(raw_theme) or NO_THEME, "entries": []})
        theme["entries"].append(entry)
    # Community grants' own group comes last, after the partners' themes.
    return sorted(
        themes.values(),
        key=lambda t: (theme_key(t["theme"]) == theme_key(GRANTS_THEME), theme_key(t["theme"])),
    )


def compile_learning(period: ReportingPeriod) -> dict[str, Any]:
    """The digest's payload for `period` (with its contract loaded)."""
    contract = period.contract
    from_returns = _return_entries(period)
    from_grants = _grant_entries(period)
    accepted = list(
        Return.objects.filter(
            contract_id=contract.pk, period_id=period.pk, status=ReturnStatus.ACCEPTED
        )
        .order_by("organisation__name", "pk")
        .values_list("organisation_id", "organisation__name")
    )
    accepted_ids = {org_id for org_id, _ in accepted}
    awaited = list(
        ContractMember.objects.filter(contract_id=contract.pk)
        .exclude(organisation_id__in=accepted_ids)
        .order_by("organisation__name")
        .values_list("organisation__name", flat=True)
    )
    return {
        "contract": {"id": contract.pk, "title": contract.title, "reference": contract.reference},
        "period": {
            "id": period.pk,
            "label": period.label,
            "starts_on": period.starts_on.isoformat(),
            "ends_on": period.ends_on.isoformat(),
        },
        "themes": group_by_theme(from_returns + from_grants),
        "entry_count": len(from_returns) + len(from_grants),
        # Rule 9: which accepted returns the digest was built from, and who is still awaited.
        "accepted_returns_from": [name for _, name in accepted],
        "returns_awaited_from": awaited,
        "grant_report_count": len(from_grants),
    }
