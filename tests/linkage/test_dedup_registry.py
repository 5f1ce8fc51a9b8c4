"""The registry as the engine's input, duplicate searches, ``saphan dedup`` and the task."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.core.management import CommandError, call_command

from saphan.audit.models import AccessLog
from saphan.linkage import engine
from saphan.linkage.engine.settings import level_labels
from saphan.linkage.merge import person_merge
from saphan.linkage.models import DuplicateCandidate
from saphan.linkage.registry import SCHEMA, evidence_key, registry_frame
from saphan.linkage.services import duplicates_find, duplicates_find_for_people
from saphan.linkage.tasks import duplicates_find_task
from saphan.people.partialdate import PartialDate
from saphan.people.services import PersonData, person_update
from tests.linkage.conftest import national_id

pytestmark = pytest.mark.django_db


def test_registry_frame_round_trip(register: Any, reviewer: Any, cm_worker: Any) -> None:
    number = national_id("310050012345")
    a = register(national_id=number, phone="+66 81 234 5678", current_address="5 หมู่ 2")
    b = register(birth_date=PartialDate(1961), registered_subdistrict_code="550102")
    far = register(user=cm_worker, current_subdistrict_code="500101", sex="female")
    merged = register()
    person_merge(user=reviewer, survivor=b, merged=merged)

    frame = registry_frame()
    assert frame.columns == list(SCHEMA) and frame.height == 3
    rows = {row["record_id"]: row for row in frame.iter_rows(named=True)}
    assert set(rows) == {str(a.pk), str(b.pk), str(far.pk)}  # merged record left out
    first = rows[str(a.pk)]
    assert first["national_id"] == number  # decrypted
    assert first["phone"] == "0812345678"
    assert (first["given_name"], first["family_name"], first["sex"]) == ("สมชาย", "ใจดี", "male")
    assert (first["birth_year"], first["birth_month"], first["birth_day"]) == (1950, 5, 12)
    assert (first["province_code"], first["district_code"]) == ("55", "5501")
    assert (first["subdistrict_code"], first["address"]) == ("550101", "5 หมู่ 2")
    second = rows[str(b.pk)]
    assert second["national_id"] == "" and second["phone"] == ""
    assert (second["birth_year"], second["birth_month"]) == (1961, None)
    assert rows[str(far.pk)]["province_code"] == "50"

    assert registry_frame(province_codes=["50"])["record_id"].to_list() == [str(far.pk)]
    assert registry_frame(person_ids=[a.pk])["record_id"].to_list() == [str(a.pk)]
    assert registry_frame(chunk_size=1).equals(frame)  # chunks change nothing


def test_a_replaced_id_is_not_compared(register: Any, worker: Any) -> None:
    person = register(national_id=national_id("110370012345"))
    new_number = national_id("110370099999")
    data = PersonData(
        given_name="สมชาย",
        family_name="ใจดี",
        current_subdistrict_code="550101",
        national_id=new_number,
    )
    person_update(user=worker, person=person, data=data)
    assert registry_frame()["national_id"].to_list() == [new_number]


# The engine's most exact name level (its levels grow as comparisons are refined).
_TOP_NAME_LEVEL = max(level_labels()["given_name"])


def _fake_engine(pairs: list[tuple[str, str, float]]) -> Any:
    def dedup(df: pl.DataFrame, *, threshold: float = 0.9) -> pl.DataFrame:
        assert set(df["record_id"].to_list()) >= {p for pair in pairs for p in pair[:2]}
        return pl.DataFrame(
            {
                "record_id_l": [p[0] for p in pairs],
                "record_id_r": [p[1] for p in pairs],
                "match_probability": [p[2] for p in pairs],
                "match_weight": [10.0 for _p in pairs],
                "gamma_given_name": [_TOP_NAME_LEVEL for _p in pairs],
                "gamma_birth_date": [1 for _p in pairs],
                "gamma_national_id": [0 for _p in pairs],
                "gamma_phone": [-1 for _p in pairs],
            },
            schema_overrides={f"gamma_{n}": pl.Int8 for n in ("given_name", "birth_date")},
        )

    return dedup


def test_duplicates_find_with_the_engine_replaced(
    register: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = [register() for _ in range(3)]
    ids = sorted(p.pk for p in people)
    # The engine orders ids as strings; the queue stores the lower number first.
    found = [(str(ids[2]), str(ids[0]), 0.97), (str(ids[0]), str(ids[1]), 0.5)]
    monkeypatch.setattr(engine, "dedup", _fake_engine(found), raising=False)
    summary = duplicates_find(threshold=0.9)
    assert (summary.people, summary.pairs, summary.new) == (3, 1, 1)
    assert summary.as_dict().keys() == {"people", "pairs", "new", "seconds"}
    pair = DuplicateCandidate.objects.get()
    assert (pair.person_low_id, pair.person_high_id) == (ids[0], ids[2])
    assert pair.source == "dedup" and pair.match_probability == 0.97
    assert pair.evidence == {
        "given_name": {"level": _TOP_NAME_LEVEL, "label": "exact"},
        "birth_date": {"level": 1, "label": "similar"},
        "national_id": {"level": 0, "label": "different"},
        "phone": {"level": -1, "label": "missing"},
    }
    assert duplicates_find().new == 0  # found again: nothing new


def test_evidence_keys() -> None:
    assert [evidence_key(level, 3) for level in (-1, 0, 1, 2, 3)] == [
        "missing",
        "different",
        "similar",
        "similar",
        "exact",
    ]


def test_after_an_import_only_pairs_with_the_new_people(
    register: Any, cm_worker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_a, old_b, new = register(), register(), register()
    register(user=cm_worker, current_subdistrict_code="500101")  # another province
    found = [(str(old_a.pk), str(old_b.pk), 0.99), (str(old_a.pk), str(new.pk), 0.95)]
    seen: list[int] = []

    def dedup(df: pl.DataFrame, *, threshold: float = 0.9) -> pl.DataFrame:
        seen.append(df.height)
        return _fake_engine(found)(df, threshold=threshold)

    monkeypatch.setattr(engine, "dedup", dedup, raising=False)
    assert duplicates_find_for_people(person_ids=[new.pk]) == 1
    assert seen == [3]  # the registry of Nan only
    pair = DuplicateCandidate.objects.get()
    assert pair.source == "import" and {pair.person_low_id, pair.person_high_id} == {
        old_a.pk,
        new.pk,
    }
    assert duplicates_find_for_people(person_ids=[]) == 0


def test_dedup_command_and_csv(
    register: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    a, b = register(), register()
    monkeypatch.setattr(
        engine, "dedup", _fake_engine([(str(a.pk), str(b.pk), 0.93)]), raising=False
    )
    out = tmp_path / "pairs.csv"
    call_command("dedup", "--province", "55", "--out", str(out))
    printed = capsys.readouterr().out
    assert "people compared 2, pairs found 1, new in the review queue 1" in printed
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows == [
        ["person_low_uid", "person_high_uid", "match_probability"],
        [str(a.uid), str(b.uid), "0.9300"],
    ]
    assert "สมชาย" not in out.read_text(encoding="utf-8")
    export = AccessLog.objects.get(action="export", object_type="duplicate_candidate")
    assert export.via == "cli" and export.detail["pairs"] == 1
    with pytest.raises(CommandError, match="Unknown province"):
        call_command("dedup", "--province", "99")
    with pytest.raises(CommandError, match="threshold"):
        call_command("dedup", "--threshold", "2")


def test_task_runs_the_search(register: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = register(), register()
    monkeypatch.setattr(
        engine, "dedup", _fake_engine([(str(a.pk), str(b.pk), 0.95)]), raising=False
    )
    result = duplicates_find_task.call(province_codes=["55"])
    assert result["new"] == 1 and result["people"] == 2


@pytest.fixture
def real_dedup(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real engine, exported as ``engine.dedup`` (or, until the package exports it,
    taken from ``engine.model``)."""
    if not hasattr(engine, "dedup"):
        from saphan.linkage.engine.model import dedup

        monkeypatch.setattr(engine, "dedup", dedup, raising=False)


def test_end_to_end_with_the_real_engine(register: Any, real_dedup: None, reviewer: Any) -> None:
    """A few obvious duplicates among clearly different people."""
    number = national_id("110370012345")
    twin_a = register(national_id=number, phone="0812345678")
    twin_b = register(given_name="สมชาย", family_name="ใจดีย์", national_id="", phone="0812345678")
    sister_a = register(
        given_name="มาลี",
        family_name="ศรีสุข",
        sex="female",
        birth_date=PartialDate(1972, 3, 4),
        phone="0899998888",
    )
    sister_b = register(
        given_name="มาลี",
        family_name="ศรีสุข",
        sex="female",
        birth_date=PartialDate(1972, 4, 3),
        phone="0899998888",
    )
    others = [
        register(
            given_name=name,
            family_name=family,
            sex=sex,
            birth_date=PartialDate(year, 1 + i % 12, 1 + i),
            phone=f"08{i:08d}",
        )
        for i, (name, family, sex, year) in enumerate(
            [
                ("ประยุทธ", "มั่นคง", "male", 1960),
                ("วิภา", "รุ่งเรือง", "female", 1985),
                ("อนันต์", "ทองดี", "male", 1942),
                ("สุดา", "แก้วมณี", "female", 1999),
                ("บุญมา", "พรหมมา", "male", 1977),
                ("จันทร์เพ็ญ", "สายสุด", "female", 1955),
            ]
        )
    ]
    summary = duplicates_find(threshold=0.9)
    found = {
        frozenset((p.person_low_id, p.person_high_id)) for p in DuplicateCandidate.objects.all()
    }
    assert frozenset((twin_a.pk, twin_b.pk)) in found
    assert frozenset((sister_a.pk, sister_b.pk)) in found
    strangers = {p.pk for p in others}
    assert not any(pair & strangers for pair in found)
    assert summary.people == 10 and summary.new == len(found)
    pair = DuplicateCandidate.objects.get(
        person_low_id=min(twin_a.pk, twin_b.pk), person_high_id=max(twin_a.pk, twin_b.pk)
    )
    from saphan.linkage.engine.settings import level_labels

    assert set(pair.evidence) == set(level_labels())  # every comparison, as the engine names it
    assert pair.evidence["given_name"]["label"] == "exact"
    assert pair.evidence["birth_date"]["label"] == "exact"
    assert pair.evidence["national_id"] == {"level": -1, "label": "missing"}
    assert {e["label"] for e in pair.evidence.values()} <= {
        "exact",
        "similar",
        "different",
        "missing",
    }
