"""Small-number suppression for published figures about families (DESIGN §3 rule 10).

Pure functions, no database: a table of counts goes in, the table as it may be published
comes out, with the list of what was hidden and why. The rules, after the Department for
Education's practice for children-in-need statistics:

1. **Primary.** A count from 1 to the threshold (`SUPPRESSION_THRESHOLD`, default 5) is
   shown as `c`. Totals are counts too: a small row, column or grand total is hidden.
   A true zero is always shown as 0, and is never hidden.
2. **Differencing with the previous period.** When a table of figures to date (cumulative)
   is published after an earlier one, subtracting the two gives the period's own count.
   So a figure whose change from its last *published* value is from 1 to the threshold
   (either way) is hidden as a primary cell too; its change cell then cannot be shown.
   Pass the previous period's published table as `previous` only for figures to date.
3. **Secondary (complementary).** Each row and each column, with its total, is an
   equation: the cells add up to the total. Where a line has exactly one hidden entry,
   it could be worked back from the others, so the smallest non-zero visible cell of that
   line is hidden too (the line's total only when no cell is left to hide). This repeats
   until no line has exactly one hidden entry.
4. **Secondary (linked).** The line rule alone is not enough: by adding and subtracting
   several rows and columns, a hidden cell can still be worked out when it is the only
   link between two groups of hidden cells (a "bridge" when hidden cells are read as
   edges between their row and their column). Such a cell is protected by hiding one
   more cell, the smallest that closes a loop through it; rules 3 and 4 repeat until
   neither finds anything. No hidden cell can then be worked out exactly from the table.
5. **Percentages.** A percentage whose numerator or denominator is hidden is hidden.

What this does not do: it protects one table. Figures published in several tables that
share cells (a ward breakdown and a partner breakdown of the same count) must be
suppressed as one table, or the second table can undo the first. And hidden cells can
still be bounded (a hidden cell in a row totalling 12 is at most 12); that is accepted.

Commissioners may see exact figures, labelled unpublished: `render(table, internal=True)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

SUPPRESSED = "c"
TOTAL = "total"

Published = int | str  # a count, or "c"
Position = tuple[int, int]  # in the grid with totals: row R and column C hold the totals

PRIMARY = "primary"
SECONDARY = "secondary"
SMALL = "small"
DIFFERENCING = "differencing"
COMPLEMENTARY = "complementary"
LINKED = "linked"

REASONS = {
    SMALL: "a count from 1 to {threshold}",
    DIFFERENCING: "it differs from the previous published figure by 1 to {threshold}",
    COMPLEMENTARY: "it could otherwise be worked back from its row or column total",
    LINKED: "it could otherwise be worked out by combining several rows and columns",
}


@dataclass(frozen=True)
class Suppression:
    row: int | Literal["total"]
    column: int | Literal["total"]
    kind: str  # primary or secondary
    reason: str  # small, differencing, complementary or linked

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "kind": self.kind, "reason": self.reason}


@dataclass(frozen=True)
class SuppressedTable:
    """A table as it may be published, with its exact figures kept for internal views."""

    cells: list[list[Published]]
    row_totals: list[Published]
    column_totals: list[Published]
    grand_total: Published
    suppressions: list[Suppression]
    threshold: int
    exact: list[list[int]] = field(repr=False)  # the grid with totals, unpublished

    @property
    def primary(self) -> list[Suppression]:
        return [s for s in self.suppressions if s.kind == PRIMARY]

    @property
    def secondary(self) -> list[Suppression]:
        return [s for s in self.suppressions if s.kind == SECONDARY]

    def published_grid(self) -> list[list[Published]]:
        """The published table with its totals as the last column and last row."""
        grid = [[*row, total] for row, total in zip(self.cells, self.row_totals, strict=True)]
        return [*grid, [*self.column_totals, self.grand_total]]


def _threshold(threshold: int | None) -> int:
    if threshold is None:
        from django.conf import settings

        threshold = settings.SUPPRESSION_THRESHOLD
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise ValueError(
            f"The suppression threshold must be a whole number of at least 1, not {threshold!r}."
        )
    return threshold


def _check_counts(cells: Sequence[Sequence[int]]) -> list[list[int]]:
    if not cells or not cells[0]:
        raise ValueError("A table needs at least one row and one column.")
    width = len(cells[0])
    grid = []
    for number, row in enumerate(cells):
        if len(row) != width:
            raise ValueError(f"Row {number} has {len(row)} cells; the first row has {width}.")
        for value in row:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(
                    f"Counts are whole numbers of 0 or more; row {number} has {value!r}."
                )
        grid.append(list(row))
    return grid


def _with_totals(cells: list[list[int]]) -> list[list[int]]:
    grid = [[*row, sum(row)] for row in cells]
    return [*grid, [sum(column) for column in zip(*grid, strict=True)]]


def _label(index: int, last: int) -> int | Literal["total"]:
    return TOTAL if index == last else index


class _Grid:
    """The table with its totals, as lines (rows and columns) that each add up."""

    def __init__(self, exact: list[list[int]]):
        self.exact = exact
        self.last_row = len(exact) - 1
        self.last_column = len(exact[0]) - 1
        self.rows = [
            [(i, j) for j in range(self.last_column + 1)] for i in range(self.last_row + 1)
        ]
        self.columns = [
            [(i, j) for i in range(self.last_row + 1)] for j in range(self.last_column + 1)
        ]

    def value(self, position: Position) -> int:
        return self.exact[position[0]][position[1]]

    def is_total(self, position: Position, line_is_row: bool) -> bool:
        i, j = position
        return j == self.last_column if line_is_row else i == self.last_row

    def positions(self):
        return [p for row in self.rows for p in row]


def _primary(
    grid: _Grid, threshold: int, previous: list[list[Published]] | None
) -> dict[Position, str]:
    hidden: dict[Position, str] = {}
    for position in grid.positions():
        value = grid.value(position)
        if 1 <= value <= threshold:
            hidden[position] = SMALL
        elif previous is not None:
            before = previous[position[0]][position[1]]
            if before != SUPPRESSED and 1 <= abs(value - before) <= threshold:
                hidden[position] = DIFFERENCING
    return hidden


def _complementary(grid: _Grid, hidden: dict[Position, str], order: list[Position]) -> bool:
    """Rule 3: no line with exactly one hidden entry. True if anything was hidden."""
    changed = False
    again = True
    while again:
        again = False
        for line_is_row, lines in ((True, grid.rows), (False, grid.columns)):
            for line in lines:
                inside = [p for p in line if p in hidden]
                if len(inside) != 1:
                    continue
                choice = _complement_for(grid, hidden, line, line_is_row)
                hidden[choice] = COMPLEMENTARY
                order.append(choice)
                changed = again = True
    return changed


def _complement_for(grid: _Grid, hidden, line: list[Position], line_is_row: bool) -> Position:
    def crossing_has_one(position: Position) -> bool:
        crossing = grid.columns[position[1]] if line_is_row else grid.rows[position[0]]
        return sum(p in hidden for p in crossing) == 1

    cells = [
        p
        for p in line
        if p not in hidden and grid.value(p) > 0 and not grid.is_total(p, line_is_row)
    ]
    if cells:
        # The smallest; among equals, one whose own crossing line also needs a partner.
        return min(cells, key=lambda p: (grid.value(p), not crossing_has_one(p), p))
    total = next(p for p in line if grid.is_total(p, line_is_row))
    # The one hidden entry is non-zero and every other cell is zero or hidden, so the
    # total is non-zero and visible: hiding it is what is left.
    assert total not in hidden and grid.value(total) > 0
    return total


def _bridges(grid: _Grid, hidden) -> list[Position]:
    """Hidden cells that are bridges between their row and column (Tarjan, iterative)."""
    adjacency: dict[tuple[str, int], list[tuple[tuple[str, int], Position]]] = {}
    for i, j in sorted(hidden):
        adjacency.setdefault(("r", i), []).append((("c", j), (i, j)))
        adjacency.setdefault(("c", j), []).append((("r", i), (i, j)))
    order: dict = {}
    low: dict = {}
    bridges: list[Position] = []
    counter = 0
    for root in adjacency:
        if root in order:
            continue
        order[root] = low[root] = counter
        counter += 1
        stack = [(root, None, iter(adjacency[root]))]
        while stack:
            node, via, edges = stack[-1]
            advanced = False
            for neighbour, edge in edges:
                if edge == via:
                    continue
                if neighbour in order:
                    low[node] = min(low[node], order[neighbour])
                else:
                    order[neighbour] = low[neighbour] = counter
                    counter += 1
                    stack.append((neighbour, edge, iter(adjacency[neighbour])))
                    advanced = True
                    break
            if advanced:
                continue
            stack.pop()
            if stack:
                parent = stack[-1][0]
                low[parent] = min(low[parent], low[node])
                if low[node] > order[parent]:
                    bridges.append(via)
    return sorted(bridges)


def _component(hidden, start: tuple[str, int], without: Position) -> set[tuple[str, int]]:
    seen = {start}
    frontier = [start]
    while frontier:
        kind, index = frontier.pop()
        for i, j in hidden:
            if (i, j) == without:
                continue
            if kind == "r" and i == index and ("c", j) not in seen:
                seen.add(("c", j))
                frontier.append(("c", j))
            elif kind == "c" and j == index and ("r", i) not in seen:
                seen.add(("r", i))
                frontier.append(("r", i))
    return seen


def _linked(grid: _Grid, hidden: dict[Position, str], order: list[Position]) -> bool:
    """Rule 4: protect one bridge by hiding the cell that best closes a loop through it."""
    bridges = _bridges(grid, hidden)
    if not bridges:
        return False
    bridge = bridges[0]
    side_a = _component(hidden, ("r", bridge[0]), without=bridge)
    side_b = _component(hidden, ("c", bridge[1]), without=bridge)
    visible = [p for p in grid.positions() if p not in hidden and grid.value(p) > 0]

    def joins(position: Position) -> bool:
        row, column = ("r", position[0]), ("c", position[1])
        return (row in side_a and column in side_b) or (row in side_b and column in side_a)

    def touches_a(position: Position) -> bool:
        return ("r", position[0]) in side_a or ("c", position[1]) in side_a

    closing = [p for p in visible if joins(p)]
    # If no single cell closes a loop, grow the bridge's side by its smallest neighbour.
    # There always is one: adding side A's row equations and subtracting its column
    # equations gives the bridge's value from the visible cells touching A alone, so if
    # all of those were zero the bridge would be zero, and zeros are never hidden.
    candidates = closing or [p for p in visible if touches_a(p)]
    assert candidates, "a hidden bridge always has a visible non-zero neighbour"
    choice = min(candidates, key=lambda p: (grid.value(p), p))
    hidden[choice] = LINKED
    order.append(choice)
    return True


def suppress_table(
    cells: Sequence[Sequence[int]],
    *,
    threshold: int | None = None,
    previous: SuppressedTable | None = None,
) -> SuppressedTable:
    """Suppress a table of counts (rows x columns); totals are computed from the cells.

    `previous`: the same table as published for the previous period, for figures to date
    (rule 2). It must have the same shape."""
    threshold = _threshold(threshold)
    exact = _with_totals(_check_counts(cells))
    grid = _Grid(exact)
    before = None
    if previous is not None:
        before = previous.published_grid()
        if len(before) != len(exact) or len(before[0]) != len(exact[0]):
            raise ValueError("The previous period's table must have the same rows and columns.")
    primary = _primary(grid, threshold, before)
    hidden: dict[Position, str] = dict(primary)
    order: list[Position] = []
    while _complementary(grid, hidden, order) or _linked(grid, hidden, order):
        pass
    suppressions = [
        Suppression(_label(i, grid.last_row), _label(j, grid.last_column), PRIMARY, reason)
        for (i, j), reason in sorted(primary.items())
    ] + [
        Suppression(
            _label(i, grid.last_row), _label(j, grid.last_column), SECONDARY, hidden[(i, j)]
        )
        for i, j in order
    ]
    published = [
        [SUPPRESSED if (i, j) in hidden else value for j, value in enumerate(row)]
        for i, row in enumerate(exact)
    ]
    return SuppressedTable(
        cells=[row[:-1] for row in published[:-1]],
        row_totals=[row[-1] for row in published[:-1]],
        column_totals=published[-1][:-1],
        grand_total=published[-1][-1],
        suppressions=suppressions,
        threshold=threshold,
        exact=exact,
    )


def suppress_count(value: int, *, threshold: int | None = None) -> Published:
    """One count on its own (no table around it): rule 1 only."""
    return suppress_table([[value]], threshold=threshold).grand_total


def percentage(numerator: Published, denominator: Published, *, places: int = 1):
    """Rule 5: a percentage from published counts; hidden if either is hidden.

    None where the denominator is 0 (no families: no percentage to give)."""
    if numerator == SUPPRESSED or denominator == SUPPRESSED:
        return SUPPRESSED
    if denominator == 0:
        return None
    exponent = Decimal(1).scaleb(-places)
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(exponent, ROUND_HALF_UP)


def percentage_table(
    numerators: SuppressedTable, denominators: SuppressedTable, *, places: int = 1
) -> list[list]:
    """Percentages cell by cell (totals included, as the last row and column)."""
    return [
        [percentage(n, d, places=places) for n, d in zip(n_row, d_row, strict=True)]
        for n_row, d_row in zip(
            numerators.published_grid(), denominators.published_grid(), strict=True
        )
    ]


def published_change(current: Published, previous: Published) -> Published | None:
    """The change on the previous period, as published: hidden if either figure is."""
    if current == SUPPRESSED or previous == SUPPRESSED:
        return SUPPRESSED
    return current - previous


PUBLISHED_LABEL = (
    "Published figures. Counts from 1 to {threshold} are shown as c, and so are the figures "
    "from which they could be worked out."
)
INTERNAL_LABEL = (
    "UNPUBLISHED: exact figures for commissioners only. Do not share or publish them. "
    "Cells listed under 'suppressed' are shown as c in the published figures."
)


def render(table: SuppressedTable, *, internal: bool = False) -> dict:
    """The table for an API answer or an export: published, or exact and labelled."""
    if not internal:
        return {
            "published": True,
            "label": PUBLISHED_LABEL.format(threshold=table.threshold),
            "cells": table.cells,
            "row_totals": table.row_totals,
            "column_totals": table.column_totals,
            "grand_total": table.grand_total,
        }
    exact = table.exact
    return {
        "published": False,
        "label": INTERNAL_LABEL,
        "cells": [row[:-1] for row in exact[:-1]],
        "row_totals": [row[-1] for row in exact[:-1]],
        "column_totals": exact[-1][:-1],
        "grand_total": exact[-1][-1],
        "suppressed": [
            {**s.as_dict(), "why": REASONS[s.reason].format(threshold=table.threshold)}
            for s in table.suppressions
        ],
    }


def render_both(table: SuppressedTable) -> dict:
    """Both forms, for a commissioner's internal view beside what will be published."""
    return {"published": render(table), "internal": render(table, internal=True)}
