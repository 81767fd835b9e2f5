"""Who may see what, in one place. Every view reads through `visible_to(user)`.

Deny by default: anonymous users see nothing; members see their own organisations;
commissioners see everything in the installation.
"""

from django.db import models

from alliance import access


class WardQuerySet(models.QuerySet):
    def visible_to(self, user):
        # Wards are public reference data, but the API is for signed-in people.
        return self if user.is_authenticated else self.none()


class OrganisationQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if access.is_commissioner(user):
            return self
        return self.filter(pk__in=access.member_organisation_ids(user))


class MembershipQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if access.is_commissioner(user):
            return self
        return self.filter(organisation_id__in=access.member_organisation_ids(user))


# --- Alliance contracts and returns ------------------------------------------------------
# Partners' people are its alliance leads and contributors; other roles in the same
# organisation (an applicant for a grant, say) do not see its contract work.
PARTNER_ROLES = ["alliance_lead", "contributor"]


def _contract_ids_of(user):
    """A subquery of the contracts in which one of `user`'s organisations is a partner."""
    from django.apps import apps

    members = apps.get_model("alliance", "ContractMember").objects
    return members.filter(
        organisation_id__in=access.member_organisation_ids(user, PARTNER_ROLES)
    ).values("contract_id")


class PlaceQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if access.is_commissioner(user):
            return self
        from django.apps import apps

        contracts = apps.get_model("alliance", "Contract").objects
        return self.filter(pk__in=contracts.filter(pk__in=_contract_ids_of(user)).values("place"))


class ContractQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if access.is_commissioner(user):
            return self
        return self.filter(pk__in=_contract_ids_of(user))


class _ContractPartsQuerySet(models.QuerySet):
    """Framework and periods: readable by every partner of the contract."""

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if access.is_commissioner(user):
            return self
        return self.filter(contract_id__in=_contract_ids_of(user))


class PriorityQuerySet(_ContractPartsQuerySet):
    pass


class IndicatorQuerySet(_ContractPartsQuerySet):
    pass


class PeriodQuerySet(_ContractPartsQuerySet):
    pass


class AllocationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """An allocation belongs to its partner: other partners do not see it."""
        if not user.is_authenticated:
            return self.none()
        if access.is_commissioner(user):
            return self
        return self.filter(organisation_id__in=access.member_organisation_ids(user, PARTNER_ROLES))


class VariationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Variations move money between partners: the lead partner, which proposes them
        with the council, sees them; other partners see their own allocations instead."""
        if not user.is_authenticated:
            return self.none()
        if access.is_commissioner(user):
            return self
        from django.apps import apps

        members = apps.get_model("alliance", "ContractMember").objects
        led = members.filter(
            is_lead_partner=True,
            organisation_id__in=access.member_organisation_ids(user, PARTNER_ROLES),
        ).values("contract_id")
        return self.filter(contract_id__in=led)


class ReturnQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if access.is_commissioner(user):
            return self
        return self.filter(organisation_id__in=access.member_organisation_ids(user, PARTNER_ROLES))


class LearningQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Learning is shared across the Alliance once the council accepts the return;
        a partner always sees its own."""
        if not user.is_authenticated:
            return self.none()
        if access.is_commissioner(user):
            return self
        own = access.member_organisation_ids(user, PARTNER_ROLES)
        return self.filter(
            models.Q(return_record__organisation_id__in=own)
            | models.Q(
                return_record__status="accepted",
                return_record__contract_id__in=_contract_ids_of(user),
            )
        )
