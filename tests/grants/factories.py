from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from grants.models import (
    Application,
    BudgetLine,
    ConflictDeclaration,
    Criterion,
    PanelMember,
    Programme,
    Round,
    Score,
)
from tests.alliance.factories import OrganisationFactory, UserFactory, WardFactory


class ProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = Programme

    funder = factory.SubFactory(OrganisationFactory, council=True)
    name = factory.Sequence(lambda n: f"Community Micro-grants {n}")
    budget = Decimal("35000.00")
    min_award = Decimal("250.00")
    max_award = Decimal("5000.00")
    allowed_legal_forms = [
        "unincorporated_group",
        "registered_charity",
        "cio",
        "cic",
        "faith_group",
    ]
    max_annual_income = Decimal("100000.00")
    identifier_prefix = "360G-wirral"


class RoundFactory(DjangoModelFactory):
    """An open officer-decided round by default; `closed=True` for one in assessment."""

    class Meta:
        model = Round

    class Params:
        closed = factory.Trait(
            opens_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=30)),
            closes_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=1)),
        )

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Round {n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    budget = Decimal("20000.00")
    decision_method = "officer"


class CriterionFactory(DjangoModelFactory):
    class Meta:
        model = Criterion

    round = factory.SubFactory(RoundFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    weight = Decimal("1.00")


class PanelMemberFactory(DjangoModelFactory):
    class Meta:
        model = PanelMember

    round = factory.SubFactory(RoundFactory)
    user = factory.SubFactory(UserFactory)


class ApplicationFactory(DjangoModelFactory):
    """A complete, eligible draft: one budget line adds up to the amount."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    round = factory.SubFactory(RoundFactory)
    organisation = factory.SubFactory(OrganisationFactory, latest_annual_income=Decimal("20000.00"))
    created_by = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Saturday family club {n}")
    summary = (
        "A weekly club where parents and children cook together, meet neighbours and "
        "find out about help nearby."
    )
    amount_requested = Decimal("1000.00")
    ward_codes = factory.LazyAttribute(lambda o: [(o.organisation.ward or WardFactory()).code])
    expected_beneficiaries = 40
    themes = ["isolation"]
    starts_on = factory.LazyFunction(lambda: date.today() + timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: date.today() + timedelta(days=200))

    @factory.post_generation
    def lines(obj, create, extracted, **kwargs):
        if create and extracted is not False and obj.amount_requested is not None:
            BudgetLine.objects.create(
                application=obj, description="Food and venue", amount=obj.amount_requested
            )


class ConflictFactory(DjangoModelFactory):
    class Meta:
        model = ConflictDeclaration

    application = factory.SubFactory(ApplicationFactory)
    user = factory.SubFactory(UserFactory)
    reason = "My sister runs this group."


class ScoreFactory(DjangoModelFactory):
    class Meta:
        model = Score

    application = factory.SubFactory(ApplicationFactory)
    criterion = factory.SubFactory(CriterionFactory)
    scorer = factory.SubFactory(UserFactory)
    score = 3
