"""`make load`: a deadline rush against gunicorn and PostgreSQL on 127.0.0.1, then the
fault tests; both outcomes are written into bench/RESULTS.md.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/alliance_bench python -m bench.load

The rush: 1,000 organisations each hold a complete draft in a round that closes in a few
minutes; 50 clients submit them all at once through gunicorn (several workers), each
client reading a list page and the application it just submitted in between. Every run
has its own organisations and round, prepared in bulk beforehand with a token each.
Afterwards the database is checked: as many submitted applications as 2xx answers to
`submit`, each submitted exactly once (one `submitted` event), nothing lost.
"""

from __future__ import annotations

import argparse
import http.client
import os
import queue
import socket
import subprocess
import sys
import threading
import time
import uuid
import xml.etree.ElementTree as ElementTree
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from bench.harness import machine, p50, p95, write_section

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(submissions: int, *, closes_in: timedelta) -> tuple[str, list[tuple[int, str]]]:
    """A round closing soon and `submissions` complete drafts, one per new organisation,
    each with an applicant holding a token. Returns the run's tag and (id, token) pairs."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from alliance.models import Membership, Organisation, User, Ward
    from grants.models import Application, BudgetLine, Programme, Round

    run = uuid.uuid4().hex[:8]
    now = timezone.now()
    with transaction.atomic():
        council = Organisation.objects.create(
            name=f"Load council {run}", legal_form="local_authority", org_id=f"GB-LOAD-{run}"
        )
        ward, _ = Ward.objects.get_or_create(
            code="E05099999",
            defaults={
                "name": "Load test ward",
                "boundary_year": 2022,
                "local_authority_code": "E08099999",
                "local_authority_name": "Load test borough",
            },
        )
        programme = Programme.objects.create(
            funder=council,
            name=f"Deadline rush {run}",
            budget=Decimal("9000000.00"),
            min_award=Decimal("250.00"),
            max_award=Decimal("5000.00"),
            identifier_prefix=f"360G-load-{run}",
        )
        round_ = Round.objects.create(
            programme=programme,
            name=f"Rush round {run}",
            opens_at=now - timedelta(days=28),
            closes_at=now + closes_in,
            budget=Decimal("5000000.00"),
            decision_method="officer",
        )
        organisations = Organisation.objects.bulk_create(
            Organisation(
                name=f"Rush group {run} {n:04d}",
                legal_form="unincorporated_group",
                org_id=f"GB-LOAD-{run}-{n}",
                ward=ward,
            )
            for n in range(submissions)
        )
        password = make_password(None)
        users = User.objects.bulk_create(
            User(
                username=f"rush-{run}-{n}@example.org",
                email=f"rush-{run}-{n}@example.org",
                password=password,
            )
            for n in range(submissions)
        )
        Membership.objects.bulk_create(
            Membership(user=user, organisation=organisation, role="applicant")
            for user, organisation in zip(users, organisations, strict=True)
        )
        tokens = Token.objects.bulk_create(
            Token(key=Token.generate_key(), user=user) for user in users
        )
        applications = Application.objects.bulk_create(
            Application(
                round=round_,
                organisation=organisation,
                created_by=user,
                title=f"Summer holiday club {n}",
                summary=(
                    "Lunch and activities for families through the summer holidays, run "
                    "by parents in the community centre."
                ),
                amount_requested=Decimal("1200.00"),
                ward_codes=[ward.code],
                expected_beneficiaries=60,
                themes=["isolation"],
                starts_on=(now + timedelta(days=60)).date(),
                ends_on=(now + timedelta(days=120)).date(),
            )
            for n, (user, organisation) in enumerate(zip(users, organisations, strict=True))
        )
        BudgetLine.objects.bulk_create(
            BudgetLine(application=app, description="Food and venue", amount=app.amount_requested)
            for app in applications
        )
    return run, [(app.pk, token.key) for app, token in zip(applications, tokens, strict=True)]


class Server:
    """gunicorn on 127.0.0.1 on a free port, as production runs it (DEBUG off)."""

    def __init__(self, workers: int):
        self.port = free_port()
        (ROOT / "var" / "static").mkdir(parents=True, exist_ok=True)  # WhiteNoise's root
        env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": "load-test-only-" + "x" * 40,
            "SECURE_SSL_REDIRECT": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "30",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn stopped while starting")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/health/")
                if connection.getresponse().status < 500:
                    return
            except OSError:
                # Not listening yet: gunicorn's workers take a moment to boot. The loop is
                # bounded by the deadline above and fails loudly when it passes.
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def rush(port: int, work: list[tuple[int, str]], *, clients: int, deadline: float) -> dict:
    """`clients` threads submit every application once, with two reads after each."""
    pending: queue.Queue[tuple[int, str]] = queue.Queue()
    for item in work:
        pending.put(item)
    lock = threading.Lock()
    timings: dict[str, list[float]] = {"submit": [], "list": [], "detail": []}
    statuses: dict[str, Counter] = {kind: Counter() for kind in timings}
    accepted: list[int] = []
    start = threading.Barrier(clients)

    def call(connection, kind, method, path, token):
        started = time.perf_counter()
        try:
            connection.request(
                method,
                path,
                headers={"Authorization": f"Token {token}", "Content-Length": "0"},
            )
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as exc:
            status = f"error: {type(exc).__name__}"
            connection.close()
        elapsed = time.perf_counter() - started
        with lock:
            timings[kind].append(elapsed)
            statuses[kind][status] += 1
        return status

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start.wait()
        while time.monotonic() < deadline:
            try:
                application_id, token = pending.get_nowait()
            except queue.Empty:
                break
            status = call(
                connection,
                "submit",
                "POST",
                f"/api/v1/applications/{application_id}/submit/",
                token,
            )
            if isinstance(status, int) and 200 <= status < 300:
                with lock:
                    accepted.append(application_id)
            call(connection, "list", "GET", "/api/v1/applications/?page_size=20", token)
            call(connection, "detail", "GET", f"/api/v1/applications/{application_id}/", token)
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(1.0, deadline - time.monotonic() + 35))
    elapsed = time.perf_counter() - began
    return {
        "elapsed": elapsed,
        "timings": timings,
        "statuses": statuses,
        "accepted": accepted,
        "unsent": pending.qsize(),
    }


def verify(run: str, accepted: list[int]) -> dict:
    """What the database holds afterwards for this run's applications."""
    from django.db.models import Count

    from grants.models import Application, ApplicationEvent

    mine = Application.objects.filter(organisation__org_id__startswith=f"GB-LOAD-{run}-")
    submitted = set(mine.filter(status="submitted").values_list("pk", flat=True))
    events = (
        ApplicationEvent.objects.filter(application__in=mine, action="submitted")
        .values("application_id")
        .annotate(n=Count("id"))
    )
    twice = [row["application_id"] for row in events if row["n"] > 1]
    return {
        "drafts": mine.count(),
        "submitted": len(submitted),
        "accepted_answers": len(accepted),
        "accepted_distinct": len(set(accepted)),
        "accepted_not_stored": len(set(accepted) - submitted),
        "stored_without_answer": len(submitted - set(accepted)),
        "submitted_twice": len(twice),
    }


def _status_text(counter: Counter) -> str:
    return ", ".join(f"{status}: {count}" for status, count in sorted(counter.items(), key=str))


def report(
    result: dict, checks: dict, *, submissions: int, clients: int, workers: int
) -> list[str]:
    timings, statuses = result["timings"], result["statuses"]
    requests = sum(len(samples) for samples in timings.values())
    five_xx = sum(
        count
        for counter in statuses.values()
        for status, count in counter.items()
        if isinstance(status, int) and status >= 500
    )
    failed = sum(
        count
        for counter in statuses.values()
        for status, count in counter.items()
        if not isinstance(status, int)
    )
    exactly_once = (
        checks["accepted_not_stored"] == 0
        and checks["stored_without_answer"] == 0
        and checks["submitted_twice"] == 0
        and checks["accepted_answers"] == checks["accepted_distinct"]
        and checks["submitted"] == checks["accepted_answers"]
    )
    met = five_xx == 0 and failed == 0 and exactly_once and result["unsent"] == 0
    lines = [
        f"{submissions} application submissions from {clients} concurrent clients through "
        f"gunicorn ({workers} workers) on 127.0.0.1 and PostgreSQL on 127.0.0.1, each "
        "submission followed by a list page and the application's own page, in a round "
        "closing within minutes. Machine: " + machine() + ".",
        "",
        "| requests | count | p50 | p95 | answers |",
        "| --- | --- | --- | --- | --- |",
    ]
    for kind, samples in timings.items():
        if samples:
            lines.append(
                f"| {kind} | {len(samples)} | {p50(samples) * 1000:.0f} ms "
                f"| {p95(samples) * 1000:.0f} ms | {_status_text(statuses[kind])} |"
            )
    lines += [
        "",
        f"- Throughput: **{requests / result['elapsed']:.0f} requests/s** "
        f"({len(timings['submit']) / result['elapsed']:.0f} submissions/s) over "
        f"{result['elapsed']:.1f} s.",
        f"- 5xx answers: **{five_xx}**; connection errors: {failed}; submissions not sent "
        f"before the hard time limit: {result['unsent']}.",
        f"- In the database afterwards: {checks['submitted']} submitted of "
        f"{checks['drafts']} drafts; {checks['accepted_answers']} 2xx answers to submit "
        f"({checks['accepted_distinct']} distinct); accepted but not stored: "
        f"{checks['accepted_not_stored']}; stored without a 2xx: "
        f"{checks['stored_without_answer']}; submitted twice: {checks['submitted_twice']}.",
        f"- Target (zero 5xx, every accepted submission stored exactly once, nothing lost): "
        f"**{'met' if met else 'NOT met'}**.",
    ]
    return lines


def faults() -> list[str]:
    """Run tests/faults and describe each test's outcome from its docstring."""
    report_file = ROOT / "var" / "faults-junit.xml"
    report_file.parent.mkdir(exist_ok=True)
    started = time.perf_counter()
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/faults",
            "-q",
            "-p",
            "no:cacheprovider",
            f"--junitxml={report_file}",
            "-o",
            "junit_family=xunit1",
        ],
        cwd=ROOT,
        env={**os.environ, "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/9")},
        capture_output=True,
        text=True,
        timeout=900,
    )
    elapsed = time.perf_counter() - started
    if not report_file.exists():
        return [f"The fault tests did not run: {completed.stdout[-500:]} {completed.stderr[-500:]}"]
    from tests.faults import DESCRIPTIONS

    lines = [
        "Each fault is an automated test in `tests/faults/` (run by `make load`, and by "
        "`make test` when PostgreSQL and Redis are configured). A test that stops a service "
        "starts its own instance on a free port and its own worker processes; the "
        "machine's shared PostgreSQL and Redis are never stopped.",
        "",
        "| fault | what was done | outcome | time |",
        "| --- | --- | --- | --- |",
    ]
    for case in ElementTree.parse(report_file).getroot().iter("testcase"):
        name = case.get("name", "")
        outcome = "passed"
        for tag in ("failure", "error", "skipped"):
            found = case.find(tag)
            if found is not None:
                outcome = f"{tag}: {(found.get('message') or '')[:200]}"
        what = DESCRIPTIONS.get(name.split("[")[0], name)
        lines.append(f"| `{name}` | {what} | **{outcome}** | {float(case.get('time', 0)):.1f} s |")
    lines += ["", f"pytest exit code {completed.returncode}, {elapsed:.0f} s in all."]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--time-limit", type=float, default=300, help="hard limit in seconds")
    parser.add_argument("--no-faults", action="store_true", help="skip the fault tests")
    args = parser.parse_args(argv)

    from bench.run import DEFAULT_DATABASE, _ensure_database

    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if not os.environ["DATABASE_URL"].startswith("postgres"):
        print("make load needs PostgreSQL: set DATABASE_URL=postgres://...", file=sys.stderr)
        return 2
    _ensure_database(os.environ["DATABASE_URL"])

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)

    started = time.perf_counter()
    run, work = prepare(args.submissions, closes_in=timedelta(minutes=10))
    print(f"Prepared {len(work)} drafts in {time.perf_counter() - started:.1f} s (run {run})")
    from django.db import connection

    connection.close()  # gunicorn's workers open their own
    server = Server(args.workers)
    try:
        server.wait_ready()
        result = rush(
            server.port,
            work,
            clients=args.clients,
            deadline=time.monotonic() + args.time_limit,
        )
    finally:
        server.stop()
    checks = verify(run, result["accepted"])
    lines = report(
        result, checks, submissions=args.submissions, clients=args.clients, workers=args.workers
    )
    print("\n".join(lines))
    write_section("Load: deadline rush", lines, command="make load (the last step of make bench)")
    ok = "**met**" in lines[-1]
    if not args.no_faults:
        fault_lines = faults()
        print("\n".join(fault_lines))
        write_section("Faults", fault_lines, command="make load (the last step of make bench)")
        ok = ok and "pytest exit code 0" in fault_lines[-1]
    print("Wrote bench/RESULTS.md")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
