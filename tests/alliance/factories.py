import itertools

import factory
from factory.django import DjangoModelFactory

from alliance.models import Membership, Organisation, User, Ward
from alliance.models.people import LegalForm


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    username = factory.SelfAttribute("email")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def _saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class WardFactory(DjangoModelFactory):
    class Meta:
        model = Ward
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"E05{n:06d}")
    name = factory.Sequence(lambda n: f"Ward {n}")
    boundary_year = 2004
    local_authority_code = "E08000015"
    local_authority_name = "Wirral"


class OrganisationFactory(DjangoModelFactory):
    """A registered charity by default; `council=True` for a local authority."""

    class Meta:
        model = Organisation

    class Params:
        council = factory.Trait(
            legal_form=LegalForm.LOCAL_AUTHORITY,
            charity_number="",
            local_authority_code=factory.Sequence(
                lambda n: "".join(chr(65 + (n // 26**i) % 26) for i in range(3))
            ),
            org_id=factory.LazyAttribute(lambda o: f"GB-LAE-{o.local_authority_code}"),
            name=factory.Sequence(lambda n: f"Council {n}"),
        )

    name = factory.Sequence(lambda n: f"Organisation {n}")
    legal_form = LegalForm.REGISTERED_CHARITY
    charity_number = factory.Sequence(lambda n: f"{1100000 + n}")
    org_id = factory.LazyAttribute(lambda o: f"GB-CHC-{o.charity_number}")
    ward = factory.SubFactory(WardFactory)
    postcode = "CH41 5LH"


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "alliance_lead"


# --- Alliance contracts and returns ------------------------------------------------------
_references = itertools.count(1)


# Contracts are built through the services, as a commissioner would, so that their years,
# periods and running totals are exactly what production would hold.
def build_contract(
    *,
    commissioner,
    council,
    partners,
    starts_on=None,
    years=5,
    extensions=(2, 2),
    budget="705000.00",
    value=None,
    reference=None,
):
    from datetime import date
    from decimal import Decimal

    from alliance.models import Place
    from alliance.services.contracts import contract_create

    place, _ = Place.objects.get_or_create(
        name=f"Place of {council.name}", defaults={"council": council}
    )
    budgets = [Decimal(budget)] * years
    return contract_create(
        by=commissioner,
        place=place,
        title="Family Toolbox Alliance",
        reference=reference or f"FTA-{next(_references)}",
        starts_on=starts_on or date(2022, 4, 1),
        initial_term_years=years,
        extension_options=list(extensions),
        value=Decimal(value) if value else sum(budgets) + Decimal("1000000.00"),
        year_budgets=budgets,
        members=[
            {"organisation": org, "is_lead_partner": index == 0, "values_version_signed": "1"}
            for index, org in enumerate(partners)
        ],
        values_text="We give tools, not answers.",
        values_version="1",
    )


def build_framework(*, contract, commissioner):
    """One indicator of each aggregation type; FE1 is broken down by ward."""
    from decimal import Decimal

    from alliance.services.framework import indicator_create, priority_create

    priority = priority_create(
        contract=contract, by=commissioner, number=1, name="Families get help early"
    )
    common = {"definition": "As defined in the framework.", "required_each_quarter": True}
    fe1 = indicator_create(
        contract=contract,
        by=commissioner,
        code="FE1",
        priority=priority,
        data={
            **common,
            "name": "Families engaging",
            "unit": "families",
            "aggregation": "sum",
            "ward_breakdown": True,
            "baseline": Decimal("400"),
        },
        targets={1: Decimal("450")},
    )
    fc1 = indicator_create(
        contract=contract,
        by=commissioner,
        code="FC1",
        priority=priority,
        data={
            **common,
            "name": "Felt empowered",
            "unit": "%",
            "aggregation": "ratio",
            "numerator_label": "coached people who felt empowered",
            "denominator_label": "coached people surveyed",
        },
    )
    dt1 = indicator_create(
        contract=contract,
        by=commissioner,
        code="DT1",
        priority=priority,
        data={
            **common,
            "name": "Digital tool users",
            "unit": "people",
            "aggregation": "latest",
            "required_each_quarter": False,
        },
    )
    return {"FE1": fe1, "FC1": fc1, "DT1": dt1}


def complete_figures(ward_code):
    """An update that makes a return built on `build_framework` ready to submit."""
    return {
        "spend": "41000.00",
        "went_well": "Drop-ins were busy.",
        "figures": [
            {"indicator": "FE1", "value": "12", "wards": [{"ward": ward_code, "value": "12"}]},
            {"indicator": "FC1", "numerator": "9", "denominator": "10"},
            {"indicator": "DT1", "value": "300"},
        ],
    }
