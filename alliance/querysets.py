"""Who may see what, in one place. Every view reads through `visible_to(user)`.

Deny by default: anonymous users see nothing; members see their own organisations;
commissioners see every organisation, and the contracts (and their returns) of the places
they commission.
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


def _model(name):
    from django.apps import apps

    return apps.get_model("alliance", name)


def places_commissioned_by(user) -> models.Q:
    """Places whose council, or whose parent's or grandparent's council, has `user` as a
    commissioner: a council's commissioners see its own places and the neighbourhoods
    inside them; a regional commissioner (at a combined authority owning the region's
    place) sees across every place within it (rule 3)."""
    councils = access.member_organisation_ids(user, [access.COMMISSIONER])
    return (
        models.Q(council_id__in=councils)
        | models.Q(parent__council_id__in=councils)
        | models.Q(parent__parent__council_id__in=councils)
    )


def commissioned_contract_ids(user):
    """A subquery of the contracts `user` commissions."""
    places = _model("Place").objects.filter(places_commissioned_by(user))
    return _model("Contract").objects.filter(place_id__in=places.values("pk")).values("pk")


def partner_contract_ids(user):
    """A subquery of the contracts in which one of `user`'s organisations is a partner."""
    return (
        _model("ContractMember")
        .objects.filter(organisation_id__in=access.member_organisation_ids(user, PARTNER_ROLES))
        .values("contract_id")
    )


class PlaceQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        partner_places = _model("Contract").objects.filter(pk__in=partner_contract_ids(user))
        return self.filter(
            places_commissioned_by(user) | models.Q(pk__in=partner_places.values("place_id"))
        )


class ContractQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            models.Q(pk__in=commissioned_contract_ids(user))
            | models.Q(pk__in=partner_contract_ids(user))
        )


class _ContractPartsQuerySet(models.QuerySet):
    """Framework and periods: readable by the contract's commissioners and every partner."""

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            models.Q(contract_id__in=commissioned_contract_ids(user))
            | models.Q(contract_id__in=partner_contract_ids(user))
        )


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
        return self.filter(
            models.Q(contract_year__contract_id__in=commissioned_contract_ids(user))
            | models.Q(organisation_id__in=access.member_organisation_ids(user, PARTNER_ROLES))
        )


class VariationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Variations move money between partners: the lead partner, which proposes them
        with the council, sees them; other partners see their own allocations instead."""
        if not user.is_authenticated:
            return self.none()
        led = _model("ContractMember").objects.filter(
            is_lead_partner=True,
            organisation_id__in=access.member_organisation_ids(user, PARTNER_ROLES),
        )
        return self.filter(
            models.Q(contract_id__in=commissioned_contract_ids(user))
            | models.Q(contract_id__in=led.values("contract_id"))
        )


class ReturnQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            models.Q(contract_id__in=commissioned_contract_ids(user))
            | models.Q(organisation_id__in=access.member_organisation_ids(user, PARTNER_ROLES))
        )


class LearningQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Learning is shared across the Alliance once the council accepts the return;
        a partner always sees its own."""
        if not user.is_authenticated:
            return self.none()
        own = access.member_organisation_ids(user, PARTNER_ROLES)
        return self.filter(
            models.Q(return_record__contract_id__in=commissioned_contract_ids(user))
            | models.Q(return_record__organisation_id__in=own)
            | models.Q(
                return_record__status="accepted",
                return_record__contract_id__in=partner_contract_ids(user),
            )
        )
