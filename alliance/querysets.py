"""Who may see what, in one place. Every view reads through `visible_to(user)`.

Deny by default: anonymous users see nothing; members see their own organisations;
commissioners see every organisation, and the contracts (and their returns) of the places
they commission.
"""

from django.db import connection, models

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


_RETURN_SCOPE_SQL = """
    SELECT 'contract', contract.id
      FROM {contract} contract
      JOIN {place} place ON place.id = contract.place_id
      LEFT JOIN {place} parent ON parent.id = place.parent_id
      LEFT JOIN {place} grandparent ON grandparent.id = parent.parent_id
     WHERE EXISTS (
        SELECT 1 FROM {membership} m
         WHERE m.user_id = %s AND m.role = %s
           AND m.organisation_id IN (
               place.council_id, parent.council_id, grandparent.council_id))
    UNION ALL
    SELECT 'organisation', m.organisation_id
      FROM {membership} m
     WHERE m.user_id = %s AND m.role IN ({partner_roles})
"""


def return_scope(user) -> tuple[list[int], list[int]]:
    """The contracts `user` commissions (as `places_commissioned_by`) and the organisations
    whose returns they write, as literal ids, in one small query.

    Filtering returns on `contract IN (subquery) OR organisation IN (subquery)` made
    PostgreSQL estimate the commissioned-contracts subquery at nearly every contract, and
    Django build and compile the nested subqueries for the count and again for the page
    (bench/RESULTS.md). Written in SQL because the ORM's compile of the same union took
    1.5 ms for a query that runs in 0.4 ms; tests/alliance/test_return_scope.py holds it
    to the ORM's rules."""
    tables = {
        "contract": _model("Contract")._meta.db_table,
        "place": _model("Place")._meta.db_table,
        "membership": _model("Membership")._meta.db_table,
        "partner_roles": ", ".join(["%s"] * len(PARTNER_ROLES)),
    }
    contract_ids, organisation_ids = [], []
    with connection.cursor() as cursor:
        cursor.execute(
            _RETURN_SCOPE_SQL.format(**tables),
            [user.pk, access.COMMISSIONER, user.pk, *PARTNER_ROLES],
        )
        for kind, pk in cursor.fetchall():
            (contract_ids if kind == "contract" else organisation_ids).append(pk)
    return contract_ids, organisation_ids


class ReturnQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        contract_ids, organisation_ids = return_scope(user)
        if not contract_ids and not organisation_ids:
            return self.none()
        return self.filter(
            models.Q(contract_id__in=contract_ids) | models.Q(organisation_id__in=organisation_ids)
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
