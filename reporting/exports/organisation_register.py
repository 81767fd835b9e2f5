"""The organisation register as CSV, with each organisation's org-id (commissioners only).

It holds no personal data: no contact names, e-mail addresses or telephone numbers.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils import timezone

from alliance.models import Organisation
from config.errors import RuleBroken
from reporting.kinds import JobFile, JobKind, JobOutcome

KIND = "organisation_register_export"
KEY = KIND  # one register: asking again while one is being made returns that job

COLUMNS = [
    ("id", lambda o: o.pk),
    ("org_id", lambda o: o.org_id),
    ("name", lambda o: o.name),
    ("legal_form", lambda o: o.get_legal_form_display()),
    ("charity_number", lambda o: o.charity_number),
    ("company_number", lambda o: o.company_number),
    ("local_authority_code", lambda o: o.local_authority_code),
    ("ward_code", lambda o: o.ward.code if o.ward else ""),
    ("ward_name", lambda o: o.ward.name if o.ward else ""),
    ("town", lambda o: o.town),
    ("postcode", lambda o: o.postcode),
    ("values_signed_on", lambda o: o.values_signed_on.isoformat() if o.values_signed_on else ""),
    ("registered_on", lambda o: timezone.localdate(o.created_at).isoformat()),
]

# A spreadsheet runs a cell that starts with one of these as a formula. Names are typed
# by the public when a group registers itself, so each such cell is made plain text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _plain(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def organisation_register_csv(params: dict[str, Any]) -> JobOutcome:
    if params:
        raise RuleBroken(
            "The organisation register export takes no options: "
            + ", ".join(sorted(params))
            + " not recognised.",
            rule="jobs.known_params",
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([name for name, _ in COLUMNS])
    rows = 0
    for organisation in (
        Organisation.objects.select_related("ward").order_by("name", "pk").iterator(2000)
    ):
        writer.writerow([_plain(value(organisation)) for _, value in COLUMNS])
        rows += 1
    day = timezone.localdate().isoformat()
    name = f"organisation-register-{day}.csv"
    # UTF-8 with a byte-order mark, so Excel shows Welsh and accented names correctly.
    content = buffer.getvalue().encode("utf-8-sig")
    return JobOutcome(
        result={"organisations": rows, "file_name": name},
        file=JobFile(name=name, content=content, content_type="text/csv"),
    )


organisation_register_export = JobKind(
    name=KIND,
    title="the organisation register export",
    handler=organisation_register_csv,
)
