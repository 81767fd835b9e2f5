"""The national-scale data set: list endpoints for a commissioner and for a partner, and the
cost of the audit trail on a return's submission.

The data comes from `bench.generate` at `BENCH_SCALE` (default 0.1 for `make bench`; 1.0
is the reference size). Every scale generated in the same database stays there, so the
tables are at least as big as the scale named.
"""

from __future__ import annotations

import os

from django.db import transaction
from django.test import Client, override_settings

from bench.harness import Figure, p50, p95

DEFAULT_SCALE = 0.1
AUDIT_SECTION = "Audit overhead"
LISTS = ["returns/", "applications/", "grants/"]


def scale() -> float:
    return float(os.environ.get("BENCH_SCALE", DEFAULT_SCALE))


NOTES = [
    f"National lists and audit overhead use the generated data set at scale "
    f"BENCH_SCALE (default {DEFAULT_SCALE}; 1.0 = 150 councils, 1,500 partner organisations, "
    "nine years of quarterly returns with 40 indicators and ward breakdowns, 100,000 "
    "applications, 60,000 grants), made by `python -m bench.generate --scale N`.",
    "Found and fixed: the returns list sent every figure, ward figure, story, learning entry "
    "and risk of fifty returns (590 KB, 9 queries; 1.5 s, 79× `/me/` at scale 0.1 on a "
    "national-size database): it now lists a return's headline facts and leaves the rest "
    "to `GET /returns/{id}/` (2 queries of its own; 4 per request)."
    " Applications and grants gained list-order indexes (`-created_at, -id`; "
    "`-awarded_at, -id`), and an applicant's visible applications are now "
    "`pk IN (own UNION assessable)` instead of `own OR assessable`: with the OR, PostgreSQL "
    "filtered every application in the table through two hashed subplans (EXPLAIN: 107,500 "
    "rows removed, 63 ms for the page; grants 151 ms); with the union it joins on the "
    "visible rows (3 ms; grants 0.5 ms).",
    "Second pass (profiled with cProfile on CPU time, EXPLAIN ANALYZE on this data): at "
    "scale 0.1 every list query ran in under 1 ms in PostgreSQL; the time was Python. "
    "(1) Serialisation, a third of a list request: DRF walks every field of every row "
    "through its generic `get_attribute`, and each `DateTimeField` looks the time zone up "
    "again per value. List rows are now leaner (an application's summary and budget lines, "
    "a grant's conditions, tranches and report answers are on the object's own page; one "
    "query fewer for each) and are written by `config.rows.FastRowsMixin`, which works out "
    "once per page how to read each field (same output as DRF, tested field for field). "
    "(2) Visibility: the returns list's `contract IN (commissioned) OR organisation IN "
    "(own)` and a partner's `pk IN (own UNION assessable)` applications were nested "
    "subqueries that Django built and compiled twice a request (count and page), the "
    "commissioned-contracts one 1.5 ms of compile for a 0.4 ms query; the person's contract, "
    "organisation, panel-round and conflict ids are now read first in one small SQL query "
    "and the lists filter on literal ids. (3) django-filter deep-copied every filter (with "
    "the querysets of the model-choice ones) and built a form on every request; an "
    "unfiltered list now skips it. (4) `.only()` the columns a row shows, and the "
    "allocation subquery no longer joins every partner's name for an ordering it does not "
    "need.",
    "The list figures take the baseline and the list in turns, ten requests at a time: two "
    "runs of the earlier hundred-then-hundred on this shared 2-core machine put the same "
    "code at 1.35× and 4.05× as neighbours' load came and went.",
    "Third pass: a list serializer's field plan is built once per process, per class and "
    "time zone (DRF rebuilt the fields on every request: a third of the serialisation), and "
    "list rows are read with `.values()` rather than model instances, the page counted on "
    "the filtered queryset without the rows' joins (a test checks the COUNT has none).",
    "Gap left (p50 over 2x `/me/`, see the table): a list page of fifty rows is 6 to 9 ms "
    "against a `/me/` of 3 to 3.5 ms. Profile of the commissioner's returns list: the "
    "queries about 30%, serialisation about 20%, session and user about 14% (the work "
    "`/me/` does too), the visibility ids query and building the queryset about 10%. The "
    "partner's applications page: PostgreSQL hash-joins decisions (10,000 rows) and grants "
    "(6,000) by sequential scan for a 67-row page (2.1 ms; 1.0 ms with hash joins off); "
    "separate queries for them were no quicker. Over repeated runs on this shared 2-core "
    "machine the same code measured 1.6x to 2.1x for five of the six lists and 2.4x to "
    "3.0x for the partner's applications, so one run can land a list on either side of 2x.",
    "The commissioner's applications and grants pages in a whole `make bench`: the "
    "database then also holds the export benchmark's 106,000 grants and their applications. "
    "While a commissioner saw every application and grant, each page was counted over "
    "111,000 applications or 106,000 grants: the COUNT(*) alone an index-only scan of 8 to "
    "10 ms in EXPLAIN ANALYZE (4 ms of an 11 ms request, profiled). Commissioners are now "
    "scoped to their own council's programmes, the lists filtering on that council's round "
    "ids (resolved with the person's other ids in one query), so a page is counted over "
    "one council's applications only.",
    "That scoping met a planner trap in a whole run: the export benchmark's 100,000 grants "
    "and applications all belong to one other council and are the newest, so a council's "
    "page sorted newest first finds its rows only after walking past them. With "
    "PostgreSQL's default random_page_cost (4.0) the grants page walked the list-order "
    "index past 101,715 rows (EXPLAIN ANALYZE 61 ms); with 1.1, the usual value for SSD "
    "and now set on the app's connections (PG_RANDOM_PAGE_COST), it reads the council's "
    "applications by round and sorts them (3.4 ms). The applications page still walks the "
    "index past 102,695 rows (19 ms), the gap in this table. With a council's applications "
    "spread over time, as in the generated national data, the walk meets a council's rows "
    "at their share of the table and stays short; a composite index on round and creation "
    "time, or a visible-id set fetched first when the count is small, would cover the "
    "skewed case: not done.",
    "Audit overhead: the same submitted returns are submitted again inside a transaction "
    "that is rolled back, alternating with history recording on and off "
    "(`SIMPLE_HISTORY_ENABLED`), so both sides see the same rows in the same state.",
]


def _client(email: str) -> Client:
    from alliance.models import User

    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def _audit_figure(size: float, repeat: int) -> Figure:
    import time

    from alliance.models import Membership, Return
    from alliance.services.review import return_submit
    from bench.generate import tag_for

    returns = list(
        Return.objects.filter(
            organisation__org_id__startswith=f"GB-GEN{tag_for(size)}-", status="submitted"
        ).select_related("period")[:50]
    )
    leads = {
        membership.organisation_id: membership.user
        for membership in Membership.objects.filter(
            organisation_id__in=[r.organisation_id for r in returns], role="alliance_lead"
        ).select_related("user")
    }
    Return.objects.filter(pk__in=[r.pk for r in returns]).update(status="draft")

    def submit_once(return_) -> float:
        with transaction.atomic():
            started = time.perf_counter()
            return_submit(return_=return_, by=leads[return_.organisation_id])
            elapsed = time.perf_counter() - started
            transaction.set_rollback(True)
        return elapsed

    with_history, without = [], []
    try:
        for round_number in range(repeat):
            for return_ in returns:
                # Alternate which side goes first, so neither always has the warmer cache.
                first_on = round_number % 2 == 0
                if first_on:
                    with_history.append(submit_once(return_))
                with override_settings(SIMPLE_HISTORY_ENABLED=False):
                    without.append(submit_once(return_))
                if not first_on:
                    with_history.append(submit_once(return_))
    finally:
        Return.objects.filter(pk__in=[r.pk for r in returns]).update(status="submitted")
    return Figure(
        AUDIT_SECTION,
        "return submission with history, p50",
        p50(with_history) * 1000,
        p50(without) * 1000,
        "ms",
        "history off p50",
        "≤ 1.3×",
        note=f"{len(returns)} returns × {repeat} rounds; p95 {p95(with_history) * 1000:.1f} "
        f"vs {p95(without) * 1000:.1f} ms",
    )


def run(args, *, prepared) -> list[Figure]:
    from bench.generate import commissioner_email, generate, partner_email
    from bench.lists import list_figures

    size = scale()
    generate(size)
    prepared()
    repeat = 20 if args.quick else 100
    figures: list[Figure] = []
    for persona, email in (
        ("commissioner", commissioner_email(size)),
        ("partner", partner_email(size)),
    ):
        client = _client(email)
        for url in LISTS:
            figures += list_figures(
                label=f"{url} as {persona} (scale {size})",
                url=f"/api/v1/{url}",
                client=client,
                repeat=repeat,
            )
    figures.append(_audit_figure(size, repeat=3 if args.quick else 10))
    return figures
