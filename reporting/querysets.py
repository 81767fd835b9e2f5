"""Who may see which job. Deny by default, as in alliance/querysets.py."""

from django.db import models

from alliance import access


class JobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The person who asked for a job sees it; commissioners see every job."""
        if not user.is_authenticated:
            return self.none()
        if access.is_commissioner(user):
            return self
        return self.filter(requested_by_id=user.pk)
