"""Bulk import end to end: every kind of bad row, idempotent re-import, a worker killed
mid-import and resumed, updates by national ID, KoBo exports without mapping."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from saphan.intake import services
from saphan.intake.models import ImportedRecord, ImportIssue, ImportJob, JobStatus
from saphan.people.identity import DocumentType
from saphan.people.models import Person, PersonIdentifier
from saphan.people.services import PersonData, person_register
from tests.intake.conftest import ID_A, ID_B, bad_rows_file, thai_id

pytestmark = pytest.mark.django_db


def _import(path: Path, org: Any, *extra: str) -> ImportJob:
    call_command("import", "persons", str(path), "--org", org.code, *extra)
    return ImportJob.objects.order_by("-pk").first()  # type: ignore[return-value]


def _codes_by_row(job: ImportJob, *, warnings: bool = False) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for issue in ImportIssue.objects.filter(job=job, is_warning=warnings):
        found.setdefault(issue.row_number, set()).add(issue.code)
    return found


def test_every_kind_of_bad_row_is_rejected_and_the_good_ones_go_in(
    make_org: Callable[..., Any], write_csv: Callable[..., Path]
) -> None:
    org = make_org(provinces=("55",))
    job = _import(write_csv(bad_rows_file()), org)

    assert job.status == JobStatus.DONE
    assert (job.rows_total, job.created, job.updated, job.rejected) == (12, 3, 0, 9)
    errors = _codes_by_row(job)
    assert set(errors) == {4, 5, 6, 7, 8, 9, 10, 11, 12}
    assert "national_id" in errors[4]
    assert "given_name" in errors[5]
    assert "date" in errors[6]
    assert "place" in errors[7]
    assert "province" in errors[8]
    assert "disabilities" in errors[9]
    assert "sex" in errors[10]
    assert "national_id" in errors[11]
    assert "phone" in errors[12]
    assert _codes_by_row(job, warnings=True) == {3: {"place_corrected"}}
    # Messages in both languages, naming the column as the file does.
    issue = ImportIssue.objects.get(job=job, row_number=4)
    assert issue.column == "เลขบัตรประชาชน"
    assert "check digit" in issue.message_en
    assert issue.message_th and issue.message_th != issue.message_en

    people = Person.objects.filter(organisation=org)
    assert people.count() == 3
    somchai = people.get(given_name="สมชาย")
    assert (somchai.title, somchai.family_name, somchai.sex) == ("นาย", "ใจดี", "male")
    assert (somchai.birth_year, somchai.birth_month, somchai.birth_day) == (1967, 5, 12)
    assert somchai.phone == "0812345678"
    assert somchai.current_subdistrict_id == "550101"
    assert somchai.district_id == "5501"
    assert set(somchai.groups.values_list("group", flat=True)) == {"informal_worker"}
    assert somchai.history.count() == 1
    number = PersonIdentifier.objects.get(person=somchai, doc_type=DocumentType.NATIONAL_ID)
    assert number.number == ID_A
    boonmee = people.get(given_name="บุญมี")
    assert boonmee.sensitive_basis == "consent"
    assert set(boonmee.groups.values_list("group", flat=True)) >= {"homeless", "disability"}
    assert boonmee.consents.get().covers_sensitive
    assert people.get(given_name="สมหญิง").district_id == "5501"
    assert job.file_path == ""  # the upload is deleted when the import ends


def test_the_same_file_twice_changes_nothing(
    make_org: Callable[..., Any], write_csv: Callable[..., Path]
) -> None:
    org = make_org(provinces=("55",))
    path = write_csv(bad_rows_file())
    _import(path, org)
    before = set(Person.objects.values_list("pk", "updated_at"))
    again = _import(path, org)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 3, 9)
    assert set(Person.objects.values_list("pk", "updated_at")) == before
    assert ImportedRecord.objects.filter(organisation=org).count() == 3


def test_dry_run_writes_nothing(
    make_org: Callable[..., Any], write_csv: Callable[..., Path]
) -> None:
    org = make_org(provinces=("55",))
    job = _import(write_csv(bad_rows_file()), org, "--dry-run")
    assert job.status == JobStatus.CHECKED
    assert (job.rows_total, job.created, job.rejected) == (12, 3, 9)
    assert not Person.objects.exists()
    assert job.issues.filter(is_warning=False).count() >= 9


def _many_rows(n: int) -> list[list[str]]:
    rows = [["given_name", "family_name", "birth_date", "national_id", "province"]]
    for i in range(n):
        rows.append([f"คน{i}", "ทดสอบ", "2500", thai_id(f"3{i:011d}"), "55"])
    return rows


class _Killed(BaseException):
    """Like SIGKILL: no ``except Exception`` handler runs, the open transaction is lost."""


def test_a_worker_killed_mid_import_resumes_with_exact_counts(
    make_org: Callable[..., Any],
    write_csv: Callable[..., Path],
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.SAPHAN_IMPORT_CHUNK_ROWS = 10
    org = make_org(provinces=("55",))
    path = write_csv(_many_rows(35))
    job = services.import_job_create(user=None, source=path, organisation=org)
    job.status = JobStatus.QUEUED
    job.save()

    real = services.chunk_write
    calls = {"n": 0}

    def dies_in_the_third_chunk(**kwargs: Any) -> Any:
        calls["n"] += 1
        result = real(**kwargs)  # the chunk's rows are written…
        if calls["n"] == 3:
            raise _Killed  # …and the worker dies before its transaction commits
        return result

    monkeypatch.setattr(services, "chunk_write", dies_in_the_third_chunk)
    with pytest.raises(_Killed):
        services.import_job_run(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING
    assert (job.rows_done, job.created) == (20, 20)
    assert Person.objects.count() == 20

    monkeypatch.setattr(services, "chunk_write", real)
    services.import_job_run(job.pk)  # the worker starts again
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert (job.rows_total, job.created, job.unchanged, job.rejected) == (35, 35, 0, 0)
    assert Person.objects.count() == 35
    assert PersonIdentifier.objects.count() == 35
    names = list(Person.objects.values_list("given_name", flat=True))
    assert len(names) == len(set(names))


def test_a_row_with_a_registered_id_updates_that_person(
    make_user: Callable[..., Any], write_csv: Callable[..., Path]
) -> None:
    user = make_user(role="case_manager", provinces=("55",))
    person = person_register(
        user=user,
        data=PersonData(
            given_name="สมชาย", family_name="ใจดี", national_id=ID_A, province_code="55"
        ),
    )
    path = write_csv(
        [
            ["given_name", "family_name", "national_id", "phone", "province"],
            ["สมชาย", "ใจดี", ID_A, "0899999999", "55"],
        ]
    )
    call_command(
        "import", "persons", str(path), "--org", user.organisation.code, "--user", user.username
    )
    job = ImportJob.objects.get()
    assert (job.created, job.updated, job.rejected) == (0, 1, 0)
    person.refresh_from_db()
    assert person.phone == "0899999999"
    assert person.history.count() == 2
    assert Person.objects.count() == 1


def test_an_id_registered_in_another_province_is_refused(
    make_user: Callable[..., Any], make_org: Callable[..., Any], write_csv: Callable[..., Path]
) -> None:
    other = make_user(role="case_manager", provinces=("94",))
    person_register(
        user=other,
        data=PersonData(given_name="ปัตตา", national_id=ID_B, province_code="94"),
    )
    user = make_user(role="case_manager", provinces=("55",))
    path = write_csv([["given_name", "national_id", "province"], ["ปัตตา", ID_B, "55"]])
    call_command(
        "import", "persons", str(path), "--org", user.organisation.code, "--user", user.username
    )
    job = ImportJob.objects.get()
    assert (job.created, job.updated, job.rejected) == (0, 0, 1)
    assert job.issues.get().code == "registered_elsewhere"
    assert Person.objects.count() == 1


def test_a_kobo_export_imports_without_mapping(
    make_org: Callable[..., Any], write_csv: Callable[..., Path]
) -> None:
    org = make_org(provinces=("55",))
    header = [
        "start",
        "end",
        "consent/consent_given_on",
        "consent/consent_sensitive",
        "consent/consent_sharing",
        "person/given_name",
        "person/family_name",
        "person/sex",
        "person/birth_date",
        "person/national_id",
        "address/province",
        "address/district",
        "address/subdistrict",
        "sensitive/disabilities",
        "_id",
        "_uuid",
        "_submission_time",
        "_index",
    ]
    rows = [
        header,
        [
            "2026-11-01T09:00",
            "2026-11-01T09:10",
            "2026-11-01",
            "yes",
            "yes",
            "คำแสน",
            "ดีงาม",
            "female",
            "15/03/2490",
            thai_id("150010000011"),
            "55",
            "5501",
            "550101",
            "movement",
            "101",
            "uuid-a",
            "2026-11-01T10:00",
            "1",
        ],
        [
            "2026-11-01T09:00",
            "2026-11-01T09:10",
            "2026-11-02",
            "no",
            "no",
            "จันทร์",
            "เพ็ญ",
            "male",
            "2545",
            "",
            "55",
            "5502",
            "550202",
            "",
            "102",
            "uuid-b",
            "2026-11-02T10:00",
            "2",
        ],
    ]
    job = _import(write_csv(rows, delimiter=";"), org)
    assert (job.created, job.rejected) == (2, 0), list(job.issues.values_list("message_en"))
    assert set(ImportedRecord.objects.values_list("source_id", flat=True)) == {"uuid-a", "uuid-b"}
    kham = Person.objects.get(given_name="คำแสน")
    assert kham.birth_year == 1947
    assert kham.disabilities.get().disability_type == "movement"


def test_bad_files_are_refused_with_a_clear_message(
    make_org: Callable[..., Any], write_csv: Callable[..., Path], tmp_path: Path, settings: Any
) -> None:
    org = make_org(provinces=("55",))
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="empty"):
        _import(empty, org)
    with pytest.raises(CommandError, match="given name"):
        _import(write_csv([["foo", "bar"], ["1", "2"]], name="odd.csv"), org)
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"columns": {"ชื่อจริง": "given_name"}}), encoding="utf-8")
    with pytest.raises(CommandError, match="does not have"):
        _import(write_csv([["name"], ["สมชาย"]], name="m.csv"), org, "--mapping", str(mapping))
    settings.SAPHAN_IMPORT_MAX_BYTES = 10
    with pytest.raises(ValidationError):
        services.import_job_create(user=None, source=write_csv(bad_rows_file()), organisation=org)
    assert not Person.objects.exists()
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("per_chunk_max", [50_000, 1])
def test_watch_rules_run_for_imported_people_in_small_and_large_imports(
    per_chunk_max: int,
    make_org: Callable[..., Any],
    write_csv: Callable[..., Path],
    settings: Any,
) -> None:
    """Small imports evaluate the rules with each chunk; large ones once at the end."""
    from saphan.watch.models import WatchFlag

    settings.SAPHAN_IMPORT_WATCH_PER_CHUNK_MAX = per_chunk_max
    org = make_org(provinces=("55",))
    _import(write_csv(bad_rows_file()), org)
    boonmee = Person.objects.get(given_name="บุญมี")  # disability recorded, no card
    rules = set(WatchFlag.objects.filter(person=boonmee).values_list("rule__code", flat=True))
    assert "disability_no_card" in rules


def test_an_import_rebuilds_the_statistics_of_the_provinces_it_touched(
    make_org: Callable[..., Any], write_csv: Callable[..., Path]
) -> None:
    from saphan.reports.models import StatFact, StatProvince

    org = make_org(provinces=("55",))
    job = _import(write_csv(bad_rows_file()), org)
    assert job.created == 3
    state = StatProvince.objects.get(pk="55")
    assert state.refreshed_at is not None and state.people == 3
    people = StatFact.objects.filter(
        province_code="55", measure="people", group="", subdistrict_code=""
    )
    assert sum(people.values_list("count", flat=True)) == 3
    # A dry run rebuilds nothing.
    StatProvince.objects.all().delete()
    _import(write_csv(bad_rows_file()), org, "--dry-run")
    assert not StatProvince.objects.filter(refreshed_at__isnull=False).exists()
