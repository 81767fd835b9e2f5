"""The published form of a fund utilisation snapshot, for the whole programme or one round.

What is suppressed (rule 10) and why:

- The headline figures of the programme and of each round (budget, awarded, paid,
  remaining, number of applications and of grants) are published exactly. They are the
  council's spending, not figures about a place or a kind of group, and budget minus
  remaining would give the amount awarded anyway.
- The breakdowns by ward and by legal form could identify a group (two grants to faith
  groups in one ward). For each breakdown, each count (applications, grants) is one
  table: wards (or legal forms) x rounds. Its row totals are the programme's breakdown,
  its columns each round's, so the two views are protected together and a round's
  hidden cell cannot be worked back from the programme's figures. The table goes
  through reporting/suppression.py (primary and secondary suppression).
- The table's column totals and grand total are the headline counts, which are always
  published. If suppression would need one of them hidden (a round with 1 to 5 grants,
  say), the cells could be worked back from it, so that count's breakdown is withheld
  whole: every cell `c`, zeros too.
- Money is not suppressed by itself; where a grant count is hidden, the awarded and paid
  amounts of that cell are hidden too. They are hidden in the same cells as the counts,
  so no line (a ward across rounds, a round across wards) has a single hidden amount
  that its total would give away.

Commissioners of the programme's council may ask for the exact figures (`internal`),
labelled unpublished, with the list of cells the published form hides.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from reporting import suppression as sup
from reporting.suppression import SUPPRESSED
from reporting.utilisation.compile import COUNTS, MONEY

BREAKDOWNS = ("by_ward", "by_legal_form")
WITHHELD_WHY = (
    "withheld whole: a headline count it adds up to is from 1 to {threshold}, so its "
    "cells could be worked back from it"
)


def _hidden_cells(rows: list[dict], count: str, n_rounds: int, threshold: int):
    """For one count of one breakdown: (hidden positions, withheld?). A position is
    (row, round index) or (row, None) for the row's total over the programme."""
    if not rows or not n_rounds:
        return set(), False
    table = sup.suppress_table(
        [[row["rounds"][k][count] for k in range(n_rounds)] for row in rows],
        threshold=threshold,
    )
    if table.grand_total == SUPPRESSED or SUPPRESSED in table.column_totals:
        every = {(i, k) for i in range(len(rows)) for k in [*range(n_rounds), None]}
        return every, True
    hidden = {
        (i, k)
        for i, cells in enumerate(table.cells)
        for k, value in enumerate(cells)
        if value == SUPPRESSED
    }
    hidden |= {(i, None) for i, value in enumerate(table.row_totals) if value == SUPPRESSED}
    return hidden, False


def render(
    payload: dict[str, Any],
    *,
    round_id: int | None = None,
    internal: bool = False,
    threshold: int | None = None,
) -> dict[str, Any]:
    """The programme's figures (or one round's, `round_id`), published or exact."""
    threshold = threshold or settings.SUPPRESSION_THRESHOLD
    rounds = payload["rounds"]
    k = None
    if round_id is not None:
        k = next(i for i, r in enumerate(rounds) if r["id"] == round_id)
    out: dict[str, Any] = {
        "programme": payload["programme"],
        "round": None if k is None else {"id": rounds[k]["id"], "name": rounds[k]["name"]},
        "ward_attribution": payload["ward_attribution"],
        "totals": payload["totals"] if k is None else rounds[k],
        "rounds": rounds if k is None else [rounds[k]],
        "withheld": [],
    }
    suppressed = []
    for breakdown in BREAKDOWNS:
        rows = payload[breakdown]
        figures = [
            {
                "code": row["code"],
                "name": row["name"],
                **{f: (row if k is None else row["rounds"][k])[f] for f in (*COUNTS, *MONEY)},
            }
            for row in rows
        ]
        for count in COUNTS:
            hidden, withheld = _hidden_cells(rows, count, len(rounds), threshold)
            if withheld:
                out["withheld"].append(
                    {
                        "breakdown": breakdown,
                        "count": count,
                        "why": WITHHELD_WHY.format(threshold=threshold),
                    }
                )
            hidden_fields = (count, *MONEY) if count == "grants" else (count,)
            for i, row in enumerate(figures):
                if (i, k) not in hidden:
                    continue
                suppressed.append(
                    {"breakdown": breakdown, "code": row["code"], "figures": list(hidden_fields)}
                )
                if not internal:
                    for field in hidden_fields:
                        row[field] = SUPPRESSED
        out[breakdown] = figures
    if internal:
        out.update(published=False, label=sup.INTERNAL_LABEL, suppressed=suppressed)
    else:
        out.update(published=True, label=sup.PUBLISHED_LABEL.format(threshold=threshold))
    return out
