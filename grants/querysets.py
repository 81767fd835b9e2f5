"""Who may see what in micro-grants. Every view reads through `visible_to(user)`.

Deny by default. An application (and its grant) is visible to the members of the applicant
organisation, to commissioners, and to the panel members of its round who have no conflict
with it (rule 13); panels never see drafts.
"""

from django.apps import apps
from django.db import models
from django.db.models import Q

from alliance import access


def _model(name: str):
    return apps.get_model("grants", name)


def panel_round_ids(user):
    return _model("PanelMember").objects.filter(user_id=user.pk).values("round_id")


def declared_conflict_ids(user):
    return _model("ConflictDeclaration").objects.filter(user_id=user.pk).values("application_id")


class ProgrammeQuerySet(models.QuerySet):
    def visible_to(self, user):
        # Programmes and rounds are published to every signed-in person: groups need to find
        # what they can apply to.
        return self if user.is_authenticated else self.none()


class RoundQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self if user.is_authenticated else self.none()


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if access.is_commissioner(user):
            return self
        # One `pk IN (own UNION assessable)` rather than `own OR assessable`: PostgreSQL
        # plans the union as a join on the few visible rows, where an OR of two IN
        # subqueries makes it filter every application in the table (bench/RESULTS.md).
        own = self.model.objects.filter(organisation_id__in=access.member_organisation_ids(user))
        assessable = self.model.objects.filter(self._assessable_q(user))
        ids = own.order_by().values("pk").union(assessable.order_by().values("pk"))
        return self.filter(pk__in=ids)

    def assessable_by(self, user):
        """Applications this person may score, vote on and see the scores of (rule 13)."""
        if not user.is_authenticated:
            return self.none()
        mine = access.member_organisation_ids(user)
        return self.filter(self._assessable_q(user)).exclude(organisation_id__in=mine)

    def _assessable_q(self, user) -> Q:
        return (
            Q(round_id__in=panel_round_ids(user))
            & ~Q(status="draft")
            & ~Q(pk__in=declared_conflict_ids(user))
        )

    def declarable_by(self, user):
        """Where this person may declare a conflict: what they see, plus their rounds."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            Q(pk__in=self.visible_to(user).values("pk"))
            | (Q(round_id__in=panel_round_ids(user)) & ~Q(status="draft"))
        )


class _ThroughApplication(models.QuerySet):
    application_path = "application"

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if access.is_commissioner(user):
            return self
        visible = _model("Application").objects.visible_to(user).values("pk")
        return self.filter(**{f"{self.application_path}__in": visible})


class AttachmentQuerySet(_ThroughApplication):
    pass


class ApplicationEventQuerySet(_ThroughApplication):
    pass


class GrantQuerySet(_ThroughApplication):
    pass


class PaymentQuerySet(_ThroughApplication):
    application_path = "grant__application"


class ScoreQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if access.is_commissioner(user):
            return self
        assessable = _model("Application").objects.assessable_by(user).values("pk")
        return self.filter(application__in=assessable)


class _OwnOrCommissioner(models.QuerySet):
    owner_field = "user"

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if access.is_commissioner(user):
            return self
        return self.filter(**{f"{self.owner_field}_id": user.pk})


class ConflictQuerySet(_OwnOrCommissioner):
    pass


class VoteQuerySet(_OwnOrCommissioner):
    # A vote is a private choice: voters see their own, commissioners count them all.
    owner_field = "voter"
