"""Starting and editing a quarterly return (rules 5 to 7).

A new return starts from the partner's previous one: its standing facts, its figures'
structure (which indicators, which wards) and its open risks are copied; this quarter's
figures, stories and learning start blank. Only a partner's leads and contributors edit,
and only while the return is a draft, has changes requested, or was reopened.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from alliance.models import (
    Aggregation,
    ContractMember,
    FamilyStory,
    Figure,
    Indicator,
    LearningEntry,
    Organisation,
    ReportingPeriod,
    Return,
    Risk,
    User,
    WardFigure,
)
from alliance.models.returns import EDITABLE
from alliance.services.guards import PARTNER_EDITORS, require_partner_role
from alliance.services.return_checks import story_problems, value_problems
from config.errors import Conflict, Problem, RuleBroken

TEXT_FIELDS = ("standing_facts", "went_well", "was_hard", "would_change")
ONE_PER_PERIOD = "returns.one_per_partner_and_period"


def _previous(organisation: Organisation, period: ReportingPeriod) -> Return | None:
    return (
        Return.objects.filter(
            organisation=organisation,
            contract_id=period.contract_id,
            period__starts_on__lt=period.starts_on,
        )
        .order_by("-period__starts_on")
        .first()
    )


def _copy_structure(return_: Return, previous: Return | None, by: User) -> None:
    wards_by_indicator: dict[int, list[int]] = {}
    if previous is not None:
        for figure in previous.figures.select_related("indicator_version").prefetch_related(
            "wards"
        ):
            wards_by_indicator[figure.indicator_version.indicator_id] = [
                w.ward_id for w in figure.wards.all()
            ]
        for risk in previous.risks.filter(is_open=True):
            Risk.objects.create(
                return_record=return_,
                description=risk.description,
                likelihood=risk.likelihood,
                impact=risk.impact,
                mitigation=risk.mitigation,
            )
    indicators = Indicator.objects.filter(contract_id=return_.contract_id, is_active=True)
    for indicator in indicators.exclude(current_version=None).order_by("code"):
        figure = Figure(return_record=return_, indicator_version_id=indicator.current_version_id)
        figure._history_user = by
        figure.save()
        for ward_id in wards_by_indicator.get(indicator.pk, []):
            ward_figure = WardFigure(figure=figure, ward_id=ward_id)
            ward_figure._history_user = by
            ward_figure.save()


def return_start(*, period: ReportingPeriod, organisation: Organisation, by: User) -> Return:
    """Start a partner's return for a period, prefilled from its previous one."""
    require_partner_role(
        by,
        organisation_id=organisation.pk,
        roles=PARTNER_EDITORS,
        doing="start its return",
        rule="returns.edited_by_partner",
    )
    if not ContractMember.objects.filter(
        contract_id=period.contract_id, organisation=organisation
    ).exists():
        raise RuleBroken(
            f"{organisation.name} is not a partner in this contract.",
            rule="returns.partners_only",
            fields={"organisation": ["Not a partner in the period's contract."]},
        )
    with transaction.atomic():
        if Return.objects.filter(organisation=organisation, period=period).exists():
            raise Conflict(
                f"{organisation.name} already has a return for {period.label}.",
                rule=ONE_PER_PERIOD,
            )
        previous = _previous(organisation, period)
        return_ = Return(
            contract_id=period.contract_id,
            period=period,
            organisation=organisation,
            created_by=by,
            prefilled_from=previous,
            standing_facts=previous.standing_facts if previous else "",
        )
        return_._history_user = by
        try:
            with transaction.atomic():
                return_.save()
        except IntegrityError:
            raise Conflict(
                f"{organisation.name}'s return for {period.label} was started a moment ago.",
                rule=ONE_PER_PERIOD,
            ) from None
        _copy_structure(return_, previous, by)
    return return_


def lock_editable(return_: Return, by: User) -> Return:
    require_partner_role(
        by,
        organisation_id=return_.organisation_id,
        roles=PARTNER_EDITORS,
        doing="edit its return",
        rule="returns.edited_by_partner",
    )
    locked = Return.objects.select_for_update().get(pk=return_.pk)
    if locked.status not in EDITABLE:
        raise Conflict(
            f"This return is {locked.get_status_display().lower()}: nobody can change it "
            "unless a commissioner asks for changes or reopens it.",
            rule="returns.no_edits_after_submission",
        )
    return locked


def _shape_problems(figure: Figure, wards: list | None) -> list[Problem]:
    """A ratio takes a numerator and a denominator; a sum or latest figure takes a value;
    only an indicator broken down by ward takes ward figures."""
    version = figure.indicator_version
    label = f"{version.indicator.code} ({version.name})"
    if version.aggregation == Aggregation.RATIO:
        expected, wrong = "a ratio: give a numerator and a denominator", ["value"]
    else:
        expected, wrong = "a count: give a value", ["numerator", "denominator"]
    problems = [
        Problem(
            code="returns.figure_shape",
            message=f"{label} is {expected}, not a {name}.",
            field=f"figures.{version.indicator.code}.{name}",
        )
        for name in wrong
        if getattr(figure, name) is not None
    ]
    if wards and not version.ward_breakdown:
        problems.append(
            Problem(
                code="returns.figure_shape",
                message=f"{label} is not broken down by ward.",
                field=f"figures.{version.indicator.code}.wards",
            )
        )
    return problems


def _update_figure(figure: Figure, item: dict[str, Any], by: User) -> list:
    for name in ("value", "numerator", "denominator", "note"):
        if name in item:
            setattr(figure, name, item[name])
    wards = item.get("wards")
    problems = _shape_problems(figure, wards) + value_problems(
        figure, [(w["ward"].name, w.get("value")) for w in wards] if wards is not None else []
    )
    if problems:
        return problems
    figure._history_user = by
    figure.save()
    if wards is not None:
        keep = {w["ward"].pk: w.get("value") for w in wards}
        for existing in figure.wards.all():
            if existing.ward_id not in keep:
                existing._history_user = by
                existing.delete()
        for ward_id, value in keep.items():
            row = WardFigure.objects.filter(figure=figure, ward_id=ward_id).first()
            row = row or WardFigure(figure=figure, ward_id=ward_id)
            if row.pk is None or row.value != value:
                row.value = value
                row._history_user = by
                row.save()
    return []


def _replace(return_: Return, model, items: list[dict[str, Any]]) -> None:
    model.objects.filter(return_record=return_).delete()
    model.objects.bulk_create(model(return_record=return_, **item) for item in items)


def return_update(*, return_: Return, by: User, data: dict[str, Any]) -> Return:
    """Change a return being edited. Every bad value is listed, and nothing is saved."""
    with transaction.atomic():
        locked = lock_editable(return_, by)
        problems = []
        for index, story in enumerate(data.get("stories", [])):
            text = f"{story.get('title', '')}\n{story.get('story', '')}"
            problems += story_problems(index, text)
        fields = [name for name in (*TEXT_FIELDS, "spend") if name in data]
        for name in fields:
            setattr(locked, name, data[name])
        figures = {
            f.indicator_version.indicator.code: f
            for f in locked.figures.select_related("indicator_version__indicator")
        }
        for item in data.get("figures", []):
            figure = figures.get(item["indicator"])
            if figure is None:
                raise RuleBroken(
                    f"This return has no figure for indicator {item['indicator']}.",
                    rule="returns.framework_indicators",
                    fields={"figures": [f"Unknown indicator {item['indicator']}."]},
                )
            problems += _update_figure(figure, item, by)
        if problems:
            raise RuleBroken(
                "Some of the return needs correcting. Nothing was saved.",
                rule=problems[0].code,
                problems=problems,
            )
        for key, model in (("stories", FamilyStory), ("learning", LearningEntry), ("risks", Risk)):
            if key in data:
                _replace(locked, model, data[key])
        locked._history_user = by
        locked.save(update_fields=[*fields, "updated_at"])
    return locked
