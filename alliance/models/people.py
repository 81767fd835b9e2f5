"""Organisations, people and the roles that join them."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from alliance.querysets import MembershipQuerySet, OrganisationQuerySet, WardQuerySet


class User(AbstractUser):
    """A person. They log in with their e-mail address (kept as the username too)."""

    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email


class Ward(models.Model):
    """An electoral ward, with the year of the boundaries its code belongs to.

    Ward codes change with boundary reviews, so the code alone is not enough to read
    old returns correctly.
    """

    code = models.CharField(max_length=9, unique=True, help_text="ONS code, E05 and 6 digits")
    name = models.CharField(max_length=120)
    boundary_year = models.PositiveSmallIntegerField()
    local_authority_code = models.CharField(
        max_length=9, help_text="ONS code of the local authority, e.g. E08000015 for Wirral"
    )
    local_authority_name = models.CharField(max_length=120)

    objects = WardQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[EWSN]05[0-9]{6}$"), name="ward_code_is_ons_ward"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class LegalForm(models.TextChoices):
    REGISTERED_CHARITY = "registered_charity", "Registered charity"
    CIO = "cio", "Charitable incorporated organisation (CIO)"
    CHARITABLE_COMPANY = "charitable_company", "Charitable company"
    CIC = "cic", "Community interest company (CIC)"
    COMPANY_LIMITED_BY_GUARANTEE = "company_limited_by_guarantee", "Company limited by guarantee"
    UNINCORPORATED_GROUP = "unincorporated_group", "Unincorporated community group"
    FAITH_GROUP = "faith_group", "Faith group"
    SCHOOL = "school", "School"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    OTHER = "other", "Other"


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    legal_form = models.CharField(max_length=40, choices=LegalForm.choices)
    charity_number = models.CharField(max_length=10, blank=True)
    company_number = models.CharField(max_length=8, blank=True)
    local_authority_code = models.CharField(
        max_length=4, blank=True, help_text="Local authority register code, e.g. WRL"
    )
    org_id = models.CharField(
        "org-id", max_length=60, unique=True, help_text="The 360Giving organisation identifier"
    )
    latest_annual_income = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True
    )
    income_year_end = models.DateField(null=True, blank=True)
    address_line_1 = models.CharField(max_length=200, blank=True)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, null=True, blank=True, related_name="organisations"
    )
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)
    values_signed_on = models.DateField(
        null=True, blank=True, help_text="When it signed the Alliance values (membership mark)"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        # The register is listed in this order: a page is read from the index, not sorted.
        indexes = [models.Index(fields=["name", "id"], name="organisation_name_order")]
        constraints = [
            # One record per registered body: a second registration is a mistake to stop.
            models.UniqueConstraint(
                fields=["charity_number"],
                condition=~Q(charity_number=""),
                name="organisation_unique_charity_number",
            ),
            models.UniqueConstraint(
                fields=["company_number"],
                condition=~Q(company_number=""),
                name="organisation_unique_company_number",
            ),
            models.CheckConstraint(
                condition=Q(latest_annual_income__isnull=True) | Q(latest_annual_income__gte=0),
                name="organisation_income_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    COMMISSIONER = "commissioner", "Commissioner"
    ALLIANCE_LEAD = "alliance_lead", "Alliance lead"
    CONTRIBUTOR = "contributor", "Contributor"
    APPLICANT = "applicant", "Applicant"
    PANEL_MEMBER = "panel_member", "Panel member"


class Membership(models.Model):
    """A person's role in one organisation. A person may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    added_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation_id", "user_id", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} at {self.organisation}"
