"""``make bench``: the daily pages at national scale, under gunicorn, on PostgreSQL (issue 19).

    make bench                                     # defaults below
    .venv/bin/python benchmarks/bench.py --scale 0.04 --experts 5000 --seconds 30
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/other make bench

1. Migrates ``BENCH_DATABASE_URL`` (default postgres://postgres@127.0.0.1:5432/expertbank_bench,
   created when missing) and seeds it with ``manage.py seed_scale`` unless the scale data is
   there already (``benchmarks/scale.py``).
2. Starts gunicorn (2 sync workers) with DEBUG off and ``BENCH`` on: every response carries its
   server time (``Server-Timing``) and query count (``X-Bench-Queries``; ``expertbank.bench``).
   MFA for staff and the HTTPS redirect are off in this server only (the benchmark logs in by
   session cookie over plain HTTP on 127.0.0.1).
3. Opens each daily page ``--repeat`` times, one request at a time, as its role, and reports the
   server time's p50 / p95 / p99 and the queries per request.
4. Load: ``--concurrency`` connections for ``--seconds`` each on the bare view (anonymous, and
   with the expert's session cookie: the floor of any logged-in request), the expert's start
   page and the unit's bookings page; requests per second and the ratio to the bare view. The
   load generator is ``wrk`` when it is installed (``--load wrk``; C, two threads, a new
   connection per request as gunicorn's sync workers close them), else Python (``--load
   python``: 4 processes of threads), on the same machine as the server: every page and the
   bare view are hammered by the same generator in the same way. Beside the requests per second
   it reports the server's CPU per request (gunicorn workers and their PostgreSQL backends, from
   /proc): on a shared machine that figure does not move with what else runs.
5. The invoice run and the fee run for last month at scale, each in a transaction rolled back,
   with the process's peak memory; the gunicorn workers' peak memory (VmHWM).
6. ``seed_demo`` on a fresh SQLite database, timed; ``make test`` from ``--make-test-seconds``
   (not run here: the full suite takes its own quarter-hour).
7. Writes a dated table into docs/PERFORMANCE.md (``--no-write`` to only print).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import http.client
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/expertbank_bench"
PERFORMANCE = ROOT / "docs" / "PERFORMANCE.md"
SECTION = "## National scale (`make bench`)"


def _read(path: Path) -> str:
    return path.read_text().strip() if path.exists() else ""


def bench_env(url: str) -> dict[str, str]:
    """The server's environment: DEBUG off with the development keys the seed wrote with."""
    keys = _read(ROOT / "var" / "dev-field-encryption-keys")
    hash_key = _read(ROOT / "var" / "dev-field-hash-key")
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": url,
            "DEBUG": "false",
            "BENCH": "true",
            "SECRET_KEY": env.get("SECRET_KEY") or "bench-only-secret-key-" + "x" * 40,
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "MFA_REQUIRED_FOR_STAFF": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "LOG_LEVEL": "WARNING",
        }
    )
    if keys and hash_key and not env.get("FIELD_ENCRYPTION_KEYS"):
        env["FIELD_ENCRYPTION_KEYS"], env["FIELD_HASH_KEY"] = keys, hash_key
    return env


def ensure_database(url: str) -> None:
    import psycopg2

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username, dbname="postgres"
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def manage(env: dict, *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)
    return time.perf_counter() - started


# --- The pages ------------------------------------------------------------------------------


def pick_pages() -> list[tuple[str, str, object]]:
    """(label, path, user or None) for every daily page, on the seeded data."""
    from django.db.models import Count, Q
    from django.urls import reverse

    from benchmarks import scale
    from bookings.models import Booking, Gig, Membership
    from bookings.services.calendar import calendar_token_get
    from expertbank.models import User
    from expertbank.roles import start_page
    from experts.models import Expert

    coordinator = User.objects.get(email=scale.COORDINATOR)
    busiest = (
        Expert.objects.annotate(
            coming=Count("gigs", filter=Q(gigs__status=Gig.Status.PLANNED)),
        )
        .order_by("-coming", "pk")
        .select_related("user")
        .first()
    )
    expert = busiest.user
    unit_id = Booking.objects.values("unit").annotate(n=Count("pk")).order_by("-n").first()["unit"]
    booker = Membership.objects.filter(unit_id=unit_id).select_related("user").first().user
    detail = (
        Booking.objects.annotate(n=Count("gigs")).order_by("-n", "pk").values_list("pk", "n")
    ).first()
    staffing = (
        Booking.objects.filter(status=Booking.Status.STAFFING)
        .order_by("first_start", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    token = calendar_token_get(expert=busiest).token
    pages = [
        ("coordinator: work queue", "/coordinator/", coordinator),
        ("coordinator: request queue", "/coordinator/bookings/", coordinator),
        (
            f"coordinator: booking detail ({detail[1]} gigs)",
            f"/coordinator/bookings/{detail[0]}/",
            coordinator,
        ),
        (
            "coordinator: candidates for a booking",
            f"/coordinator/bookings/{staffing}/candidates/",
            coordinator,
        ),
        ("coordinator: expert list", "/coordinator/experts/", coordinator),
        ("coordinator: work reports", "/coordinator/bookings/reports/", coordinator),
        ("coordinator: invoice list", "/coordinator/invoicing/", coordinator),
        ("coordinator: fee statements", "/coordinator/invoicing/fees/", coordinator),
        ("coordinator: message log", "/coordinator/messages/", coordinator),
        ("coordinator: dashboard", "/coordinator/dashboard/", coordinator),
        ("coordinator: funder report", "/coordinator/reports/funder/", coordinator),
        ("expert: start page", reverse(start_page(expert)), expert),
        ("expert: gigs", "/gigs/", expert),
        ("expert: payments", "/payments/", expert),
        ("expert: iCal feed", f"/gigs/calendar/{token}.ics", None),
        ("unit: bookings", reverse(start_page(booker)), booker),
        ("unit: invoices", "/unit/invoices/", booker),
        ("admin: bookings", "/admin/bookings/booking/", coordinator),
        ("admin: experts", "/admin/experts/expert/", coordinator),
        ("admin: invoices", "/admin/invoicing/invoice/", coordinator),
    ]
    return pages


def session_cookies(users) -> dict:
    """A logged-in session per user, as ``force_login`` makes it (database sessions)."""
    from django.conf import settings
    from django.test import Client

    cookies = {}
    for user in users:
        if user is None or user.pk in cookies:
            continue
        client = Client()
        client.force_login(user)
        cookies[user.pk] = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
    return cookies


def get(port: int, path: str, cookie: str | None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": cookie} if cookie else {}
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    timing = response.getheader("Server-Timing", "app;dur=nan")
    server_ms = float(timing.split("dur=")[1])
    return response.status, server_ms, int(response.getheader("X-Bench-Queries", "-1"))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def time_pages(port: int, pages, cookies, repeat: int, log=print) -> list[dict]:
    rows = []
    for label, path, user in pages:
        cookie = cookies.get(user.pk) if user else None
        status, _ms, _q = get(port, path, cookie)  # warm the worker's caches
        get(port, path, cookie)
        times, queries = [], set()
        for _n in range(repeat):
            status, ms, count = get(port, path, cookie)
            times.append(ms)
            queries.add(count)
        row = {
            "page": label,
            "path": path,
            "status": status,
            "p50": statistics.median(times),
            "p95": percentile(times, 0.95),
            "p99": percentile(times, 0.99),
            "queries": "/".join(str(q) for q in sorted(queries)),
        }
        rows.append(row)
        log(
            f"  {label:44} {status}  p50 {row['p50']:7.1f} ms  p95 {row['p95']:7.1f} ms  "
            f"p99 {row['p99']:7.1f} ms  queries {row['queries']}"
        )
    return rows


def _hammer(port: int, path: str, cookie: str | None, seconds: float, threads: int) -> int:
    done = [0] * threads
    stop = time.monotonic() + seconds

    def worker(index: int) -> None:
        while time.monotonic() < stop:
            status, _ms, _q = get(port, path, cookie)
            if status == 200:
                done[index] += 1

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return sum(done)


def throughput_wrk(port: int, path: str, cookie, *, seconds: float, concurrency: int) -> float:
    """Requests per second from ``wrk`` (two threads: the machine's cores), only 200s counted."""
    command = ["wrk", "-t2", f"-c{concurrency}", f"-d{seconds:g}s", "--timeout", "30s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    done = int(re.search(r"(\d+) requests in", output).group(1))
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: .*", output)
    if failed or errors:
        print(f"    wrk: {failed.group(0) if failed else ''} {errors.group(0) if errors else ''}")
    return (done - (int(failed.group(1)) if failed else 0)) / seconds


def throughput(port: int, path: str, cookie, *, seconds: float, concurrency: int) -> float:
    processes = 4
    with concurrent.futures.ProcessPoolExecutor(processes) as pool:
        jobs = [
            pool.submit(_hammer, port, path, cookie, seconds, concurrency // processes)
            for _n in range(processes)
        ]
        return sum(job.result() for job in jobs) / seconds


def _cpu_seconds(pid: int) -> float:
    """User and system CPU a process has used (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_pids(master: int) -> list[int]:
    """The gunicorn workers and the PostgreSQL backends serving the bench database (this
    process's own backend aside): what a request costs is spent in these."""
    from django.db import connection

    children = Path(f"/proc/{master}/task/{master}/children")
    workers = [int(pid) for pid in children.read_text().split()] if children.exists() else []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        backends = [row[0] for row in cursor.fetchall()]
    return workers + backends


def measured_load(hammer, master: int, port: int, path: str, cookie, **options) -> dict:
    """Requests per second, and the server's CPU per request: the gunicorn workers' and their
    PostgreSQL backends' CPU time over the run divided by the requests served. The CPU figure
    does not depend on how much of the machine the load generator (or anything else) takes, so
    it compares the pages with the bare view fairly on a shared machine."""
    before = {pid: _cpu_seconds(pid) for pid in server_pids(master)}
    rps = hammer(port, path, cookie, **options)
    spent = sum(
        max(0.0, _cpu_seconds(pid) - before.get(pid, 0.0))
        for pid in set(before) | set(server_pids(master))
    )
    served = rps * options["seconds"]
    return {"rps": rps, "cpu_ms": spent * 1000 / served if served else float("nan")}


def worker_memory(master: int) -> list[int]:
    """Peak resident memory (VmHWM, kB) of the gunicorn master's workers."""
    peaks = []
    children = Path(f"/proc/{master}/task/{master}/children")
    for pid in children.read_text().split() if children.exists() else []:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]))
    return peaks


# --- The money runs ---------------------------------------------------------------------------


def money_runs(log=print) -> list[dict]:
    from django.utils import timezone

    from benchmarks.money import _Rollback
    from bookings.selectors.earnings import Period
    from invoicing.services.fees import run_statements
    from invoicing.services.issuing import issue_run

    today = timezone.localdate()
    period = Period.month_of(today.replace(day=1) - timedelta(days=1))
    rows = []
    for label, run in (
        ("invoice run", lambda: issue_run(period=period, by=None, issue_date=today)),
        ("fee run", lambda: run_statements(period=period, by=None)),
    ):
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        with _Rollback():
            started = time.perf_counter()
            result = run()
            elapsed = time.perf_counter() - started
        made = (
            f"{len(result.invoices)} invoices"
            if hasattr(result, "invoices")
            else f"{len(result.statements)} statements"
        )
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        rows.append(
            {
                "run": f"{label} {period.start:%m/%Y}",
                "made": made,
                "seconds": elapsed,
                "peak_mb": peak / 1024,
                "grew_mb": (peak - before) / 1024,
            }
        )
        log(f"  {label}: {made} in {elapsed:.1f} s, peak memory {peak / 1024:.0f} MB")
    return rows


def seed_demo_seconds(env: dict) -> float:
    handle, name = tempfile.mkstemp(prefix="bench-demo-", suffix=".sqlite3")
    os.close(handle)
    demo = dict(env, DATABASE_URL=f"sqlite:///{name}", DEBUG="true", BENCH="false")
    try:
        manage(demo, "migrate", "--noinput", "-v0")
        return manage(demo, "seed_demo")
    finally:
        os.unlink(name)


# --- The report -------------------------------------------------------------------------------


def report(data: dict) -> str:
    lines = [
        f"### {data['date']} — {data['scale_note']}",
        "",
        f"{data['machine']}. Data: "
        + ", ".join(f"{count:,} {name}" for name, count in data["counts"].items())
        + ".",
        "",
        "| page | p50 | p95 | p99 | queries |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in data["pages"]:
        flag = "" if row["status"] == 200 else f" (HTTP {row['status']})"
        lines.append(
            f"| {row['page']}{flag} | {row['p50']:.0f} ms | {row['p95']:.0f} ms | "
            f"{row['p99']:.0f} ms | {row['queries']} |"
        )
    lines += [
        "",
        f"Throughput, {data['concurrency']} connections for {data['seconds']:g} s "
        f"({data['load_generator']}):",
        "",
    ]
    lines += [
        "| page | requests/s | share of the bare view | share of the bare view logged in "
        "| server CPU a request | bare view's CPU / page's CPU |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    bare = (data["load"][0]["rps"] if data["load"] else 0) or 1
    bare_in = (data["load"][1]["rps"] if len(data["load"]) > 1 else 0) or 1
    bare_cpu = data["load"][0]["cpu_ms"] if data["load"] else float("nan")
    for row in data["load"]:
        lines.append(
            f"| {row['page']} | {row['rps']:.1f} | {row['rps'] / bare:.0%} | "
            f"{row['rps'] / bare_in:.0%} | {row['cpu_ms']:.2f} ms | "
            f"{bare_cpu / row['cpu_ms']:.0%} |"
        )
    lines += ["", "| monthly run | made | time | peak memory (process) |", "|---|---|---:|---:|"]
    for row in data["money"]:
        lines.append(
            f"| {row['run']} | {row['made']} | {row['seconds']:.1f} s | {row['peak_mb']:.0f} MB |"
        )
    lines += [
        "",
        f"Gunicorn workers' peak memory: {data['workers']}. `seed_demo`: {data['seed_demo']}. "
        f"`make test`: {data['make_test']}. Seeding this data: {data['seed_note']}.",
        "",
    ]
    return "\n".join(lines)


def write_report(text: str) -> None:
    content = PERFORMANCE.read_text()
    if SECTION not in content:
        content = (
            content.rstrip() + f"\n\n{SECTION}\n\nDated runs of `make bench`, newest first.\n\n"
        )
    head, _, rest = content.partition(SECTION)
    intro, _, runs = rest.partition("\n### ")
    runs = ("### " + runs) if runs else ""
    PERFORMANCE.write_text(f"{head}{SECTION}{intro.rstrip()}\n\n{text}\n{runs}".rstrip() + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default=os.environ.get("BENCH_SCALE", "0.04"))
    parser.add_argument("--experts", default=os.environ.get("BENCH_EXPERTS", "5000"))
    parser.add_argument("--organisations", default=os.environ.get("BENCH_ORGANISATIONS", "300"))
    parser.add_argument("--units", default=os.environ.get("BENCH_UNITS", "2000"))
    parser.add_argument("--messages", default=os.environ.get("BENCH_MESSAGES", "1000000"))
    parser.add_argument("--settle-months", default=os.environ.get("BENCH_SETTLE_MONTHS", "2"))
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--load",
        choices=("wrk", "python"),
        default="wrk" if shutil.which("wrk") else "python",
        help="the load generator (wrk when installed)",
    )
    parser.add_argument(
        "--pages",
        default="",
        help="only the pages whose label contains one of these, '|' between (e.g. 'expert:|unit:')",
    )
    parser.add_argument("--skip-load", action="store_true", help="no throughput run")
    parser.add_argument("--skip-demo", action="store_true", help="do not time seed_demo")
    parser.add_argument("--skip-money", action="store_true", help="do not time the monthly runs")
    parser.add_argument(
        "--make-test-seconds",
        type=float,
        default=float(os.environ.get("BENCH_MAKE_TEST_SECONDS", "0") or 0),
        help="the wall time of a `make test` run to report (it is not run here)",
    )
    parser.add_argument("--no-write", action="store_true", help="print, do not write the docs")
    args = parser.parse_args(argv)

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    env = bench_env(url)
    ensure_database(url)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")  # DEBUG off serves the hashed names
    seeding = manage(
        dict(env, DEBUG="true"),
        "seed_scale",
        "--scale",
        str(args.scale),
        "--experts",
        str(args.experts),
        "--organisations",
        str(args.organisations),
        "--units",
        str(args.units),
        "--messages",
        str(args.messages),
        "--settle-months",
        str(args.settle_months),
    )
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "expertbank.settings"
    import django

    django.setup()
    from django.db import connection

    from benchmarks import scale

    counts = scale.counts()
    pages = pick_pages()
    cookies = session_cookies(user for _label, _path, user in pages)
    connection.close()

    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "expertbank.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _n in range(120):
            try:
                if get(args.port, "/bench/bare/", None)[0] == 200:
                    break
            except OSError:
                time.sleep(0.5)
        print("pages (server time, one request at a time):")
        wanted = args.pages.split("|")
        chosen = [page for page in pages if any(part in page[0] for part in wanted)]
        page_rows = time_pages(args.port, chosen, cookies, args.repeat)
        by_label = {label: (path, user) for label, path, user in pages}
        expert = by_label["expert: start page"][1]
        loads = [
            ("bare Django view", "/bench/bare/", None),
            ("bare Django view, logged in (the expert's session)", "/bench/bare/", expert),
            ("expert: start page", *by_label["expert: start page"]),
            ("unit: bookings", *by_label["unit: bookings"]),
        ]
        hammer = throughput_wrk if args.load == "wrk" else throughput
        load = []
        for label, path, user in [] if args.skip_load else loads:
            cookie = cookies.get(user.pk) if user else None
            row = measured_load(
                hammer,
                server.pid,
                args.port,
                path,
                cookie,
                seconds=args.seconds,
                concurrency=args.concurrency,
            )
            load.append({"page": label, **row})
            print(
                f"  {label}: {row['rps']:.1f} requests/s, "
                f"server CPU {row['cpu_ms']:.2f} ms a request"
            )
        workers = worker_memory(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    print("monthly runs (rolled back):")
    money = [] if args.skip_money else money_runs()
    demo = "not timed in this run"
    if not args.skip_demo:
        demo = f"{seed_demo_seconds(env):.0f} s on SQLite"
    make_test = (
        f"{args.make_test_seconds:.0f} s (given)"
        if args.make_test_seconds
        else "not run by the benchmark (give `--make-test-seconds`)"
    )
    data = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "scale_note": f"seed_scale --scale {args.scale}, {args.experts} experts, "
        f"{args.units} units",
        "machine": f"Python {platform.python_version()}, {os.cpu_count()} CPUs, PostgreSQL "
        f"{connection.cursor().connection.server_version}, gunicorn 2 sync workers, the load "
        "generator on the same machine",
        "counts": counts,
        "pages": page_rows,
        "load": load,
        "concurrency": args.concurrency,
        "load_generator": "wrk, 2 threads"
        if args.load == "wrk"
        else "a Python load generator, 4 processes of threads",
        "seconds": args.seconds,
        "money": money,
        "workers": ", ".join(f"{kb / 1024:.0f} MB" for kb in workers) or "not read",
        "seed_demo": demo,
        "make_test": make_test,
        "seed_note": f"{seeding:.0f} s (0 when it was there already)",
    }
    text = report(data)
    print(text)
    if not args.no_write:
        write_report(text)
        print(f"written to {PERFORMANCE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
