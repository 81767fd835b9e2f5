"""Small-number suppression (DESIGN §3 rule 10): what must be hidden is hidden, and no
hidden figure can be worked back from totals, other cells or last period's figures."""

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reporting.suppression import (
    SUPPRESSED,
    percentage,
    percentage_table,
    published_change,
    render,
    render_both,
    suppress_count,
    suppress_table,
)

C = SUPPRESSED


def hidden_positions(table):
    grid = table.published_grid()
    return {(i, j) for i, row in enumerate(grid) for j, v in enumerate(row) if v == C}


def determined_hidden_cells(table) -> set[tuple[int, int]]:
    """The oracle: which hidden entries the published table pins down exactly.

    Independent of how suppression works: every row and column (with its total) is a
    linear equation; a hidden entry is determined when it is fixed in every solution,
    found by Gaussian elimination over the rationals."""
    grid, exact = table.published_grid(), table.exact
    rows, cols = len(grid), len(grid[0])
    unknowns = sorted(hidden_positions(table))
    index = {p: k for k, p in enumerate(unknowns)}
    equations = []
    lines = [[(i, j) for j in range(cols)] for i in range(rows)]
    lines += [[(i, j) for i in range(rows)] for j in range(cols)]
    for line in lines:
        coefficients = [Fraction(0)] * len(unknowns)
        constant = Fraction(0)
        for n, position in enumerate(line):
            sign = -1 if n == len(line) - 1 else 1  # cells minus the total is zero
            if position in index:
                coefficients[index[position]] += sign
            else:
                constant -= sign * grid[position[0]][position[1]]
        equations.append(coefficients + [constant])
    # Reduced row echelon form.
    pivots, r = [], 0
    for c in range(len(unknowns)):
        pivot = next((k for k in range(r, len(equations)) if equations[k][c] != 0), None)
        if pivot is None:
            continue
        equations[r], equations[pivot] = equations[pivot], equations[r]
        lead = equations[r][c]
        equations[r] = [x / lead for x in equations[r]]
        for k in range(len(equations)):
            if k != r and equations[k][c] != 0:
                factor = equations[k][c]
                equations[k] = [
                    a - factor * b for a, b in zip(equations[k], equations[r], strict=True)
                ]
        pivots.append(c)
        r += 1
    determined = set()
    for row_number, c in enumerate(pivots):
        others = [x for k, x in enumerate(equations[row_number][:-1]) if k != c and x != 0]
        if not others:
            determined.add(unknowns[c])
            # Sanity: the system is consistent with the exact figures.
            i, j = unknowns[c]
            assert equations[row_number][-1] == exact[i][j]
    return determined


# --- Rule 10 by example --------------------------------------------------------------------


def test_counts_from_1_to_5_are_shown_as_c_and_zeros_as_0():
    table = suppress_table([[0, 1, 5, 6, 40], [0, 20, 30, 40, 50]], threshold=5)
    assert table.cells[0][:4] == [0, C, C, 6]
    assert table.cells[1][0] == 0  # a true zero stays 0
    assert {(s.row, s.column) for s in table.primary} == {(0, 1), (0, 2)}
    assert all(s.reason == "small" for s in table.primary)


def test_the_threshold_comes_from_the_setting(settings):
    settings.SUPPRESSION_THRESHOLD = 10
    assert suppress_count(8) == C
    assert suppress_count(11) == 11
    settings.SUPPRESSION_THRESHOLD = 5
    assert suppress_count(8) == 8


def test_a_lone_hidden_cell_in_a_row_takes_the_next_smallest_with_it():
    # Row 0: 3 would be 50 - 20 - 27 from the total.
    table = suppress_table([[3, 20, 27], [30, 40, 50], [30, 40, 50]], threshold=5)
    assert table.cells[0] == [C, C, 27]
    assert table.secondary[0].reason == "complementary"
    # Column 0 and 1 now each have one hidden cell: the cascade hides one more in each.
    for column in (0, 1):
        assert sum(row[column] == C for row in table.cells) >= 2
    assert determined_hidden_cells(table) == set()


def test_a_small_total_is_hidden_and_its_line_protected():
    table = suppress_table([[2, 1, 0], [10, 20, 30]], threshold=5)
    assert table.row_totals[0] == C  # 3 families in all: small
    assert table.cells[0] == [C, C, 0]
    assert determined_hidden_cells(table) == set()


def test_a_line_of_zeros_but_one_cell_hides_its_total_too():
    # Row 0 is [4, 0, 0]: its total is 4, small itself, so two entries hide in the row.
    table = suppress_table([[4, 0, 0], [10, 11, 12], [13, 14, 15]], threshold=5)
    assert table.cells[0][0] == C and table.row_totals[0] == C
    assert table.cells[0][1:] == [0, 0]
    assert determined_hidden_cells(table) == set()


def test_a_cell_linking_two_groups_of_hidden_cells_is_protected():
    # Found by the property test below: with the row-and-column rule alone, every line
    # had 0 or at least 2 hidden entries, yet adding rows and columns together gave one
    # hidden cell exactly. Rule 4 hides one more entry to close a loop through it.
    cells = [[0, 0, 1, 1, 0], [1, 0, 0, 0, 1], [2, 0, 0, 1, 1]]
    table = suppress_table(cells, threshold=1)
    assert [s.reason for s in table.secondary].count("linked") == 1
    assert determined_hidden_cells(table) == set()


def test_a_one_cell_table_hides_a_small_count():
    table = suppress_table([[3]], threshold=5)
    assert table.cells == [[C]]
    assert table.grand_total == C


@pytest.mark.parametrize("bad", [[], [[]], [[1, 2], [3]], [[-1]], [[1.5]], [["3"]], [[True]]])
def test_a_table_that_is_not_counts_is_refused(bad):
    with pytest.raises(ValueError):
        suppress_table(bad, threshold=5)


@pytest.mark.parametrize("threshold", [0, -1, 2.5, True])
def test_the_threshold_must_be_a_whole_number_of_at_least_1(threshold):
    with pytest.raises(ValueError):
        suppress_table([[10]], threshold=threshold)


# --- Percentages ---------------------------------------------------------------------------


def test_a_percentage_is_hidden_when_its_numerator_or_denominator_is():
    assert percentage(C, 40) == C
    assert percentage(12, C) == C
    assert percentage(12, 40) == Decimal("30.0")
    assert percentage(0, 40) == Decimal("0.0")
    assert percentage(0, 0) is None
    assert percentage(1, 3, places=2) == Decimal("33.33")


def test_percentages_of_suppressed_tables_follow_their_counts():
    numerators = suppress_table([[3, 20, 25], [12, 30, 40], [15, 35, 45]], threshold=5)
    denominators = suppress_table([[10, 40, 50], [20, 60, 80], [30, 70, 90]], threshold=5)
    table = percentage_table(numerators, denominators)
    assert table[0][0] == C  # 3 of 10: the numerator is hidden
    hidden = hidden_positions(numerators) | hidden_positions(denominators)
    shown = 0
    for i, row in enumerate(table):
        for j, value in enumerate(row):
            assert (value == C) == ((i, j) in hidden)
            if value != C:
                n, d = numerators.exact[i][j], denominators.exact[i][j]
                assert value == (Decimal(n) * 100 / d).quantize(Decimal("0.1"), ROUND_HALF_UP)
                shown += 1
    assert shown > 0


# --- Differencing with the previous period -------------------------------------------------


def test_a_figure_to_date_that_grew_by_a_small_number_is_hidden():
    last = suppress_table([[40, 50], [60, 70]], threshold=5)
    now = suppress_table([[43, 50], [60, 90]], threshold=5, previous=last)
    # 43 - 40 would reveal 3 families this quarter.
    assert now.cells[0][0] == C
    assert any(s.reason == "differencing" and (s.row, s.column) == (0, 0) for s in now.primary)
    assert published_change(now.cells[0][0], last.cells[0][0]) == C
    assert published_change(now.cells[1][1], last.cells[1][1]) == 20
    assert determined_hidden_cells(now) == set()


def test_a_figure_unchanged_or_changed_by_more_than_the_threshold_is_shown():
    last = suppress_table([[40, 50], [60, 70]], threshold=5)
    now = suppress_table([[40, 56], [60, 70]], threshold=5, previous=last)
    assert now.cells == [[40, 56], [60, 70]]


def test_a_figure_hidden_last_period_cannot_be_differenced_against():
    last = suppress_table([[3, 50], [60, 70]], threshold=5)
    assert last.cells[0][0] == C
    now = suppress_table([[7, 60], [70, 80]], threshold=5, previous=last)
    assert now.cells[0][0] == 7  # last period's 3 was never published: 7 - c is unknown


def test_the_previous_table_must_have_the_same_shape():
    with pytest.raises(ValueError):
        suppress_table([[40]], threshold=5, previous=suppress_table([[40, 50]], threshold=5))


# --- Published and internal views ----------------------------------------------------------


def test_the_internal_view_shows_exact_figures_labelled_unpublished():
    table = suppress_table([[3, 20, 27], [30, 40, 50]], threshold=5)
    both = render_both(table)
    assert both["published"]["published"] is True
    assert both["published"]["cells"][0][0] == C
    assert "shown as c" in both["published"]["label"]
    internal = both["internal"]
    assert internal["published"] is False
    assert internal["label"].startswith("UNPUBLISHED")
    assert internal["cells"][0] == [3, 20, 27]
    assert internal["grand_total"] == 170
    assert {"row": 0, "column": 0, "kind": "primary", "reason": "small"}.items() <= internal[
        "suppressed"
    ][0].items()
    assert render(table) == both["published"]
    assert "exact" not in str(render(table).keys())


# --- Properties, for any table -------------------------------------------------------------

counts = st.one_of(st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6, 7]), st.integers(0, 60))
tables = st.integers(1, 5).flatmap(
    lambda width: st.lists(st.lists(counts, min_size=width, max_size=width), min_size=1, max_size=5)
)


@settings(max_examples=300, deadline=None)
@given(cells=tables, threshold=st.integers(1, 5))
def test_any_table_publishes_no_small_count_and_no_recoverable_hidden_cell(cells, threshold):
    table = suppress_table(cells, threshold=threshold)
    grid, exact = table.published_grid(), table.exact
    for i, row in enumerate(grid):
        for j, value in enumerate(row):
            if value == C:
                assert exact[i][j] > 0  # a true zero is never hidden
            else:
                assert value == exact[i][j]
                assert not 1 <= value <= threshold
    # No row or column (with its total) has exactly one hidden entry...
    columns = list(zip(*grid, strict=True))
    for line in [*grid, *columns]:
        assert sum(v == C for v in line) != 1
    # ...and no hidden entry can be worked out by combining rows and columns.
    assert determined_hidden_cells(table) == set()
    # Every hidden entry is accounted for, once.
    listed = [
        (
            len(grid) - 1 if s.row == "total" else s.row,
            len(grid[0]) - 1 if s.column == "total" else s.column,
        )
        for s in table.suppressions
    ]
    assert sorted(listed) == sorted(hidden_positions(table))


@settings(max_examples=200, deadline=None)
@given(
    cells=tables,
    growth=st.lists(st.integers(0, 12), min_size=25, max_size=25),
    threshold=st.integers(1, 5),
)
def test_no_period_on_period_change_of_a_few_families_can_be_read_off(cells, growth, threshold):
    last = suppress_table(cells, threshold=threshold)
    width = len(cells[0])
    later = [
        [v + growth[(i * width + j) % 25] for j, v in enumerate(row)] for i, row in enumerate(cells)
    ]
    now = suppress_table(later, threshold=threshold, previous=last)
    for before_row, now_row in zip(last.published_grid(), now.published_grid(), strict=True):
        for before, current in zip(before_row, now_row, strict=True):
            change = published_change(current, before)
            assert change == C or not 1 <= abs(change) <= threshold
    assert determined_hidden_cells(now) == set()
