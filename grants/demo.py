"""Demo data for micro-grants, after ../shared/data/worked_example.md ("over £35,000 in
grants to small grassroots organisations"). Group names are invented.

Everything goes through the services, as a real round would. Rounds that ran in the past
are replayed: each is opened, applied to, then its closing time is moved to the past (the
one direct write here, and the reason it exists). Idempotent: if the programme exists,
nothing is loaded again.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from alliance.demo import DEMO_PASSWORD, GROUPS, WIRRAL_WARDS_2004
from alliance.models import Membership, Organisation, Role, User, Ward
from alliance.models.people import LegalForm
from alliance.services.memberships import register_person_with_organisation
from grants.models import Application, Criterion, FamilyTheme, Programme, Round
from grants.services.applications import application_create, application_submit
from grants.services.awards import application_decide
from grants.services.fund_down import round_fund_down_ranking
from grants.services.panels import score_record, vote_cast
from grants.services.payments import grant_accept, payment_record
from grants.services.programmes import programme_create, round_create
from grants.services.reports import QUESTIONS, report_submit

PROGRAMME = "Community Micro-grants"
ACTIVITIES = [
    ("Stay and Play", "a weekly stay-and-play session where parents of young children meet"),
    ("Cook and Eat", "cooking together on Saturdays, so families eat well and make friends"),
    ("Walk and Talk", "walks for parents who feel low, with a trained volunteer listener"),
    ("Homework Club", "a quiet place and volunteer help with homework after school"),
    ("Sensory Den", "sensory play for children with additional needs and their siblings"),
    ("Dads' Den", "a Saturday morning group where dads and their children build things"),
    ("Grow Together", "a family allotment: growing, cooking and sharing what is grown"),
    ("Moving On Group", "peer support for families facing separation or a house move"),
]
EXTRA_GROUP_WARDS = [code for code, _ in WIRRAL_WARDS_2004]
SCORING_CRITERIA = [("Need in the area", "2"), ("A clear plan", "1"), ("Value for money", "1")]
AMOUNTS = [Decimal(a) for a in ("400", "750", "900", "1200", "1500", "2000", "2500", "3000")]


def _commissioner() -> User:
    return User.objects.get(email="commissioner@demo.wirral.example")


def _group(index: int) -> tuple[Organisation, User]:
    """The index-th invented group and its applicant; the first six are alliance's."""
    if index < len(GROUPS):
        organisation = Organisation.objects.get(name=GROUPS[index][0])
        if index == 0:
            return organisation, User.objects.get(email="applicant@demo.wirral.example")
        # alliance's demo gives these groups no applicant yet: give each one, as it does.
        email = f"group{index}@demo.wirral.example"
        user, created = User.objects.get_or_create(email=email, defaults={"username": email})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(user=user, organisation=organisation, role=Role.APPLICANT)
        return organisation, user
    ward_code, ward_name = WIRRAL_WARDS_2004[index % len(WIRRAL_WARDS_2004)]
    activity = ACTIVITIES[index % len(ACTIVITIES)][0]
    name = f"{ward_name.split(',')[0].split(' and ')[0]} {activity} ({index})"
    user, organisation = register_person_with_organisation(
        email=f"group{index}@demo.wirral.example",
        password=DEMO_PASSWORD,
        full_name=f"Volunteer {index}",
        organisation={
            "name": name,
            "legal_form": LegalForm.UNINCORPORATED_GROUP,
            "ward": Ward.objects.get(code=ward_code),
            "latest_annual_income": Decimal(1500 + index * 400),
        },
    )
    return organisation, user


def _apply(round_, organisation, user, index, rng, *, past=False) -> Application:
    amount = AMOUNTS[index % len(AMOUNTS)]
    title, what = ACTIVITIES[index % len(ACTIVITIES)]
    themes = list(FamilyTheme.values)
    today = timezone.localdate()
    starts = today - timedelta(days=200) if past else today + timedelta(days=30)
    return application_create(
        round_=round_,
        organisation=organisation,
        by=user,
        data={
            "title": f"{title} for {organisation.name.split(' (')[0]}",
            "summary": f"We will run {what}. Families told us this is what they want.",
            "amount_requested": amount,
            "budget_lines": [
                {"description": "Venue hire", "amount": amount - Decimal("150")},
                {"description": "Refreshments and materials", "amount": Decimal("150")},
            ],
            "ward_codes": [organisation.ward.code],
            "expected_beneficiaries": rng.randint(12, 90),
            "themes": rng.sample(themes, 2),
            "starts_on": starts,
            "ends_on": starts + timedelta(days=120 if past else 180),
        },
    )


def _close(round_: Round, days_ago: int) -> None:
    # Replaying a round that ran in the past: see the module docstring.
    now = timezone.now()
    Round.objects.filter(pk=round_.pk).update(
        opens_at=now - timedelta(days=days_ago + 60), closes_at=now - timedelta(days=days_ago)
    )
    round_.refresh_from_db()


def _panel_round(programme, commissioner, panel, rng) -> None:
    round_ = round_create(
        by=commissioner,
        programme=programme,
        data={
            "name": "Spring 2026 scored panel",
            "opens_at": timezone.now() - timedelta(days=1),
            "closes_at": timezone.now() + timedelta(days=1),
            "budget": Decimal("20000.00"),
            "decision_method": "panel",
        },
        criteria=[{"name": n, "weight": Decimal(w)} for n, w in SCORING_CRITERIA],
        panel=panel,
    )
    applications = []
    for index in range(40):
        organisation, user = _group(index)
        application = _apply(round_, organisation, user, index, rng, past=index in (1, 2))
        if index < 36:  # the last four stayed drafts
            application_submit(application=application, by=user)
        applications.append(application)
    _close(round_, days_ago=45)
    criteria = list(Criterion.objects.filter(round=round_))
    for index, application in enumerate(applications[:30]):  # six were never scored
        application.refresh_from_db()
        for member in panel:
            for criterion in criteria:
                score = 5 if index < 3 else rng.randint(1, 5)
                score_record(application=application, by=member, criterion=criterion, score=score)
    application_decide(
        application=Application.objects.get(pk=applications[35].pk),
        by=commissioner,
        outcome="decline",
        reason="The panel felt the plan needs more detail. Please talk to us before you "
        "apply again.",
    )
    round_fund_down_ranking(
        round_=round_, by=commissioner, conditions="Tell us about any change of plan."
    )
    _after_award(round_, commissioner)


def _after_award(round_, commissioner) -> None:
    """A few groups accept; some are paid; the first three report (one of them late)."""
    awarded = Application.objects.filter(round=round_, status="awarded").order_by("pk")
    for position, application in enumerate(awarded):
        user = application.created_by
        if position >= 8:
            break  # the rest have not accepted yet
        grant = grant_accept(grant=application.grant, by=user)
        if position < 5:
            for tranche in grant.tranches.all():
                payment_record(
                    grant=grant,
                    by=commissioner,
                    amount=tranche.amount,
                    paid_on=tranche.due_on,
                    reference=f"WRL-{grant.pk:04d}-{tranche.position}",
                    tranche=tranche,
                )
        if position < 3 and position != 1:
            report = grant.report
            answers = {key: "It went well." for key in QUESTIONS[report.tier]}
            answers["people_reached"] = 30 + position
            report_submit(report=report, by=user, answers=answers)


def _vote_round(programme, commissioner, panel, rng) -> None:
    voters = [panel[0]] + [
        User.objects.get_or_create(
            email=f"resident{n}@demo.wirral.example",
            defaults={"username": f"resident{n}@demo.wirral.example"},
        )[0]
        for n in range(1, 5)
    ]
    round_ = round_create(
        by=commissioner,
        programme=programme,
        data={
            "name": "Summer 2026 community vote",
            "opens_at": timezone.now() - timedelta(days=1),
            "closes_at": timezone.now() + timedelta(days=1),
            "budget": Decimal("8000.00"),
            "decision_method": "community_vote",
            "votes_per_voter": 3,
        },
        panel=voters,
    )
    applications = []
    for index in range(40, 48):
        organisation, user = _group(index)
        applications.append(_apply(round_, organisation, user, index, rng))
        application_submit(application=applications[-1], by=user)
    _close(round_, days_ago=10)
    for voter in voters:
        for application in rng.sample(applications, 3):
            vote_cast(application=Application.objects.get(pk=application.pk), by=voter)
    round_fund_down_ranking(round_=round_, by=commissioner)


def load() -> dict[str, str]:
    # The replayed rounds would e-mail every demo group about every step: not on load.
    quiet = override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
    with quiet, transaction.atomic():
        return _load()


def _load() -> dict[str, str]:
    if Programme.objects.filter(name=PROGRAMME).exists():
        return {"panel member 2": "panel2@demo.wirral.example"}
    commissioner = _commissioner()
    council = Organisation.objects.get(local_authority_code="WRL")
    panel2, created = User.objects.get_or_create(
        email="panel2@demo.wirral.example",
        defaults={"username": "panel2@demo.wirral.example", "full_name": "Sam Scorer"},
    )
    if created:
        panel2.set_password(DEMO_PASSWORD)
        panel2.save(update_fields=["password"])
    panel = [User.objects.get(email="panel@demo.wirral.example"), panel2]
    programme = programme_create(
        by=commissioner,
        data={
            "funder": council,
            "name": PROGRAMME,
            "description": "Hyper-local grants for grassroots groups working with families.",
            "budget": Decimal("35000.00"),
            "min_award": Decimal("250.00"),
            "max_award": Decimal("5000.00"),
            "allowed_legal_forms": [
                LegalForm.UNINCORPORATED_GROUP,
                LegalForm.FAITH_GROUP,
                LegalForm.CIO,
                LegalForm.CIC,
                LegalForm.REGISTERED_CHARITY,
            ],
            "max_annual_income": Decimal("50000.00"),
            "area_ward_codes": [code for code, _ in WIRRAL_WARDS_2004],
            "identifier_prefix": "360G-wirral",
        },
    )
    rng = random.Random(2026)  # noqa: S311 - not security: the same demo every time
    _panel_round(programme, commissioner, panel, rng)
    _vote_round(programme, commissioner, panel, rng)
    round_create(
        by=commissioner,
        programme=programme,
        data={
            "name": "Winter 2026 small grants",
            "opens_at": timezone.now() - timedelta(days=7),
            "closes_at": timezone.now() + timedelta(days=60),
            "budget": Decimal("7000.00"),
            "decision_method": "officer",
        },
    )
    return {"panel member 2": "panel2@demo.wirral.example"}
