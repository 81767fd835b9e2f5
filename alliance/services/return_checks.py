"""The checks on a return's content (rules 7 and 17), each answering a list of Problems.

Value checks (whole, not negative, numerator within denominator) run on every edit;
completeness, ward breakdowns and spend run on submission, when the return should be whole.
"""

from __future__ import annotations

import re
from decimal import Decimal

from alliance.models import Aggregation, Figure, Return
from config.errors import Problem

# Patterns that would make a family identifiable in a story: e-mail addresses, UK phone
# numbers, postcodes and dates (of birth, usually). A story says what happened, not to whom.
_PERSONAL = [
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"), "an e-mail address"),
    (re.compile(r"(\+44\s?|\b0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b"), "a phone number"),
    (re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE), "a postcode"),
    (re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"), "a date"),
]


def _label(figure: Figure) -> str:
    version = figure.indicator_version
    return f"{version.indicator.code} ({version.name})"


def _whole(value: Decimal | int | None) -> bool:
    if value is None:
        return True
    value = Decimal(value)
    return value >= 0 and value == value.to_integral_value()


def value_problems(figure: Figure, wards: list[tuple[str, Decimal | None]]) -> list[Problem]:
    """Counts are whole and not negative; a numerator never exceeds its denominator."""
    label = _label(figure)
    problems = []
    for name in ("value", "numerator", "denominator"):
        if not _whole(getattr(figure, name)):
            problems.append(
                Problem(
                    code="returns.whole_counts",
                    message=f"{label}: the {name} must be a whole number of zero or more.",
                    field=f"figures.{figure.indicator_version.indicator.code}.{name}",
                )
            )
    for ward_name, value in wards:
        if not _whole(value):
            problems.append(
                Problem(
                    code="returns.whole_counts",
                    message=f"{label}: the figure for {ward_name} must be a whole number of "
                    "zero or more.",
                    field=f"figures.{figure.indicator_version.indicator.code}.wards",
                )
            )
    numerator, denominator = figure.numerator, figure.denominator
    if numerator is not None and denominator is not None and numerator > denominator:
        problems.append(
            Problem(
                code="returns.numerator_within_denominator",
                message=f"{label}: {numerator:.0f} ({figure.indicator_version.numerator_label}) "
                f"is more than {denominator:.0f} "
                f"({figure.indicator_version.denominator_label}).",
                field=f"figures.{figure.indicator_version.indicator.code}.numerator",
            )
        )
    return problems


def story_problems(index: int, text: str) -> list[Problem]:
    return [
        Problem(
            code="returns.stories_anonymised",
            message=f"Story {index + 1} seems to contain {what}. Stories are anonymised: "
            "leave out anything that could identify a family.",
            field=f"stories.{index}",
        )
        for pattern, what in _PERSONAL
        if pattern.search(text)
    ]


def submission_problems(return_: Return) -> list[Problem]:
    """Every reason `return_` cannot be submitted, in the order a person would fix them."""
    problems: list[Problem] = []
    quarter = return_.period.quarter
    figures = return_.figures.select_related("indicator_version__indicator")
    for figure in figures.prefetch_related("wards__ward"):
        version = figure.indicator_version
        label = _label(figure)
        code = version.indicator.code
        wards = list(figure.wards.all())
        problems += value_problems(figure, [(w.ward.name, w.value) for w in wards])
        if version.aggregation == Aggregation.RATIO:
            missing = figure.numerator is None or figure.denominator is None
        else:
            missing = figure.value is None
        if missing:
            if version.required_in(quarter):
                problems.append(
                    Problem(
                        code="returns.complete",
                        message=f"{label} is required this quarter and has no figure yet.",
                        field=f"figures.{code}",
                    )
                )
            continue
        if version.ward_breakdown and version.aggregation != Aggregation.RATIO:
            given = [w.value for w in wards if w.value is not None]
            total = sum(given, Decimal("0"))
            if total != figure.value:
                problems.append(
                    Problem(
                        code="returns.ward_breakdown_adds_up",
                        message=f"{label}: the ward figures add up to {total:.0f}, not the "
                        f"total of {figure.value:.0f}.",
                        field=f"figures.{code}.wards",
                    )
                )
    if return_.spend is None:
        problems.append(
            Problem(
                code="returns.spend_reported",
                message="Say how much was spent this quarter (0 if nothing).",
                field="spend",
            )
        )
    for index, story in enumerate(return_.stories.all()):
        problems += story_problems(index, f"{story.title}\n{story.story}")
    return problems
