"""`make bench`: every benchmark against PostgreSQL, rewriting bench/RESULTS.md.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/alliance_bench python -m bench.run

The database is created and migrated if needed; data sets are generated once and reused.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/alliance_bench"
# Each module has `run(args, *, prepared) -> list[Figure]` (calling `prepared()` once its
# data is loaded) and, optionally, `NOTES`.
BENCHMARKS = ["bench.lists", "bench.national", "bench.compile", "bench.export"]


def _ensure_database(url: str) -> None:
    import psycopg
    from dj_database_url import parse

    config = parse(url)
    admin = psycopg.connect(
        host=config["HOST"],
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    with admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{config["NAME"]}"')


def _analyse() -> None:
    """Refresh statistics and the visibility map after bulk loads, as autovacuum would in time."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", help="run only benchmarks whose module name contains this")
    parser.add_argument("--quick", action="store_true", help="smaller data and fewer repeats")
    args = parser.parse_args(argv)

    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if not os.environ["DATABASE_URL"].startswith("postgres"):
        print("make bench measures PostgreSQL: set DATABASE_URL=postgres://...", file=sys.stderr)
        return 2
    _ensure_database(os.environ["DATABASE_URL"])

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)

    from bench.harness import write

    figures, notes = [], []
    for name in BENCHMARKS:
        if args.only and args.only not in name:
            continue
        module = importlib.import_module(name)
        print(f"== {name}", flush=True)
        produced = module.run(args, prepared=_analyse)
        for figure in produced:
            print(
                f"   {figure.name}: {figure.value:.4g} {figure.unit}"
                + (f" ({figure.ratio:.2f}× {figure.baseline_name})" if figure.ratio else "")
            )
        figures += produced
        notes += getattr(module, "NOTES", [])

    from django.db import connection

    command = "make bench" + (f" (--only {args.only})" if args.only else "")
    write(
        figures,
        command=command,
        database=f"PostgreSQL {connection.pg_version // 10000}",
        notes=notes,
    )
    print("Wrote bench/RESULTS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
