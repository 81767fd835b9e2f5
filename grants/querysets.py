"""Who may see what in micro-grants. Every view reads through `visible_to(user)`.

Deny by default. An application (and its grant) is visible to the members of the applicant
organisation, to commissioners, and to the panel members of its round who have no conflict
with it (rule 13); panels never see drafts.
"""

from django.apps import apps
from django.db import connection, models
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


_APPLICATION_SCOPE_SQL = """
    SELECT 'organisation', organisation_id FROM {membership} WHERE user_id = %s
    UNION ALL
    SELECT 'round', round_id FROM {panelmember} WHERE user_id = %s
    UNION ALL
    SELECT 'conflict', application_id FROM {conflict} WHERE user_id = %s
"""


def application_scope(user) -> dict[str, list[int]]:
    """The ids that decide which applications `user` sees, in one small query: the
    organisations they belong to, the rounds whose panel they sit on, and the applications
    they declared a conflict with.

    The list then filters on literal ids, which PostgreSQL estimates exactly (an index
    scan per list, or'd), where `own OR assessable` as subqueries made it filter every
    application through hashed subplans, and a `pk IN (own UNION assessable)` still cost
    Django a nested compile for the count and again for the page (bench/RESULTS.md).
    Written in SQL because the ORM's compile of the union cost more than running it;
    tests/grants/test_application_scope.py holds it to the ORM's rules."""
    tables = {
        "membership": apps.get_model("alliance", "Membership")._meta.db_table,
        "panelmember": _model("PanelMember")._meta.db_table,
        "conflict": _model("ConflictDeclaration")._meta.db_table,
    }
    scope = {"organisation": [], "round": [], "conflict": []}
    with connection.cursor() as cursor:
        cursor.execute(_APPLICATION_SCOPE_SQL.format(**tables), [user.pk] * 3)
        for kind, pk in cursor.fetchall():
            scope[kind].append(pk)
    return scope


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if access.is_commissioner(user):
            return self
        scope = application_scope(user)
        own = Q(organisation_id__in=scope["organisation"])
        # Panel members see the submitted applications of their rounds, except where they
        # declared a conflict (rule 13).
        assessable = (
            Q(round_id__in=scope["round"]) & ~Q(status="draft") & ~Q(pk__in=scope["conflict"])
        )
        if not scope["round"]:
            return self.filter(own) if scope["organisation"] else self.none()
        return self.filter(own | assessable)

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
