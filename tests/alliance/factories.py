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
