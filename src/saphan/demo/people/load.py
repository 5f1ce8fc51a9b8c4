"""Loading demo people: counting what is there, reserving ids, COPY, index rebuild."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from saphan.core.db.bulk import reserve_ids
from saphan.demo.people.data import (
    BULK_REBUILD_MIN,
    CHUNK_SIZE,
    COLUMNS,
    DEFAULT_SEED,
    HOUSEHOLD_TABLE,
    MAX_DEMO_PEOPLE,
    PERSON_MARK,
    PERSON_TABLE,
    TABLES,
    ChunkData,
    ChunkTask,
    Context,
    LoadResult,
    ProvinceInfo,
)
from saphan.demo.people.generator import _generate_in_worker, _worker_init, generate_chunk
from saphan.demo.people.helpers import _clean_names

# --- reading the database ---------------------------------------------------------------


def _uid_range(mark: int) -> tuple[uuid.UUID, uuid.UUID]:
    return uuid.UUID(int=mark << 96), uuid.UUID(int=(mark << 96) | ((1 << 96) - 1))


def demo_people_count() -> int:
    """How many demo people (uid marked with :data:`PERSON_MARK`) the database holds."""
    from saphan.people.models import Person

    low, high = _uid_range(PERSON_MARK)
    return Person.objects.filter(uid__gte=low, uid__lte=high).count()


def demo_next_index() -> int:
    """The demo index after the highest one loaded (indexes make ID numbers unique)."""
    from saphan.people.models import Person

    low, high = _uid_range(PERSON_MARK)
    top = (
        Person.objects.filter(uid__gte=low, uid__lte=high)
        .order_by("-uid")
        .values_list("uid", flat=True)
        .first()
    )
    return 0 if top is None else ((top.int >> 64) & 0xFFFF_FFFF) + 1


def _extras() -> dict[str, tuple[Any, ...]]:
    """Defaults for model columns the generator does not set (fields added later)."""
    from django.apps import apps

    by_table = {m._meta.db_table: m for m in apps.get_app_config("people").get_models()}
    extras: dict[str, tuple[Any, ...]] = {}
    for table, columns in COLUMNS.items():
        model = by_table[table]
        missing = [
            f
            for f in model._meta.concrete_fields
            if f.column not in columns and not (f.primary_key and isinstance(f, models.AutoField))
        ]
        values = []
        for f in missing:
            if not f.has_default() and not f.null and not f.blank:
                raise RuntimeError(
                    f"{table}.{f.column} has no default: teach saphan.demo.people to fill it."
                )
            values.append(f.get_db_prep_save(f.get_default(), connection))
        extras[table] = tuple(values)
        COLUMNS_WITH_EXTRAS[table] = columns + tuple(str(f.column) for f in missing)
    return extras


COLUMNS_WITH_EXTRAS: dict[str, tuple[str, ...]] = dict(COLUMNS)


def build_context(seed: int = DEFAULT_SEED) -> Context:
    from pythainlp.corpus import thai_family_names, thai_female_names, thai_male_names

    from saphan.geo.models import Province, Subdistrict
    from saphan.orgs.models import Organisation

    provinces = list(Province.objects.project().order_by("code"))
    orgs = dict(
        Organisation.objects.filter(code__in=[f"cso-{p.code}" for p in provinces]).values_list(
            "code", "id"
        )
    )
    missing = [p.code for p in provinces if f"cso-{p.code}" not in orgs]
    if not provinces or missing:
        raise RuntimeError(
            "The demo organisations are missing: run demo_seed_organisations_and_users() "
            "(saphan demo) first."
        )
    subdistricts: dict[str, list[tuple[str, str]]] = {p.code: [] for p in provinces}
    for code, district, province in (
        Subdistrict.objects.filter(province__in=provinces)
        .order_by("code")
        .values_list("code", "district_id", "province_id")
    ):
        subdistricts[province].append((code, district))
    now = timezone.now()
    return Context(
        today=timezone.localdate(),
        now=now,
        vendor=connection.vendor,
        seed=seed,
        provinces=tuple(
            ProvinceInfo(p.code, p.name_th, orgs[f"cso-{p.code}"], tuple(subdistricts[p.code]))
            for p in provinces
        ),
        male_names=_clean_names(thai_male_names()),
        female_names=_clean_names(thai_female_names()),
        family_names=_clean_names(thai_family_names()),
        extras=_extras(),
        field_keys=tuple(
            settings.SAPHAN_FIELD_KEYS
            if not isinstance(settings.SAPHAN_FIELD_KEYS, str)
            else settings.SAPHAN_FIELD_KEYS.split(",")
        ),
        blind_index_key=settings.SAPHAN_BLIND_INDEX_KEY,
    )


# --- writing -------------------------------------------------------------------------


def _quoted_columns(table: str) -> str:
    qn = connection.ops.quote_name
    return ", ".join(qn(col) for col in COLUMNS_WITH_EXTRAS[table])


_reserve_ids = reserve_ids


def _write_chunk(chunk: ChunkData) -> None:
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in TABLES:
            if connection.vendor == "postgresql":
                data = chunk.copy.get(table)
                if not data:
                    continue
                sql = f"COPY {qn(table)} ({_quoted_columns(table)}) FROM STDIN"
                with cursor.cursor.copy(sql) as copy:
                    copy.write(data)
            else:
                rows = chunk.rows.get(table)
                if not rows:
                    continue
                marks = ", ".join(["%s"] * len(rows[0]))
                sql = f"INSERT INTO {qn(table)} ({_quoted_columns(table)}) VALUES ({marks})"  # noqa: S608
                cursor.executemany(sql, rows)


@dataclass
class _Detached:
    restore: list[str]
    indexes: int
    foreign_keys: int


def _pg_detach_indexes() -> _Detached:
    """Drop the secondary indexes and foreign keys of the registry tables (inside the
    caller's transaction) and return the statements that recreate them. Primary keys
    and unique constraints stay: they guard the load itself."""
    qn = connection.ops.quote_name
    drops: list[str] = []
    indexes: list[str] = []
    foreign: list[str] = []
    with connection.cursor() as cursor:
        # Foreign-key checks still pending in the caller's transaction (Django's are
        # DEFERRABLE INITIALLY DEFERRED) would block ALTER TABLE: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in TABLES:
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
                [table],
            )
            for name, definition in cursor.fetchall():
                drops.insert(0, f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
                foreign.append(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
                "FROM pg_index i WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid "
                "AND k.conrelid = i.indrelid) ORDER BY 1",
                [table],
            )
            for name, definition in cursor.fetchall():
                drops.append(f"DROP INDEX {name}")
                indexes.append(definition)
        for statement in drops:
            cursor.execute(statement)
    return _Detached(indexes + foreign, len(indexes), len(foreign))


def _pg_restore(detached: _Detached) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # CREATE INDEX needs no pending checks
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for statement in detached.restore:
            cursor.execute(statement)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # back to Django's default


def _pg_analyze() -> None:
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def _table_rows(table: str) -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The planner's estimate is enough to choose the loading strategy.
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [table]
            )
            estimate = cursor.fetchone()[0]
            if estimate is not None and estimate >= 0:
                return int(estimate)
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - our table name
        return int(cursor.fetchone()[0])


def _chunks(ctx: Context, tasks: Iterator[ChunkTask], workers: int) -> Iterator[ChunkData]:
    """Chunks in order; with workers, at most ``workers + 1`` are generated ahead."""
    if workers <= 0:
        for task in tasks:
            yield generate_chunk(ctx, task)
        return
    import multiprocessing
    from collections import deque

    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_worker_init,
        initargs=(ctx,),
    )
    pending: deque[Future[ChunkData]] = deque()
    try:
        for task in tasks:
            pending.append(pool.submit(_generate_in_worker, task))
            if len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


def demo_people_load(
    n: int,
    *,
    seed: int = DEFAULT_SEED,
    chunk_size: int = CHUNK_SIZE,
    workers: int | None = None,
    rebuild_indexes: bool | None = None,
    analyze: bool = True,
    progress: Callable[[str], None] | None = None,
) -> LoadResult:
    """Make sure the database holds ``n`` demo people: add the missing number, or nothing.

    ``workers``: generating processes (by default 2, or one per core but one on larger
    machines, when there is more than one chunk; 0 = generate in this process).
    ``rebuild_indexes`` (PostgreSQL): drop and rebuild the registry's secondary indexes
    and foreign keys around the load; by default only for at least
    :data:`BULK_REBUILD_MIN` people into tables holding fewer.
    """
    if n < 0:
        raise ValueError("the number of demo people cannot be negative")
    say = progress or (lambda _line: None)
    existing = demo_people_count()
    result = LoadResult(requested=n, existing=existing, added=0)
    missing = n - existing
    if missing <= 0:
        return result
    first_index = demo_next_index()
    if first_index + missing > MAX_DEMO_PEOPLE:
        raise ValueError(f"at most {MAX_DEMO_PEOPLE:,} demo people are supported")
    started = time.perf_counter()
    ctx = build_context(seed)
    postgres = connection.vendor == "postgresql"
    sizes = [min(chunk_size, missing - k) for k in range(0, missing, chunk_size)]
    if workers is None:
        # Two on a 2-core machine (measured best); one per spare core on larger ones.
        workers = min(8, max(2, (os.cpu_count() or 2) - 1)) if len(sizes) > 1 else 0
    result.workers = workers
    if rebuild_indexes is None:
        rebuild_indexes = (
            postgres and missing >= BULK_REBUILD_MIN and missing > _table_rows(PERSON_TABLE)
        )
    rebuild_indexes = bool(rebuild_indexes and postgres)
    result.rebuilt_indexes = rebuild_indexes

    def tasks() -> Iterator[ChunkTask]:
        index = first_index
        for number, size in enumerate(sizes, start=1):
            yield ChunkTask(
                number=number,
                first_index=index,
                count=size,
                person_ids=_reserve_ids(PERSON_TABLE, size),
                household_ids=_reserve_ids(HOUSEHOLD_TABLE, size // 2),
                as_copy=postgres,
            )
            index += size

    rows = dict.fromkeys(TABLES, 0)
    added = 0

    def write(chunk: ChunkData) -> None:
        nonlocal added
        t = time.perf_counter()
        _write_chunk(chunk)
        result.write_seconds += time.perf_counter() - t
        result.generate_seconds += chunk.generate_seconds
        for table, count in chunk.counts.items():
            rows[table] += count
        added += sizes[chunk.number - 1]
        elapsed = time.perf_counter() - started
        say(
            f"  chunk {chunk.number}/{len(sizes)}: {added:,} people, "
            f"{sum(rows.values()):,} rows in {elapsed:.1f} s ({added / elapsed:,.0f} people/s)"
        )

    say(
        f"Adding {missing:,} demo people ({existing:,} there already) in {len(sizes)} "
        f"chunk(s), {workers or 'no'} worker process(es)"
        + ("; indexes and foreign keys rebuilt at the end" if rebuild_indexes else "")
    )
    if postgres:
        with transaction.atomic():
            detached = _pg_detach_indexes() if rebuild_indexes else None
            for chunk in _chunks(ctx, tasks(), workers):
                write(chunk)
            if detached is not None:
                say(
                    f"  rebuilding {detached.indexes} indexes and "
                    f"{detached.foreign_keys} foreign keys…"
                )
                t = time.perf_counter()
                _pg_restore(detached)
                result.rebuild_seconds = time.perf_counter() - t
                say(f"  rebuilt in {result.rebuild_seconds:.1f} s")
        if analyze:
            t = time.perf_counter()
            _pg_analyze()
            result.analyze_seconds = time.perf_counter() - t
            say(f"  ANALYZE in {result.analyze_seconds:.1f} s")
    else:
        for chunk in _chunks(ctx, tasks(), workers):
            with transaction.atomic():
                write(chunk)
    result.added = added
    result.rows = rows
    result.seconds = time.perf_counter() - started
    return result
