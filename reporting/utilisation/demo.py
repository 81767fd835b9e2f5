"""The demo's fund utilisation: every demo programme compiled once loaded. Idempotent: a
programme whose grants and payments did not change stores no new version."""

from grants.models import Programme
from reporting.utilisation.services import utilisation_compile


def load() -> dict[str, str]:
    for programme_id in Programme.objects.order_by("pk").values_list("pk", flat=True):
        utilisation_compile(programme_id=programme_id)
    return {}
