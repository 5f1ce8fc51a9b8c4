"""Benchmark: evaluate every watch rule over the demo people, and the watch-list page.

    uv run python benchmarks/load_people.py --keep      # once: 1M people in saphan_bench
    uv run python benchmarks/watch_rules.py             # against saphan_bench
    DATABASE_URL=postgres://… uv run python benchmarks/watch_rules.py --province 55

1. Deletes every flag (``--keep-flags`` to skip) and times ``watch_evaluate()`` over
   everyone: the first run raises all flags (the worst case), the second finds them all
   unchanged (the nightly case). Prints seconds, flags per second and people per second,
   and each rule's share.
2. Times the watch list of one province as its provincial coordinator: the selector
   with the first page and its reasons (what the page computes), and the whole page
   through Django's test client (``GET /watch/?province=…``, template included), as
   p50/p95/p99 over ``--requests`` requests after two warm-ups.

Prints figures only; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/saphan_bench"
TARGET_SECONDS = 60.0
TARGET_PAGE_P95_MS = 200.0


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]

    return (
        f"p50 {statistics.median(ordered):.1f} ms · p95 {at(0.95):.1f} ms · "
        f"p99 {at(0.99):.1f} ms · max {ordered[-1]:.1f} ms (n={len(ordered)})"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--province", default="55", help="Province of the watch-list timing.")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--keep-flags", action="store_true", help="Do not delete flags first.")
    args = parser.parse_args(argv)

    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saphan.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from saphan.accounts.models import User
    from saphan.orgs.models import Organisation
    from saphan.people.models import Person
    from saphan.watch.engine import watch_evaluate
    from saphan.watch.models import WatchFlag
    from saphan.watch.selectors import flag_reasons, watchlist

    people = Person.objects.count()
    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}, {people:,} people")
    if not args.keep_flags:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {WatchFlag._meta.db_table}")  # noqa: S608 - a model's table
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    for label in ("first run (raises every flag)", "second run (all unchanged)"):
        started = time.perf_counter()
        summary = watch_evaluate()
        seconds = time.perf_counter() - started
        touched = summary.raised + summary.unchanged + summary.resolved + summary.expired
        print(
            f"Evaluate all rules, {label}: {seconds:.1f} s (target ≤ {TARGET_SECONDS:.0f} s) · "
            f"raised {summary.raised:,}, unchanged {summary.unchanged:,}, "
            f"resolved {summary.resolved:,}, expired {summary.expired:,} · "
            f"{touched / seconds:,.0f} flags/s · {people / seconds:,.0f} people/s"
        )
    for code, counts in summary.by_rule.items():
        print(f"  {code:<28} {counts['unchanged'] + counts['raised']:>8,} live flags")

    org, _ = Organisation.objects.get_or_create(
        code="bench-coordination",
        defaults={"name_th": "ทดสอบประสิทธิภาพ", "name_en": "Benchmark", "kind": "cso"},
    )
    org.provinces.add(args.province)
    user, _ = User.objects.get_or_create(
        username="bench.coordinator",
        defaults={"role": "provincial_coordinator", "organisation": org},
    )
    live = WatchFlag.objects.live().filter(province_id=args.province).count()
    print(f"Watch list of province {args.province}: {live:,} live flags")

    def selector_once() -> None:
        flags = watchlist(user=user, province_code=args.province)
        page = list(flags[:50])
        for flag in page:
            flag_reasons(flag)

    client = Client()
    client.force_login(user)
    url = f"/watch/?province={args.province}"
    for name, call in (
        ("selector + first page + reasons", selector_once),
        ("whole page GET " + url, lambda: client.get(url)),
    ):
        call()
        call()
        samples = []
        for _ in range(args.requests):
            started = time.perf_counter()
            call()
            samples.append((time.perf_counter() - started) * 1000)
        print(f"  {name}: {_percentiles(samples)} (target p95 ≤ {TARGET_PAGE_P95_MS:.0f} ms)")
    response = client.get(url)
    print(f"  page status {response.status_code}, {len(response.content):,} bytes")


if __name__ == "__main__":
    main()
