"""Who may see what in micro-grants. Every view reads through `visible_to(user)`.

Deny by default. An application (and its grant) is visible to the members of the applicant
organisation, to the commissioners of the council funding its programme (a commissioner of
another council gets a 404, as for anything else they cannot see), and to the panel members
of its round who have no conflict with it (rule 13); panels never see drafts.
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


def funder_ids(user):
    """A subquery of the councils in which `user` is a commissioner: the funders whose
    programmes (and everything under them) they run."""
    return access.member_organisation_ids(user, [access.COMMISSIONER])


def funded_round_ids(user):
    """A subquery of the rounds of the programmes funded by `user`'s councils."""
    return _model("Round").objects.filter(programme__funder_id__in=funder_ids(user)).values("pk")


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
    UNION ALL
    SELECT 'funder', organisation_id FROM {membership} WHERE user_id = %s AND role = %s
    UNION ALL
    SELECT 'funded_round', r.id FROM {round} r
        JOIN {programme} p ON p.id = r.programme_id
        JOIN {membership} m ON m.organisation_id = p.funder_id
        WHERE m.user_id = %s AND m.role = %s
"""

SCOPE_KINDS = ("organisation", "round", "conflict", "funder", "funded_round")


def application_scope(user) -> dict[str, list[int]]:
    """The ids that decide which applications `user` sees, in one small query: the
    organisations they belong to, the rounds whose panel they sit on, the applications
    they declared a conflict with, the councils in which they are a commissioner (the
    funders whose programmes they run) and those programmes' rounds.

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
        "round": _model("Round")._meta.db_table,
        "programme": _model("Programme")._meta.db_table,
    }
    scope = {kind: [] for kind in SCOPE_KINDS}
    if not user.is_authenticated:
        return scope
    params = [user.pk] * 3 + [user.pk, access.COMMISSIONER] * 2
    with connection.cursor() as cursor:
        cursor.execute(_APPLICATION_SCOPE_SQL.format(**tables), params)
        for kind, pk in cursor.fetchall():
            scope[kind].append(pk)
    return scope


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        scope = application_scope(user)
        # Only the parts that can match are or'd: an empty IN still costs the planner.
        parts = []
        if scope["organisation"]:
            parts.append(Q(organisation_id__in=scope["organisation"]))
        if scope["funded_round"]:
            # The commissioners of the funding council see all of its programmes'
            # applications, drafts too; never another council's.
            parts.append(Q(round_id__in=scope["funded_round"]))
        if scope["round"]:
            # Panel members see the submitted applications of their rounds, except where
            # they declared a conflict (rule 13).
            parts.append(
                Q(round_id__in=scope["round"]) & ~Q(status="draft") & ~Q(pk__in=scope["conflict"])
            )
        if not parts:
            return self.none()
        condition = parts[0]
        for part in parts[1:]:
            condition |= part
        return self.filter(condition)

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
        assessable = _model("Application").objects.assessable_by(user).values("pk")
        # Commissioners see the scores in their own council's rounds only.
        funded = funded_round_ids(user)
        return self.filter(Q(application__in=assessable) | Q(application__round_id__in=funded))


class _OwnOrCommissioner(models.QuerySet):
    owner_field = "user"
    round_path = "application__round_id"

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        own = Q(**{f"{self.owner_field}_id": user.pk})
        # Commissioners see those in their own council's rounds, never another council's.
        funded = funded_round_ids(user)
        return self.filter(own | Q(**{f"{self.round_path}__in": funded}))


class ConflictQuerySet(_OwnOrCommissioner):
    pass


class VoteQuerySet(_OwnOrCommissioner):
    # A vote is a private choice: voters see their own, commissioners count them all.
    owner_field = "voter"
    round_path = "round_id"
