"""Who may see which job. Deny by default, as in alliance/querysets.py."""

from django.db import models

from alliance import access


class JobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Those who asked for a job see it; commissioners see every job."""
        from reporting.models import JobRequest

        if not user.is_authenticated:
            return self.none()
        if access.is_commissioner(user):
            return self
        return self.filter(pk__in=JobRequest.objects.filter(user_id=user.pk).values("job_id"))
