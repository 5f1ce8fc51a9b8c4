"""Benchmark: the report dashboards on a large registry, and refreshing their statistics.

    uv run python benchmarks/reports_dashboard.py --load 1000000 --drop   # fresh database
    uv run python benchmarks/reports_dashboard.py                          # existing database
    uv run python benchmarks/reports_dashboard.py --database-url postgres://… --explain

Against PostgreSQL (default ``saphan_bench_reports``):

1. ``--load N``: creates the database (UTF-8, C.UTF-8, from template0), migrates it and
   loads N demo people as ``benchmarks/load_people.py`` does, then times the watch rules
   over everyone (``watch_evaluate()``) and the demo casework (a few cases and referrals).
   Without ``--load`` the database is used as it is.
2. Times the full build of the statistics of every province that has people
   (``stats_refresh``): seconds, fact rows, slowest province.
3. The province dashboard (``--province``, default 55) through Django's test client, as
   its provincial coordinator (exact figures) and as an analyst of the 25 project
   provinces (small counts suppressed): the whole page and the htmx map partial.
4. All provinces as the analyst: the htmx map partial and the whole page.
5. Adds ``--append`` (100,000) demo people, evaluates the watch rules for them (what an
   import does) and times ``stats_refresh`` of their provinces; then, unless
   ``--import-rows 0``, imports a synthetic survey file of that many rows with
   ``saphan import persons`` (which ends by refreshing the provinces it touched) and
   prints its phases.

Pages are timed as p50/p95/p99 over ``--requests`` requests after two warm-ups, and each
call the province page makes is timed on its own. With ``--explain`` (or when a page p95
misses 200 ms) the slowest SQL statements of one request are printed with
``EXPLAIN ANALYZE``. Prints figures; asserts nothing about time. ``--drop`` drops the
database at the end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from io import StringIO
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.load_people import _create_database, _drop_database, _machine

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/saphan_bench_reports"
TARGET_PAGE_P95_MS = 200.0
EXPLAIN_SLOWEST = 3


def _split_url(url: str) -> tuple[str, str]:
    """``postgres://host/db`` → (``postgres://host``, ``db``)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    return urlunsplit((parts.scheme, parts.netloc, "", "", "")), name


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]

    return {
        "p50": statistics.median(ordered),
        "p95": at(0.95),
        "p99": at(0.99),
        "max": ordered[-1],
        "n": len(ordered),
    }


def _fmt(s: dict[str, float]) -> str:
    return (
        f"p50 {s['p50']:.1f} ms · p95 {s['p95']:.1f} ms · p99 {s['p99']:.1f} ms · "
        f"max {s['max']:.1f} ms (n={s['n']:.0f})"
    )


def _time(call: Callable[[], Any], n: int, warmups: int = 2) -> dict[str, float]:
    for _ in range(warmups):
        call()
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return _stats(samples)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help="PostgreSQL database URL.")
    parser.add_argument(
        "--load", type=int, default=0, help="Create the database and load N demo people."
    )
    parser.add_argument("--province", default="55", help="Province of the dashboard (Nan).")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--append", type=int, default=100_000, help="Demo people added in 5.")
    parser.add_argument("--import-rows", type=int, default=100_000, help="0: no import.")
    parser.add_argument("--explain", action="store_true", help="Always EXPLAIN slow queries.")
    parser.add_argument("--drop", action="store_true", help="Drop the database at the end.")
    parser.add_argument(
        "--no-build", action="store_true", help="Skip step 2 when statistics exist (re-runs)."
    )
    args = parser.parse_args(argv)

    server, name = _split_url(args.database_url)
    print(f"Machine: {_machine()}")
    if args.load:
        _create_database(server, name)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saphan.settings")
    os.environ.setdefault("SAPHAN_DEBUG", "1")  # `saphan demo` runs in development mode only
    workdir = Path(tempfile.mkdtemp(prefix="saphan-reports-bench-"))
    os.environ["SAPHAN_HOME"] = str(workdir)  # uploads of the import go here
    (workdir / "static").mkdir()
    import django

    django.setup()
    from django.db import connection

    summary: list[str] = []
    try:
        _run(args, summary)
    finally:
        connection.close()
        shutil.rmtree(workdir, ignore_errors=True)
        if summary:
            print("\nSummary")
            for line in summary:
                print(f"  {line}")
        if args.drop:
            _drop_database(server, name)
            print(f"\nDropped database {name}.")
        else:
            print(f"\nKept database {name}: DATABASE_URL={args.database_url}")


def _run(args: argparse.Namespace, summary: list[str]) -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from saphan.accounts.models import User
    from saphan.cases.models import Case
    from saphan.geo.models import Province
    from saphan.orgs.models import Organisation
    from saphan.people.models import Person
    from saphan.reports import dashboards as d
    from saphan.reports.aggregates import stats_refresh
    from saphan.reports.model_areas import model_area_comparison
    from saphan.reports.models import StatFact, StatProvince
    from saphan.watch.engine import watch_evaluate

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        print(f"PostgreSQL: {cursor.fetchone()[0].split(' on ')[0]}")
        for setting in ("shared_buffers", "work_mem", "effective_cache_size"):
            cursor.execute(f"SHOW {setting}")
            print(f"  {setting} = {cursor.fetchone()[0]}")

    # --- 1. load ---------------------------------------------------------------------------
    if args.load:
        from saphan.demo.people import demo_people_load

        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        print(f"Migrated in {time.perf_counter() - started:.1f} s")
        call_command("demo", no_server=True, persons=0, stdout=StringIO())
        print(f"\n$ saphan demo --no-server --persons {args.load}  (in process)")
        loaded = demo_people_load(args.load, progress=print)
        print(
            f"Loaded {loaded.added:,} people in {loaded.seconds:.1f} s "
            f"({loaded.added / max(loaded.seconds, 1e-9):,.0f} people/s)"
        )
        summary.append(f"load: {loaded.added:,} demo people in {loaded.seconds:.1f} s")
    # No query log from here on (DEBUG keeps every statement in memory).
    settings.DEBUG = False
    people = Person.objects.count()
    print(f"\nDatabase: {connection.settings_dict['NAME']}, {people:,} people")
    summary.insert(0, f"registry: {people:,} people, PostgreSQL {connection.settings_dict['NAME']}")

    if args.load:
        started = time.perf_counter()
        watched = watch_evaluate()
        seconds = time.perf_counter() - started
        print(f"Watch rules over everyone: {seconds:.1f} s, {watched.raised:,} flags raised")
        summary.append(f"watch_evaluate() over everyone: {seconds:.1f} s")
    if args.load or not Case.objects.exists():
        from saphan.demo.scenarios import demo_scenarios_load

        started = time.perf_counter()
        try:
            demo_scenarios_load(progress=lambda line: print(f"  {line}"))
        except Exception as exc:  # noqa: BLE001 - optional: the figures do not need cases
            print(f"  demo casework skipped: {exc!r}")
        print(f"Demo casework (a watch pass incl.): {time.perf_counter() - started:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    # --- 2. full build -----------------------------------------------------------------------
    codes = sorted(
        Person.objects.current().order_by().values_list("province_id", flat=True).distinct()
    )
    if args.no_build and StatFact.objects.exists():
        print(f"\nStatistics kept as built ({StatFact.objects.count():,} facts): --no-build")
    else:
        print(f"\nFull build of the statistics of {len(codes)} provinces…")
        result = stats_refresh(province_codes=codes)
        facts = StatFact.objects.count()
        slowest = StatProvince.objects.filter(province_code__in=codes).order_by("-refresh_seconds")
        worst = slowest.first()
        worst_text = f"{worst.refresh_seconds:.1f} s ({worst.province_code})" if worst else "-"
        print(
            f"  {result.seconds:.1f} s, {result.facts:,} facts written ({facts:,} in the table); "
            f"slowest province {worst_text}"
        )
        for state in slowest[:5]:
            print(
                f"    {state.province_code}: {state.refresh_seconds:.2f} s, {state.people:,} people"
            )
        summary.append(
            f"full build, {len(codes)} provinces: {result.seconds:.1f} s, {result.facts:,} facts, "
            f"max per province {worst_text}"
        )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {StatFact._meta.db_table}")

    # --- users -------------------------------------------------------------------------------
    local, _ = Organisation.objects.get_or_create(
        code="bench-reports-coordination",
        defaults={"name_th": "ทดสอบรายงาน", "name_en": "Benchmark reports", "kind": "cso"},
    )
    local.provinces.add(args.province)
    national, _ = Organisation.objects.get_or_create(
        code="bench-reports-analysis",
        defaults={"name_th": "ทดสอบวิเคราะห์", "name_en": "Benchmark analysis", "kind": "cso"},
    )
    national.provinces.set(Province.objects.project())
    coordinator, _ = User.objects.get_or_create(
        username="bench.reports.coordinator",
        defaults={"role": "provincial_coordinator", "organisation": local},
    )
    analyst, _ = User.objects.get_or_create(
        username="bench.reports.analyst", defaults={"role": "analyst", "organisation": national}
    )

    def client_of(user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client

    clients = {"coordinator": client_of(coordinator), "analyst": client_of(analyst)}
    province_url = f"/reports/provinces/{args.province}/"
    pages = [
        ("province", "coordinator", province_url, False),
        ("province", "analyst", province_url, False),
        ("province map", "coordinator", f"{province_url}?indicator=watch_open&part=map", True),
        ("province map", "analyst", f"{province_url}?indicator=watch_open&part=map", True),
        ("national map", "analyst", "/reports/?indicator=rights_gap_baht&part=map", True),
        ("national", "analyst", "/reports/", False),
    ]

    # --- 3. and 4. pages ---------------------------------------------------------------------
    load = os.getloadavg()[0]
    print(f"\nPages, {args.requests} requests each after 2 warm-ups (load average {load:.1f}):")
    summary.append(f"load average before the pages: {load:.1f} on {os.cpu_count()} cores")
    missed = False
    for label, who, url, htmx in pages:
        client = clients[who]
        headers = {"HX-Request": "true"} if htmx else {}

        def get(client: Client = client, url: str = url, headers: dict[str, str] = headers) -> Any:
            return client.get(url, headers=headers)

        response = get()
        if response.status_code != 200:
            raise SystemExit(f"GET {url} as {who}: HTTP {response.status_code}")
        s = _time(get, args.requests)
        missed = missed or s["p95"] > TARGET_PAGE_P95_MS
        print(f"  {label} as {who}, GET {url} ({len(response.content):,} bytes): {_fmt(s)}")
        goal = f" (goal ≤ {TARGET_PAGE_P95_MS:.0f} ms)" if label == "province" else ""
        summary.append(
            f"{label} as {who}: p50 {s['p50']:.1f} · p95 {s['p95']:.1f} · p99 "
            f"{s['p99']:.1f} ms{goal}"
        )

    print(f"\nCalls of the province page ({args.province}), each on its own:")
    for who, user in (("coordinator", coordinator), ("analyst", analyst)):
        board = d.province_dashboard(user=user, province_code=args.province)
        nat = board.national["watch_open"]
        p = args.province
        calls: list[tuple[str, Callable[[], Any]]] = [
            ("province_dashboard", partial(d.province_dashboard, user=user, province_code=p)),
            (
                "district_table(watch_open)",
                partial(
                    d.district_table, user=user, measure="watch_open", province_code=p, national=nat
                ),
            ),
            ("trend", partial(d.trend, user=user, provinces=[p])),
            ("referral_turnaround", partial(d.referral_turnaround, user=user, provinces=[p])),
            ("model_area_comparison", partial(model_area_comparison, user=user, province_code=p)),
            (
                "national_table(people), all provinces in scope",
                partial(d.national_table, user=user, measure="people"),
            ),
        ]
        for call_name, call in calls:
            s = _time(call, max(10, args.requests // 2))
            print(f"  {who:<11} {call_name:<48} {_fmt(s)}")

    if args.explain or missed:
        _explain(clients, pages)

    # --- 5. refresh after adding people --------------------------------------------------------
    if args.append:
        from saphan.demo.people import demo_people_load
        from saphan.demo.people.load import demo_people_count

        before = Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        wanted = demo_people_count() + args.append
        print(f"\nAdding {args.append:,} demo people (to {wanted:,} demo people)…")
        loaded = demo_people_load(wanted)
        new = Person.objects.filter(pk__gt=before)
        started = time.perf_counter()
        watched = watch_evaluate(person_ids=new)
        watch_seconds = time.perf_counter() - started
        touched = sorted(new.order_by().values_list("province_id", flat=True).distinct())
        started = time.perf_counter()
        result = stats_refresh(province_codes=touched)
        seconds = time.perf_counter() - started
        print(
            f"  loaded {loaded.added:,} in {loaded.seconds:.1f} s; watch rules for them "
            f"{watch_seconds:.1f} s ({watched.raised:,} flags raised); "
            f"stats_refresh of their {len(touched)} provinces: {seconds:.1f} s, "
            f"{result.facts:,} facts"
        )
        summary.append(
            f"refresh after adding {loaded.added:,} demo people ({len(touched)} provinces "
            f"touched): {seconds:.1f} s, {result.facts:,} facts "
            f"(watch rules for them {watch_seconds:.1f} s)"
        )
    if args.import_rows:
        _import(args.import_rows, summary)


def _import(rows: int, summary: list[str]) -> None:
    from django.conf import settings
    from django.core.management import call_command

    from benchmarks.import_people import _Quiet, make_survey
    from saphan.geo.models import Province, Subdistrict
    from saphan.intake import timing
    from saphan.intake.models import ImportedRecord, ImportJob
    from saphan.orgs.models import Organisation
    from saphan.people.models import Person
    from saphan.reports.aggregates import stats_refresh

    provinces = list(Province.objects.project().values_list("code", flat=True))
    org, _ = Organisation.objects.get_or_create(
        code="bench-reports-import",
        defaults={"name_th": "ทดสอบนำเข้า", "name_en": "Benchmark import", "kind": "cso"},
    )
    org.provinces.set(Province.objects.project())
    codes = list(Subdistrict.objects.filter(province__in=provinces).values_list("code", flat=True))
    csv_path = Path(settings.SAPHAN_HOME) / "survey.csv"
    make_survey(csv_path, rows, codes, seed=int(time.time()) % 10_000)
    settings.SAPHAN_IMPORT_FIND_DUPLICATES = False
    settings.SAPHAN_IMPORT_MAX_BYTES = max(
        csv_path.stat().st_size + 1, settings.SAPHAN_IMPORT_MAX_BYTES
    )
    timing.timings_reset()
    print(f"\n$ saphan import persons survey.csv --org {org.code}  ({rows:,} rows, in process)")
    started = time.perf_counter()
    call_command("import", "persons", str(csv_path), "--org", org.code, stdout=_Quiet())
    seconds = time.perf_counter() - started
    job = ImportJob.objects.order_by("-pk").first()
    assert job is not None
    print(f"  {seconds:.1f} s end to end; created {job.created:,}, rejected {job.rejected:,}")
    for phase, spent in sorted(timing.SECONDS.items(), key=lambda item: -item[1]):
        print(f"    {phase:<48} {spent:7.1f} s")
    phase = "statistics of the provinces touched"
    if phase in timing.SECONDS:
        refreshed = f"of which {phase} {timing.SECONDS[phase]:.1f} s"
    else:
        # The import ended without refreshing: time what it should have done.
        touched = sorted(
            Person.objects.filter(pk__in=ImportedRecord.objects.filter(job=job).values("person_id"))
            .order_by()
            .values_list("province_id", flat=True)
            .distinct()
        )
        started = time.perf_counter()
        result = stats_refresh(province_codes=touched)
        after = time.perf_counter() - started
        print(
            f"  the import did not refresh the statistics; stats_refresh of its "
            f"{len(touched)} provinces afterwards: {after:.1f} s, {result.facts:,} facts"
        )
        refreshed = (
            f"NO refresh by the import; stats_refresh of its {len(touched)} provinces "
            f"afterwards {after:.1f} s"
        )
    summary.append(f"import of {rows:,} rows: {seconds:.1f} s end to end, {refreshed}")


def _explain(clients: dict[str, Any], pages: list[tuple[str, str, str, bool]]) -> None:
    """The slowest statements of one request of each page, with EXPLAIN ANALYZE."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for label, who, url, htmx in pages:
        headers = {"HX-Request": "true"} if htmx else {}
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            clients[who].get(url, headers=headers)
            total = (time.perf_counter() - started) * 1000
        queries = [(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries]
        in_sql = sum(ms for ms, _ in queries)
        print(
            f"\n{label} as {who}, GET {url}: {total:.1f} ms, {len(queries)} statements, "
            f"{in_sql:.1f} ms in SQL"
        )
        for ms, sql in sorted(queries, reverse=True)[:EXPLAIN_SLOWEST]:
            print(f"  {ms:.1f} ms: {sql[:300]}{'…' if len(sql) > 300 else ''}")
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                for (line,) in cursor.fetchall():
                    print(f"      {line}")


if __name__ == "__main__":
    main()
