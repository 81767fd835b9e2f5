"""The 360Giving export at scale: 100,000 awarded grants, streamed.

Throughput is the time to stream the whole export through the view, against a bare
`json.dumps` of the same rows from `values_list()` (fetched and dumped in one go) in the same
run: the median of 5 rounds, each timing the baseline, the JSON and the CSV in turn. Peak
memory is the peak resident set of a separate Python process that sets Django up and
streams the whole JSON export, against one that only sets Django up.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from bench.harness import Figure, p50, timings

SECTION = "Open data: the 360Giving export (100,000 awarded grants)"
PREFIX = "360G-bench"
NOTES = [
    "The 360Giving export streams: grants are read in keyset chunks of 2,000 with "
    "`values_list` (one query for the grants and one for their payments per chunk), each "
    "chunk is written out before the next is read, so memory does not grow with the number "
    "of grants. Parts many grants share (organisation, programme and funder, wards, planned "
    "dates, amounts) are made once as JSON and CSV text and spliced around each grant's own "
    "id, title, description and dates. The baseline fetches the same columns with "
    "`values_list()` and `json.dumps` them in one go, holding them all in memory.",
    "Peak memory is the peak resident set of a subprocess streaming the whole JSON export "
    "through the view (every byte read and thrown away), beside one that only starts Django. "
    "It is read from `/proc/self/status` (`VmHWM`) rather than `ru_maxrss`: Linux carries "
    "`ru_maxrss` across fork and exec, so a child of the bench process reported the "
    "parent's 400 MB peak (measured: 401.8 MB for both the exporting and the idle child).",
]

_MEMORY_SCRIPT = """
import os, resource, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
if sys.argv[1] == "export":
    from django.test import Client
    response = Client().get("/api/v1/open-data/360giving.json")
    assert response.status_code == 200
    size = sum(len(piece) for piece in response.streaming_content)
    assert size > 1000
# VmHWM is this address space's own peak. ru_maxrss is not: Linux carries the high-water
# mark across fork and exec, so a child of the (large) bench process would report the
# parent's peak. Elsewhere, fall back to ru_maxrss.
try:
    with open("/proc/self/status") as status:
        print(next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")))
except OSError:
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _generate(count: int) -> None:
    from alliance.models import Organisation, User, Ward
    from grants.models import Application, Grant, Payment, Programme, Round

    if Grant.objects.filter(identifier__startswith=PREFIX).count() >= count:
        return
    funder, _ = Organisation.objects.get_or_create(
        org_id="GB-LAE-BEX",
        defaults={
            "name": "Bench Council",
            "legal_form": "local_authority",
            "local_authority_code": "BEX",
        },
    )
    user, _ = User.objects.get_or_create(
        email="bench-export@example.org", defaults={"username": "bench-export@example.org"}
    )
    wards = []
    for n in range(22):
        ward, _ = Ward.objects.get_or_create(
            code=f"E05{990000 + n:06d}",
            defaults={
                "name": f"Bench ward {n}",
                "boundary_year": 2004,
                "local_authority_code": "E08000015",
                "local_authority_name": "Wirral",
            },
        )
        wards.append(ward.code)
    programme, _ = Programme.objects.get_or_create(
        name="Bench micro-grants",
        defaults={
            "funder": funder,
            "budget": Decimal("9999999999.00"),
            "min_award": Decimal("100.00"),
            "max_award": Decimal("5000.00"),
            "identifier_prefix": PREFIX,
        },
    )
    from django.utils import timezone

    now = timezone.now()
    round_, _ = Round.objects.get_or_create(
        programme=programme,
        name="Bench round",
        defaults={
            "opens_at": now - timedelta(days=400),
            "closes_at": now - timedelta(days=300),
            "budget": Decimal("9999999999.00"),
            "decision_method": "officer",
        },
    )
    # One organisation for every five grants: half registered charities, half groups.
    organisations = count // 5
    existing = Organisation.objects.filter(name__startswith="Export bench org ").count()
    Organisation.objects.bulk_create(
        (
            Organisation(
                name=f"Export bench org {n:06d}",
                legal_form="registered_charity" if n % 2 else "unincorporated_group",
                charity_number=f"{5000000 + n}" if n % 2 else "",
                org_id=f"GB-CHC-{5000000 + n}" if n % 2 else f"{PREFIX}-ORG-{n}",
                postcode="CH41 5LH",
            )
            for n in range(existing, organisations)
        ),
        batch_size=5000,
    )
    org_ids = list(
        Organisation.objects.filter(name__startswith="Export bench org ")
        .order_by("name")
        .values_list("pk", flat=True)
    )
    start = Application.objects.filter(round=round_).count()
    for first in range(start, count, 5000):
        last = min(first + 5000, count)
        applications = Application.objects.bulk_create(
            Application(
                round=round_,
                organisation_id=org_ids[n % len(org_ids)],
                created_by=user,
                status="awarded",
                title=f"Family club {n}",
                summary="A weekly club where parents and children cook together and meet.",
                amount_requested=Decimal("1000.00"),
                ward_codes=[wards[n % len(wards)]],
                starts_on=date(2025, 4, 1),
                ends_on=date(2025, 10, 1),
            )
            for n in range(first, last)
        )
        grants = Grant.objects.bulk_create(
            Grant(
                application=application,
                identifier=f"{PREFIX}-{application.pk}",
                amount=Decimal("1000.00"),
                paid_total=Decimal("750.00") if n % 2 else Decimal("0.00"),
                report_tier="light",
                status="accepted",
            )
            for n, application in enumerate(applications, start=first)
        )
        Payment.objects.bulk_create(
            Payment(
                grant=grant,
                amount=Decimal("750.00"),
                paid_on=date(2025, 4, 1),
                reference=f"BENCH-{grant.pk}",
                recorded_by=user,
            )
            for n, grant in enumerate(grants, start=first)
            if n % 2
        )
        print(f"   generated {last} grants", flush=True)


def _consume(response) -> int:
    assert response.status_code == 200
    return sum(len(piece) for piece in response.streaming_content)


def _baseline() -> int:
    from reporting.opendata.threesixtygiving import _FIELDS, published_grants

    rows = list(published_grants().order_by("pk").values_list(*_FIELDS))
    return len(json.dumps(rows, default=str))


def _maxrss_mb(mode: str) -> float:
    root = Path(__file__).resolve().parent.parent
    output = subprocess.run(
        [sys.executable, "-c", _MEMORY_SCRIPT, mode],
        cwd=root,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=True,
    )
    return int(output.stdout.strip().splitlines()[-1]) / 1024  # KiB


def run(args, *, prepared) -> list[Figure]:
    from django.test import Client

    count = 10_000 if args.quick else 100_000
    _generate(count)
    prepared()
    from reporting.opendata.threesixtygiving import published_grants

    published = published_grants().count()
    client = Client()
    _baseline()  # warm the database's caches and this process's imports
    for url in ("/api/v1/open-data/360giving.json", "/api/v1/open-data/360giving.csv"):
        _consume(client.get(url))
    repeat = 2 if args.quick else 5
    # Interleaved, a round of each at a time: on a machine shared with other work, a busy
    # minute then slows the baseline and the exports alike instead of one of them.
    baseline, exported, as_csv = [], [], []
    for _ in range(repeat):
        baseline += timings(_baseline, repeat=1, warmup=0)
        exported += timings(
            lambda: _consume(client.get("/api/v1/open-data/360giving.json")), repeat=1, warmup=0
        )
        as_csv += timings(
            lambda: _consume(client.get("/api/v1/open-data/360giving.csv")), repeat=1, warmup=0
        )
    idle = _maxrss_mb("idle")
    peak = _maxrss_mb("export")
    rate = published / p50(exported)
    return [
        Figure(
            SECTION,
            f"360giving.json, {published:,} grants",
            p50(exported),
            p50(baseline),
            "s",
            "json.dumps of values_list rows",
            "≤ 2×",
            f"{rate:,.0f} grants/s",
        ),
        Figure(
            SECTION,
            f"360giving.csv, {published:,} grants",
            p50(as_csv),
            p50(baseline),
            "s",
            "json.dumps of values_list rows",
            "≤ 2×",
            f"{published / p50(as_csv):,.0f} grants/s",
        ),
        Figure(
            SECTION,
            "peak memory, whole process streaming the JSON",
            peak,
            idle,
            "MB",
            "Django started, idle",
            "< 150 MB",
        ),
    ]
