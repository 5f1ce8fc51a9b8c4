"""Benchmark: import a survey file of N people into a fresh PostgreSQL database through
``saphan import persons`` (in process), and in the same run a raw ``COPY`` of the same
rows — the floor — to give the ratio.

    uv run python benchmarks/import_people.py                  # 1,000,000 rows
    uv run python benchmarks/import_people.py --rows 100000 --keep

The file is synthetic (Thai names from pythainlp's corpora, valid ID check digits, BE
birth dates, DOPA subdistrict codes of the 25 project provinces, phones, groups and
consent columns). End to end means: reading the CSV (polars), checking every row
(set-based), the exact-ID duplicate check, encryption of IDs and phones, staging with
``COPY`` and ``INSERT … SELECT`` of people, identifiers, groups, disabilities, consents
and history rows, derived groups and watch rules. The probabilistic duplicate search
after the import is timed separately (``--with-dedup``). Prints figures; asserts nothing
about time.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.load_people import DEFAULT_SERVER, _create_database, _drop_database, _machine

DEFAULT_DB = "saphan_bench_import"


def _check_digits(first12: np.ndarray) -> np.ndarray:
    weights = np.arange(13, 1, -1)
    return (11 - (first12 * weights).sum(axis=1) % 11) % 10


def make_survey(path: Path, rows: int, subdistricts: list[str], seed: int = 7) -> None:
    """Write a synthetic registry survey CSV of ``rows`` rows (header + data)."""
    import polars as pl
    from pythainlp.corpus import thai_family_names, thai_female_names, thai_male_names

    rng = np.random.default_rng(seed)
    female = np.array(sorted(thai_female_names()))
    male = np.array(sorted(thai_male_names()))
    family = np.array(sorted(thai_family_names()))
    sex = rng.integers(0, 2, rows)
    given = np.where(sex == 0, rng.choice(female, rows), rng.choice(male, rows))
    digits = rng.integers(0, 10, (rows, 12))
    digits[:, 0] = rng.integers(1, 9, rows)
    ids = np.concatenate([digits, _check_digits(digits)[:, None]], axis=1)
    id_text = ["".join(map(str, r)) for r in ids.tolist()]
    has_id = rng.random(rows) < 0.85
    years_be = rng.integers(2470, 2566, rows)
    months = rng.integers(1, 13, rows)
    days = rng.integers(1, 29, rows)
    year_only = rng.random(rows) < 0.1
    birth = [
        f"{y}" if only else f"{d}/{m}/{y}"
        for y, m, d, only in zip(
            years_be.tolist(), months.tolist(), days.tolist(), year_only.tolist(), strict=True
        )
    ]
    consent = rng.random(rows) < 0.8
    sensitive = consent & (rng.random(rows) < 0.85)
    disabled = sensitive & (rng.random(rows) < 0.06)
    groups = rng.choice(
        np.array(["informal_worker", "homeless", "women", "migrant_worker", "", "", ""]), rows
    )
    frame = pl.DataFrame(
        {
            "given_name": given,
            "family_name": rng.choice(family, rows),
            "sex": np.where(sex == 0, "female", "male"),
            "birth_date": birth,
            "national_id": np.where(has_id, np.array(id_text), ""),
            "phone": [f"08{n:08d}" for n in rng.integers(0, 10**8, rows).tolist()],
            "subdistrict": rng.choice(np.array(subdistricts), rows),
            "address": [
                f"{n} หมู่ {m}"
                for n, m in zip(
                    rng.integers(1, 300, rows).tolist(),
                    rng.integers(1, 15, rows).tolist(),
                    strict=True,
                )
            ],
            "groups": groups,
            "disabilities": np.where(disabled, "movement", ""),
            "consent_given_on": np.where(consent, "2026-10-01", ""),
            "consent_sensitive": np.where(sensitive, "yes", np.where(consent, "no", "")),
            "consent_sharing": np.where(consent, "yes", ""),
            # Children aged 10 or under cannot consent alone (PDPA s.20): a guardian does.
            "consent_given_by": np.where(consent & (years_be > 2555), "guardian", ""),
            "guardian_name": np.where(consent & (years_be > 2555), "ผู้ปกครอง ทดสอบ", ""),
        }
    )
    frame.write_csv(path)


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=20_000, help="Rows per transaction.")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--with-dedup", action="store_true", help="Also time the duplicate search.")
    parser.add_argument("--server", default=DEFAULT_SERVER)
    parser.add_argument("--database", default=DEFAULT_DB)
    args = parser.parse_args(argv)

    print(f"Machine: {_machine()}")
    _create_database(args.server, args.database)
    os.environ["DATABASE_URL"] = f"{args.server}/{args.database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saphan.settings")
    workdir = Path(tempfile.mkdtemp(prefix="saphan-import-bench-"))
    os.environ["SAPHAN_HOME"] = str(workdir)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from saphan.geo.models import Province, Subdistrict
    from saphan.intake.models import ImportJob
    from saphan.orgs.models import Organisation
    from saphan.people.models import Person

    # As in production: no query log (DEBUG keeps every SQL statement in memory).
    settings.DEBUG = False
    try:
        call_command("migrate", interactive=False, verbosity=0)
        provinces = list(Province.objects.project().values_list("code", flat=True))
        org = Organisation.objects.create(
            code="bench-cso", name_th="องค์กรทดสอบ", name_en="Benchmark CSO", kind="cso"
        )
        org.provinces.set(provinces)
        codes = list(
            Subdistrict.objects.filter(province__in=provinces).values_list("code", flat=True)
        )
        csv_path = workdir / "survey.csv"
        started = time.perf_counter()
        make_survey(csv_path, args.rows, codes)
        size = csv_path.stat().st_size
        print(
            f"Survey file: {args.rows:,} rows, {size / 1e6:.0f} MB, "
            f"written in {time.perf_counter() - started:.1f} s"
        )

        from saphan.intake import timing

        timing.timings_reset()
        settings.SAPHAN_IMPORT_CHUNK_ROWS = args.chunk
        settings.SAPHAN_IMPORT_FIND_DUPLICATES = args.with_dedup
        settings.SAPHAN_IMPORT_MAX_BYTES = max(size + 1, settings.SAPHAN_IMPORT_MAX_BYTES)
        print(f"\n$ saphan import persons survey.csv --org bench-cso  (chunks of {args.chunk:,})")
        started = time.perf_counter()
        call_command("import", "persons", str(csv_path), "--org", "bench-cso", stdout=_Quiet())
        seconds = time.perf_counter() - started
        job = ImportJob.objects.get()
        people = Person.objects.count()
        rate = job.rows_total / seconds
        print(
            f"Imported: read {job.rows_total:,}, created {job.created:,}, rejected "
            f"{job.rejected:,}, possible duplicates {job.possible_duplicates:,}"
        )
        print(
            f"  {seconds:.1f} s end to end: {rate:,.0f} rows/s; people in the registry {people:,}"
        )
        print(f"  peak memory (this process): {_peak_mib():,.0f} MiB")
        print("  where the time went:")
        for phase, spent in sorted(timing.SECONDS.items(), key=lambda item: -item[1]):
            print(f"    {phase:<48} {spent:7.1f} s")

        raw = _raw_copy(connection, csv_path)
        raw_rate = args.rows / raw
        print(
            f"\nRaw COPY of the same CSV rows into a plain text table: {raw:.1f} s, "
            f"{raw_rate:,.0f} rows/s"
        )
        print(f"Ratio import rows/s : raw COPY rows/s = {rate / raw_rate:.3f} (goal ≥ 0.25)")
        print("\nSecond import of the same file (idempotency):")
        started = time.perf_counter()
        call_command("import", "persons", str(csv_path), "--org", "bench-cso", stdout=_Quiet())
        again = ImportJob.objects.order_by("-pk").first()
        assert again is not None
        print(
            f"  {time.perf_counter() - started:.1f} s: created {again.created:,}, unchanged "
            f"{again.unchanged:,}, rejected {again.rejected:,}"
        )
    finally:
        connection.close()
        if args.keep:
            print(f"\nKept database {args.database}")
        else:
            _drop_database(args.server, args.database)
            print(f"\nDropped database {args.database}.")


def _raw_copy(connection: Any, csv_path: Path) -> float:
    header = csv_path.open(encoding="utf-8").readline().strip().split(",")
    columns = ", ".join(f'"{c}" text' for c in header)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        raw.execute("DROP TABLE IF EXISTS bench_raw_survey")
        raw.execute(f"CREATE TABLE bench_raw_survey ({columns})")
        started = time.perf_counter()
        with (
            csv_path.open("rb") as handle,
            raw.copy("COPY bench_raw_survey FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
        ):
            while block := handle.read(1 << 20):
                copy.write(block)
        seconds = time.perf_counter() - started
        raw.execute("DROP TABLE bench_raw_survey")
    return seconds


class _Quiet:
    def write(self, text: str) -> None:
        if text.startswith(("Imported", "Checked", "Continuing")):
            print(text.rstrip())

    def flush(self) -> None:
        pass


if __name__ == "__main__":
    main()
