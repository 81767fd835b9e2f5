"""Demo data for the organisation register, after ../shared/data/worked_example.md.

Organisation names are invented, as the worked example asks. Every step is idempotent:
records are looked up by a natural key before anything is created.
"""

from datetime import date
from decimal import Decimal

from django.db import transaction

from alliance.models import Membership, Organisation, Role, User, Ward
from alliance.models.people import LegalForm
from alliance.services.organisations import organisation_create

WIRRAL = ("E08000015", "Wirral")
# Wirral's wards as drawn in 2004 (22 wards); codes are the ONS E05 codes of those
# boundaries. A boundary review in 2023 changed them: old returns keep the old codes.
WIRRAL_WARDS_2004 = [
    ("E05000955", "Bebington"),
    ("E05000956", "Bidston and St James"),
    ("E05000957", "Birkenhead and Tranmere"),
    ("E05000958", "Bromborough"),
    ("E05000959", "Clatterbridge"),
    ("E05000960", "Claughton"),
    ("E05000961", "Eastham"),
    ("E05000962", "Greasby, Frankby and Irby"),
    ("E05000963", "Heswall"),
    ("E05000964", "Hoylake and Meols"),
    ("E05000965", "Leasowe and Moreton East"),
    ("E05000966", "Liscard"),
    ("E05000967", "Moreton West and Saughall Massie"),
    ("E05000968", "New Brighton"),
    ("E05000969", "Oxton"),
    ("E05000970", "Pensby and Thingwall"),
    ("E05000971", "Prenton"),
    ("E05000972", "Rock Ferry"),
    ("E05000973", "Seacombe"),
    ("E05000974", "Upton"),
    ("E05000975", "Wallasey"),
    ("E05000976", "West Kirby and Thurstaston"),
]

COUNCIL = {
    "name": "Wirral Metropolitan Borough Council",
    "legal_form": LegalForm.LOCAL_AUTHORITY,
    "local_authority_code": "WRL",
    "town": "Wallasey",
    "postcode": "CH44 8ED",
}

# Seven invented partners of the Family Toolbox Alliance, all signed up to the values
# when it launched in April 2022.
PARTNERS = [
    ("Wirral Family Compass", LegalForm.REGISTERED_CHARITY, "1100001", "", "E05000957"),
    ("Tide Turners Wirral", LegalForm.CIO, "1180002", "", "E05000973"),
    (
        "Peninsula Parents Together",
        LegalForm.CHARITABLE_COMPANY,
        "1090003",
        "05100003",
        "E05000966",
    ),
    ("Mersey Minds Family Wellbeing", LegalForm.REGISTERED_CHARITY, "1120004", "", "E05000971"),
    ("Bright Steps SEND Support", LegalForm.CIO, "1190005", "", "E05000965"),
    ("Connect Wirral Families", LegalForm.CHARITABLE_COMPANY, "1070006", "04100006", "E05000956"),
    ("Changes and Chances Wirral", LegalForm.CIC, "", "11200007", "E05000972"),
]

# Invented grassroots groups across Wirral's wards.
GROUPS = [
    ("Rock Ferry Dads and Lads", LegalForm.UNINCORPORATED_GROUP, "E05000972", Decimal("3200")),
    ("Seacombe Saturday Kitchen", LegalForm.UNINCORPORATED_GROUP, "E05000973", Decimal("8500")),
    ("Leasowe Little Movers", LegalForm.CIO, "E05000965", Decimal("24000")),
    (
        "Bidston Community Garden Friends",
        LegalForm.UNINCORPORATED_GROUP,
        "E05000956",
        Decimal("1200"),
    ),
    ("St James Church Toddler Group", LegalForm.FAITH_GROUP, "E05000956", Decimal("4100")),
    ("Tranmere Young Carers Club", LegalForm.CIC, "E05000957", Decimal("41000")),
]

DEMO_PASSWORD = "wirral-demo-2026"  # the demo's only password; load_demo refuses outside DEBUG


def _ward(code: str) -> Ward:
    return Ward.objects.get(code=code)


def _user(email: str, full_name: str, *, staff: bool = False) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"username": email, "full_name": full_name, "is_staff": staff}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _organisation(data: dict) -> Organisation:
    key = {"name": data["name"]}
    existing = Organisation.objects.filter(**key).first()
    if existing:
        return existing
    commissioner = User.objects.get(email="commissioner@demo.wirral.example")
    return organisation_create(by=commissioner, data=data)


def _member(user: User, organisation: Organisation, role: str) -> None:
    Membership.objects.get_or_create(user=user, organisation=organisation, role=role)


@transaction.atomic
def load() -> dict[str, str]:
    """Load the register; answers one login (e-mail) per role."""
    for code, name in WIRRAL_WARDS_2004:
        Ward.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "boundary_year": 2004,
                "local_authority_code": WIRRAL[0],
                "local_authority_name": WIRRAL[1],
            },
        )

    commissioner = _user("commissioner@demo.wirral.example", "Casey Commissioner", staff=True)
    council = Organisation.objects.filter(local_authority_code="WRL").first()
    if council is None:
        # Bootstrapping: the first commissioner's council is created directly, once.
        council = Organisation.objects.create(org_id="GB-LAE-WRL", **COUNCIL)
    _member(commissioner, council, Role.COMMISSIONER)

    partners = []
    for name, form, charity, company, ward in PARTNERS:
        partners.append(
            _organisation(
                {
                    "name": name,
                    "legal_form": form,
                    "charity_number": charity,
                    "company_number": company,
                    "ward": _ward(ward),
                    "town": "Birkenhead",
                    "values_signed_on": date(2022, 4, 1),
                    "latest_annual_income": Decimal("250000.00"),
                }
            )
        )
    for name, form, ward, income in GROUPS:
        _organisation(
            {
                "name": name,
                "legal_form": form,
                "charity_number": "1200008" if form == LegalForm.CIO else "",
                "company_number": "12300009" if form == LegalForm.CIC else "",
                "ward": _ward(ward),
                "latest_annual_income": income,
            }
        )

    lead = _user("lead@demo.wirral.example", "Lee Lead")
    contributor = _user("contributor@demo.wirral.example", "Chris Contributor")
    _member(lead, partners[0], Role.ALLIANCE_LEAD)
    _member(contributor, partners[0], Role.CONTRIBUTOR)
    applicant = _user("applicant@demo.wirral.example", "Ash Applicant")
    _member(applicant, Organisation.objects.get(name=GROUPS[0][0]), Role.APPLICANT)
    panel = _user("panel@demo.wirral.example", "Pat Panel")
    _member(panel, council, Role.PANEL_MEMBER)
    return {
        "commissioner": commissioner.email,
        "alliance lead": lead.email,
        "contributor": contributor.email,
        "applicant": applicant.email,
        "panel member": panel.email,
    }
