"""Who may read compiled collective impact: the contract's commissioners (a regional
commissioner across the places within theirs) and its partners. Deny by default."""

from django.db import models
from django.db.models import Max, Q


class SnapshotQuerySet(models.QuerySet):
    def visible_to(self, user):
        from alliance.querysets import commissioned_contract_ids, partner_contract_ids

        if not user.is_authenticated:
            return self.none()
        return self.filter(
            Q(contract_id__in=commissioned_contract_ids(user))
            | Q(contract_id__in=partner_contract_ids(user))
        )

    def latest_versions(self):
        """Only the newest version of each (contract, period, scope)."""
        newest = (
            self.model.objects.values("contract_id", "period_id", "scope")
            .annotate(newest=Max("pk"))
            .values("newest")
        )
        return self.filter(pk__in=newest)
