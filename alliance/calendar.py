"""Financial years, quarters and working days (DESIGN §3 rule 2).

The UK public-sector financial year runs April to March; Q1 is April to June. A quarter
is written `2025-26 Q1`, after the year it starts in.
"""

from __future__ import annotations

from datetime import date, timedelta


def financial_year_of(day: date) -> int:
    """The calendar year in which `day`'s financial year starts."""
    return day.year if day.month >= 4 else day.year - 1


def quarter_of(day: date) -> int:
    return ((day.month - 4) % 12) // 3 + 1


def quarter_bounds(financial_year: int, quarter: int) -> tuple[date, date]:
    # Months counted from April of the financial year: Q1 is months 0-2, Q4 is 9-11.
    first = 3 * (quarter - 1)
    starts = date(financial_year + (first + 3) // 12, (first + 3) % 12 + 1, 1)
    after = first + 3
    following = date(financial_year + (after + 3) // 12, (after + 3) % 12 + 1, 1)
    return starts, following - timedelta(days=1)


def period_label(financial_year: int, quarter: int) -> str:
    return f"{financial_year}-{(financial_year + 1) % 100:02d} Q{quarter}"


def quarters_between(starts: date, ends: date) -> list[tuple[int, int]]:
    """Every (financial year, quarter) overlapping the days from `starts` to `ends`."""
    quarters = []
    year, quarter = financial_year_of(starts), quarter_of(starts)
    while True:
        first, _last = quarter_bounds(year, quarter)
        if first > ends:
            return quarters
        quarters.append((year, quarter))
        year, quarter = (year, quarter + 1) if quarter < 4 else (year + 1, 1)


def add_working_days(day: date, count: int) -> date:
    """`count` working days (Monday to Friday) after `day`.

    Bank holidays are not counted out: a due date is a few days generous at Easter and
    Christmas rather than wrong in a year whose holidays nobody loaded."""
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)
