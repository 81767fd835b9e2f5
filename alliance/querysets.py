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
