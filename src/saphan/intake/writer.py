"""Writing one chunk of checked rows: classify each row (new, already imported, same ID
as a registered person), insert the new people set-based, update the known ones through
the registry services, and record what each row became — all in one transaction with
the job's progress, so a killed worker leaves either the whole chunk or none of it."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import polars as pl
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saphan.core.crypto import blind_index, encrypt_text
from saphan.core.db import lookups  # noqa: F401 - registers field__any
from saphan.core.db.bulk import reserve_ids, rows_insert
from saphan.intake.models import ImportedRecord, ImportJob, RowOutcome
from saphan.intake.timing import timed
from saphan.intake.validate import FINGERPRINT, ROW, Issue
from saphan.people import choices as c
from saphan.people.consents import ConsentData
from saphan.people.followups import registry_changed
from saphan.people.groups import groups_refresh_derived
from saphan.people.identity import DocumentType
from saphan.people.models import Consent, Disability, Person, PersonGroup, PersonIdentifier
from saphan.people.partialdate import PartialDate
from saphan.people.search_text import search_text, thai_sort_key
from saphan.people.services import (
    PHONE_PURPOSE,
    PersonData,
    identifier_index,
    person_data_from,
    person_update,
)

CONSENT_PURPOSE = "Registry survey (imported)"
# Survey names repeat a great deal (a few thousand given names in a province): the Thai
# phonetic codes and sort keys are worked out once per distinct name.
_search_text = lru_cache(maxsize=262_144)(search_text)
_sort_key = lru_cache(maxsize=262_144)(thai_sort_key)


@dataclass
class ChunkResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    created_ids: list[int] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def _defaults(model: type[models.Model], given: tuple[str, ...]) -> dict[str, Any]:
    """Database values of the columns a bulk insert does not set (the model's defaults)."""
    values: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        if f.column in given or f.primary_key:
            continue
        default = f.get_default()
        values[str(f.column)] = f.get_db_prep_save(default, connection)
    return values


def _table_rows(
    model: type[models.Model], rows: list[dict[str, Any]]
) -> tuple[str, list[str], list[list[Any]]]:
    if not rows:
        return model._meta.db_table, [], []
    given = tuple(rows[0])
    extra = _defaults(model, (*given, "id"))
    columns = [*given, *extra]
    values = [[*row.values(), *extra.values()] for row in rows]
    return model._meta.db_table, columns, values


def _insert(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    table, columns, values = _table_rows(model, rows)
    rows_insert(table, columns, values)


def _sensitive_basis(row: dict[str, Any], today: dt.date) -> str:
    given_on = row["consent_given_on"]
    if row["consent_sensitive"] and given_on is not None and given_on <= today:
        return c.SensitiveBasis.CONSENT
    return c.SensitiveBasis.NONE


def _person_row(row: dict[str, Any], pk: int, job: ImportJob, now: dt.datetime) -> dict[str, Any]:
    given, family = row["given_name"] or "", row["family_name"] or ""
    phone = row["phone"] or ""
    subdistrict = row["subdistrict_code"]
    return {
        "id": pk,
        "uid": uuid.uuid4().hex if connection.vendor == "sqlite" else str(uuid.uuid4()),
        "title": row["title"] or "",
        "given_name": given,
        "family_name": family,
        "given_name_latin": row["given_name_latin"] or "",
        "family_name_latin": row["family_name_latin"] or "",
        "nickname": row["nickname"] or "",
        "name_search": _search_text(
            given,
            family,
            row["nickname"] or "",
            row["given_name_latin"] or "",
            row["family_name_latin"] or "",
        ),
        "name_sort": _sort_key(f"{given} {family}"),
        "sex": row["sex"] or "",
        "birth_year": row["birth_year"],
        "birth_month": row["birth_month"],
        "birth_day": row["birth_day"],
        "phone": encrypt_text(phone) if phone else "",
        "phone_index": blind_index(phone, purpose=PHONE_PURPOSE) if phone else "",
        "current_subdistrict_id": subdistrict,
        "current_address": row["address"] or "",
        "no_fixed_address": bool(row["no_fixed_address"]),
        "province_id": row["province_code"],
        "district_id": row["district_code"],
        "work_status": row["work_status"] or "",
        "income_band": row["income_band"] or "",
        "chronic_illness": row["chronic_illness"],
        "bedridden": row["bedridden"],
        "civil_status": row["civil_status"] or "",
        "sensitive_basis": _sensitive_basis(row, now.date()),
        "organisation_id": job.organisation_id,
        "created_by_id": job.created_by_id,
        "created_at": now,
        "updated_at": now,
    }


Rows = list[dict[str, Any]]


def _prepare(
    rows: Rows, ids: tuple[int, ...], job: ImportJob, now: dt.datetime, today: dt.date
) -> tuple[Rows, Rows, Rows, Rows, Rows]:
    """The rows of the five tables a new person fills, in database values."""
    people: Rows = []
    identifiers: Rows = []
    groups: Rows = []
    disabilities: Rows = []
    consents: Rows = []
    for row, pk in zip(rows, ids, strict=True):
        people.append(_person_row(row, pk, job, now))
        number = row["national_id"]
        if number:
            identifiers.append(
                {
                    "person_id": pk,
                    "doc_type": DocumentType.NATIONAL_ID.value,
                    "number": encrypt_text(number),
                    "number_index": row["_id_index"],
                    "last4": number[-4:],
                    "valid_from": today,
                    "is_current": True,
                    "created_at": now,
                }
            )
        for group in (row["groups"] or "").split():
            groups.append(
                {
                    "person_id": pk,
                    "group": group,
                    "source": c.GroupSource.DECLARED.value,
                    "recorded_on": today,
                    "recorded_by_id": job.created_by_id,
                }
            )
        for kind in (row["disabilities"] or "").split():
            disabilities.append({"person_id": pk, "disability_type": kind, "recorded_on": today})
        if row["consent_given_on"] is not None:
            consents.append(
                {
                    "person_id": pk,
                    "purpose": CONSENT_PURPOSE,
                    "covers_basic": True,
                    "covers_sensitive": bool(row["consent_sensitive"]),
                    "covers_sharing": bool(row["consent_sharing"]),
                    "given_by": row["consent_given_by"] or c.ConsentGiver.SELF.value,
                    "guardian_name": row["guardian_name"] or "",
                    "given_on": row["consent_given_on"],
                    "recorded_by_id": job.created_by_id,
                    "organisation_id": job.organisation_id,
                    "created_at": now,
                }
            )
    return people, identifiers, groups, disabilities, consents


def _create(rows: list[dict[str, Any]], job: ImportJob) -> list[int]:
    """Insert new people and their identifiers, groups, disabilities and consents."""
    now = timezone.now()
    today = timezone.localdate()
    ids = reserve_ids(Person._meta.db_table, len(rows))
    with timed("prepare rows (encrypt, normalise names)"):
        people, identifiers, groups, disabilities, consents = _prepare(rows, ids, job, now, today)
    with timed("insert: people and their rows"):
        _insert(Person, people)
        _insert(PersonIdentifier, identifiers)
        _insert(PersonGroup, groups)
        _insert(Disability, disabilities)
        _insert(Consent, consents)
    with timed("insert: history rows"):
        _history_created(list(ids), job, now)
    return list(ids)


def _history_created(ids: list[int], job: ImportJob, now: dt.datetime) -> None:
    """One "created" history row per new person, copied set-based from the new rows."""
    if not ids:
        return
    history = Person.history.model
    qn = connection.ops.quote_name
    tracked = [
        f.column
        for f in history._meta.concrete_fields
        if not f.name.startswith("history_") and f.column != "id"
    ]
    tracked = [col for col in tracked if col in {f.column for f in Person._meta.concrete_fields}]
    names = ", ".join(qn(col) for col in ["id", *tracked])
    sql = (
        f"INSERT INTO {qn(history._meta.db_table)} ({names}, history_date, history_type, "  # noqa: S608
        f"history_user_id, history_change_reason) SELECT {names}, %s, '+', %s, %s "
        f"FROM {qn(Person._meta.db_table)} WHERE id BETWEEN %s AND %s AND organisation_id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [now, job.created_by_id, f"import {job.uid}", min(ids), max(ids), job.organisation_id],
        )


def _row_data(row: dict[str, Any], stored: PersonData) -> tuple[PersonData, ConsentData | None]:
    """The stored record with the row's non-empty values on top (an update never blanks)."""
    data = stored
    simple = (
        "title",
        "given_name",
        "family_name",
        "given_name_latin",
        "family_name_latin",
        "nickname",
        "sex",
        "phone",
        "national_id",
        "work_status",
        "income_band",
        "civil_status",
        "chronic_illness",
        "bedridden",
    )
    for name in simple:
        if row[name] not in (None, ""):
            setattr(data, name, row[name])
    if row["birth_year"] is not None:
        data.birth_date = PartialDate(row["birth_year"], row["birth_month"], row["birth_day"])
    if row["subdistrict_code"]:
        data.current_subdistrict_code = row["subdistrict_code"]
    elif row["province_code"] and not data.current_subdistrict_code:
        data.province_code = row["province_code"]
    if row["address"]:
        data.current_address = row["address"]
    if row["groups"]:
        data.declared_groups = sorted(set(data.declared_groups) | set(row["groups"].split()))
    if row["disabilities"]:
        known = dict(data.disabilities)
        for kind in row["disabilities"].split():
            known.setdefault(kind, "")
        data.disabilities = list(known.items())
    consent = None
    if row["consent_given_on"] is not None:
        consent = ConsentData(
            purpose=CONSENT_PURPOSE,
            given_on=row["consent_given_on"],
            covers_sensitive=bool(row["consent_sensitive"]),
            covers_sharing=bool(row["consent_sharing"]),
            given_by=row["consent_given_by"] or c.ConsentGiver.SELF,
            guardian_name=row["guardian_name"] or "",
        )
    return data, consent


def _update(row: dict[str, Any], person: Person, job: ImportJob, user: Any) -> list[Issue]:
    """Update a known person through the registry service (its checks and history)."""
    from saphan.people.consents import consent_record

    data, consent = _row_data(row, person_data_from(person))
    try:
        with transaction.atomic():
            if (
                consent is not None
                and not person.consents.filter(
                    given_on=consent.given_on, purpose=CONSENT_PURPOSE
                ).exists()
            ):
                consent_record(user=user, person=person, data=consent, log=False)
            person_update(user=user, person=person, data=data)
    except ValidationError as exc:
        issues = []
        for name, errors in exc.message_dict.items() if hasattr(exc, "error_dict") else []:
            for message in errors:
                issues.append(Issue(row[ROW], name, "", "update", message))
        return issues or [Issue(row[ROW], "", "", "update", _("The record could not be updated."))]
    return []


def _lookups(
    job: ImportJob, rows: pl.DataFrame, user: Any
) -> tuple[set[str], dict[str, int], dict[str, int], dict[str, str], dict[int, Person]]:
    """What the database already knows about the chunk's rows, in four queries."""
    records = ImportedRecord.objects.filter(organisation_id=job.organisation_id)
    fingerprints = rows[FINGERPRINT].to_list()
    known = set(records.filter(fingerprint__any=fingerprints).values_list("fingerprint", flat=True))
    # Only rows not imported before need the submission and ID lookups.
    fresh = rows.filter(~pl.col(FINGERPRINT).is_in(list(known))) if known else rows
    sources = [s for s in fresh["source_id"].to_list() if s]
    by_source = dict(records.filter(source_id__any=sources).values_list("source_id", "person_id"))
    numbers = [n for n in fresh["national_id"].to_list() if n]
    index_of = {n: identifier_index(DocumentType.NATIONAL_ID, n) for n in numbers}
    by_index = dict(
        PersonIdentifier.objects.filter(
            doc_type=DocumentType.NATIONAL_ID,
            is_current=True,
            number_index__any=list(index_of.values()),
        ).values_list("number_index", "person_id")
    )
    visible = _visible_people(user, job, {*by_source.values(), *by_index.values()})

    return known, by_source, by_index, index_of, visible


def chunk_write(
    *, job: ImportJob, rows: pl.DataFrame, user: Any, end_row: int, watch_now: bool = True
) -> ChunkResult:
    """Write ``rows`` (checked, in file order) and move the job's progress to ``end_row``.
    The caller holds the transaction. ``watch_now=False`` leaves the watch rules to one
    evaluation per province at the end of a large import (``services._finish``)."""
    result = ChunkResult()
    with timed("lookups: fingerprints, submissions, exact ID"):
        known, by_source, by_index, index_of, visible = _lookups(job, rows, user)
    records = ImportedRecord.objects.filter(organisation_id=job.organisation_id)
    to_create: list[dict[str, Any]] = []
    new_records: list[dict[str, Any]] = []
    for row in rows.iter_rows(named=True):
        if row[FINGERPRINT] in known:
            result.unchanged += 1
            continue
        known.add(row[FINGERPRINT])  # an identical row later in the file is unchanged too
        number = row["national_id"]
        row["_id_index"] = index_of.get(number, "") if number else ""
        target = by_source.get(row["source_id"]) if row["source_id"] else None
        target = target or by_index.get(row["_id_index"])
        if target is None:
            to_create.append(row)
            continue
        person = visible.get(target)
        if person is None:
            result.rejected += 1
            result.issues.append(
                Issue(
                    row[ROW],
                    "national_id",
                    "",
                    "registered_elsewhere",
                    _(
                        "A person with this ID is already registered in a province your "
                        "organisation does not work in. Ask the coordinator there."
                    ),
                )
            )
            continue
        if user is None:
            # The command line without --user acts for no one: it cannot change records.
            result.unchanged += 1
            result.issues.append(
                Issue(
                    row[ROW],
                    "national_id",
                    "",
                    "already_registered",
                    _("Already registered: not changed (an import by a user updates it)."),
                    warning=True,
                )
            )
            continue
        problems = _update(row, person, job, user)
        if problems:
            result.rejected += 1
            result.issues.extend(problems)
            continue
        result.updated += 1
        new_records.append(_record(job, row, person.pk, RowOutcome.UPDATED))

    if to_create:
        ids = _create(to_create, job)
        result.created = len(ids)
        result.created_ids = ids
        new_records += [
            _record(job, row, pk, RowOutcome.CREATED)
            for row, pk in zip(to_create, ids, strict=True)
        ]
        # A range subquery, not a list of thousands of ids (planning and quoting cost).
        new_people = Person.objects.filter(
            organisation_id=job.organisation_id, pk__gte=min(ids), pk__lte=max(ids)
        )
        with timed("derived groups (and watch rules, small imports)"):
            groups_refresh_derived(person_ids=new_people)
            if watch_now:
                registry_changed(person_ids=new_people)
    # A KoBo submission edited and exported again keeps one record: the old row goes.
    resubmitted = [r["source_id"] for r in new_records if r["source_id"]]
    if resubmitted:
        records.filter(source_id__any=resubmitted).delete()
    with timed("insert: imported-row records"):
        _insert(ImportedRecord, new_records)
    return result


def _record(job: ImportJob, row: dict[str, Any], person_id: int, outcome: str) -> dict[str, Any]:
    return {
        "organisation_id": job.organisation_id,
        "fingerprint": row[FINGERPRINT],
        "source_id": row["source_id"] or "",
        "person_id": person_id,
        "job_id": job.pk,
        "row_number": row[ROW],
        "outcome": outcome,
        "imported_at": timezone.now(),
    }


def _visible_people(user: Any, job: ImportJob, ids: set[int]) -> dict[int, Person]:
    if not ids:
        return {}
    if user is not None:
        people = Person.objects.visible_to(user)
    else:
        # The command line acts for the organisation: its provinces are its scope.
        people = Person.objects.current().filter(province__organisations=job.organisation_id)
    return {p.pk: p for p in people.filter(pk__in=ids)}
