"""The registry as the linkage engine's input — one row per current person, in the
engine's standard columns (see ``saphan.linkage.engine``) — and the engine's output as
pairs of person ids with their evidence.

This is a *system process*: it serves no user and so reads
``Person.objects.current()`` directly rather than ``visible_to(user)``. Nothing it
returns is shown to anyone; what comes out of the engine is stored as
``DuplicateCandidate`` pairs, which reviewers only ever see through
``policy.scope_duplicate_candidates`` (both people in their provinces). The national ID
and phone are decrypted here because the engine compares them; the frame lives in
memory for the length of one run and is never written anywhere.

People are read in chunks (``values_list(...).iterator(chunk_size=...)``) and each chunk
becomes a small polars frame, so a registry of a million people costs a few hundred MB
of columnar memory, not a million model instances.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from saphan.people.identity import DocumentType
from saphan.people.models import Person, PersonIdentifier

#: Rows fetched per database round trip (and per intermediate polars frame).
CHUNK_SIZE = 20_000

#: The engine's standard input columns and their types.
SCHEMA: dict[str, Any] = {
    "record_id": pl.Utf8,
    "given_name": pl.Utf8,
    "family_name": pl.Utf8,
    "sex": pl.Utf8,
    "birth_year": pl.Int32,
    "birth_month": pl.Int32,
    "birth_day": pl.Int32,
    "national_id": pl.Utf8,
    "phone": pl.Utf8,
    "province_code": pl.Utf8,
    "district_code": pl.Utf8,
    "subdistrict_code": pl.Utf8,
    "address": pl.Utf8,
}

_PERSON_FIELDS = (
    "pk",
    "given_name",
    "family_name",
    "sex",
    "birth_year",
    "birth_month",
    "birth_day",
    "phone",
    "province_id",
    "district_id",
    "current_subdistrict_id",
    "registered_subdistrict_id",
    "current_address",
    "registered_address",
)


def _people_chunk(rows: list[tuple[Any, ...]]) -> pl.DataFrame:
    columns: dict[str, list[Any]] = {name: [] for name in SCHEMA if name != "national_id"}
    for (
        pk,
        given,
        family,
        sex,
        year,
        month,
        day,
        phone,
        province,
        district,
        current_sub,
        registered_sub,
        current_address,
        registered_address,
    ) in rows:
        columns["record_id"].append(str(pk))
        columns["given_name"].append(given or "")
        columns["family_name"].append(family or "")
        columns["sex"].append(sex or "")
        columns["birth_year"].append(year)
        columns["birth_month"].append(month)
        columns["birth_day"].append(day)
        columns["phone"].append(phone or "")
        columns["province_code"].append(province or "")
        columns["district_code"].append(district or "")
        # Where the person lives now if known, else the house-registration address.
        columns["subdistrict_code"].append(current_sub or registered_sub or "")
        columns["address"].append(current_address or registered_address or "")
    schema = {k: v for k, v in SCHEMA.items() if k != "national_id"}
    return pl.DataFrame(columns, schema=schema)


def _chunks(iterable: Any, size: int) -> Any:
    batch: list[Any] = []
    for item in iterable:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def registry_frame(
    *,
    province_codes: list[str] | None = None,
    person_ids: list[int] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> pl.DataFrame:
    """Current (not merged) people as the engine's standard columns, ``record_id`` being
    ``str(person.pk)``; national ID (current Thai ID) and phone decrypted, ``""`` if none.

    ``province_codes`` and ``person_ids`` narrow the people read (both may be given)."""
    people = Person.objects.current()
    ids = PersonIdentifier.objects.filter(
        doc_type=DocumentType.NATIONAL_ID, is_current=True, person__merged_into__isnull=True
    )
    if province_codes is not None:
        people = people.filter(province_id__in=list(province_codes))
        ids = ids.filter(person__province_id__in=list(province_codes))
    if person_ids is not None:
        people = people.filter(pk__in=list(person_ids))
        ids = ids.filter(person_id__in=list(person_ids))

    rows = people.order_by("pk").values_list(*_PERSON_FIELDS).iterator(chunk_size=chunk_size)
    frames = [_people_chunk(batch) for batch in _chunks(rows, chunk_size)]
    schema = {k: v for k, v in SCHEMA.items() if k != "national_id"}
    frame = pl.concat(frames, how="vertical") if frames else pl.DataFrame(schema=schema)

    # EncryptedTextField decrypts in from_db_value, which values_list applies too.
    id_rows = ids.order_by("person_id", "pk").values_list("person_id", "number")
    id_frames = [
        pl.DataFrame(
            {
                "record_id": [str(pk) for pk, _n in batch],
                "national_id": [number or "" for _pk, number in batch],
            },
            schema={"record_id": pl.Utf8, "national_id": pl.Utf8},
        )
        for batch in _chunks(id_rows.iterator(chunk_size=chunk_size), chunk_size)
    ]
    if id_frames:
        national = pl.concat(id_frames, how="vertical").unique(
            subset="record_id", keep="first", maintain_order=True
        )
        frame = frame.join(national, on="record_id", how="left")
        frame = frame.with_columns(pl.col("national_id").fill_null(""))
    else:
        frame = frame.with_columns(pl.lit("", dtype=pl.Utf8).alias("national_id"))
    return frame.select(list(SCHEMA))


def evidence_key(level: int, top: int) -> str:
    """A comparison level as a short key: ``exact`` (the closest level), ``similar``,
    ``different`` (level 0) or ``missing`` (-1: a value is missing on one record).
    The UI translates the key (``selectors.EVIDENCE_LABELS``)."""
    if level < 0:
        return "missing"
    if level == 0:
        return "different"
    return "exact" if level >= top else "similar"


def _top_levels(frame: pl.DataFrame, columns: list[str]) -> dict[str, int]:
    """The closest level of each comparison, from the engine's specification when it
    names it, else the highest level seen in this run (at least 1)."""
    known: dict[str, int] = {}
    try:
        from saphan.linkage.engine.settings import level_labels

        known = {name: max(levels) for name, levels in level_labels().items()}
    except ImportError:  # pragma: no cover - the engine ships its specification
        pass
    tops = {}
    for column in columns:
        name = column.removeprefix("gamma_")
        seen = frame.get_column(column).cast(pl.Int64).max() if frame.height else None
        tops[column] = known.get(name) or max(int(seen or 1), 1)  # type: ignore[arg-type]
    return tops


def engine_pairs(
    frame: pl.DataFrame, *, threshold: float, involving: set[str] | None = None
) -> list[tuple[int, int, float, dict[str, Any]]]:
    """Run the engine on a registry frame: (lower id, higher id, probability, evidence)
    for each pair at or above ``threshold`` (involving one of ``involving``, if given).

    Evidence is ``{comparison: {"level": gamma, "label": key}}`` with the key from
    :func:`evidence_key`."""
    if frame.height < 2:
        return []
    from saphan.linkage import engine

    found = engine.dedup(frame, threshold=threshold)
    found = found.filter(pl.col("match_probability") >= threshold)
    if involving is not None:
        found = found.filter(
            pl.col("record_id_l").is_in(list(involving))
            | pl.col("record_id_r").is_in(list(involving))
        )
    gammas = [name for name in found.columns if name.startswith("gamma_")]
    tops = _top_levels(found, gammas)
    pairs = []
    for row in found.iter_rows(named=True):
        evidence = {}
        for column in gammas:
            value = row[column]
            level = -1 if value is None else int(value)
            evidence[column.removeprefix("gamma_")] = {
                "level": level,
                "label": evidence_key(level, tops[column]),
            }
        # The engine orders ids as strings ("10" < "9"); pairs are stored lower id first.
        a, b = int(row["record_id_l"]), int(row["record_id_r"])
        pairs.append((min(a, b), max(a, b), float(row["match_probability"]), evidence))
    return pairs
