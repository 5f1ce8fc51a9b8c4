"""Merging two records of one person, and undoing it (see ``services`` for the rest of
the duplicates context).

A merge never deletes anything. The merged record stays (``merged_into`` set, so it
leaves every list and count), every row that pointed at it is re-pointed at the
survivor one by one — each inside a savepoint, so a row the database refuses (a unique
constraint: the survivor already has the same thing; or an append-only trigger) stays
on the merged record and is listed in ``PersonMerge.kept`` — and what moved is listed in
``PersonMerge.moved`` so :func:`person_merge_undo` can move exactly those rows back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, models, transaction
from django.utils import timezone

from saphan import policy
from saphan.accounts.models import User
from saphan.audit.models import AccessAction, AppendOnlyError
from saphan.core.errors import field_error
from saphan.geo.models import Subdistrict
from saphan.linkage.models import (
    CandidateStatus,
    DuplicateCandidate,
    PersonMerge,
)
from saphan.linkage.services import (
    ALREADY_DECIDED,
    ALREADY_MERGED,
    ALREADY_UNDONE,
    CANDIDATE_MISMATCH,
    IDENTIFIER_TAKEN,
    NOTE_TOO_LONG,
    SAME_RECORD,
    SURVIVOR_MERGED_SINCE,
)
from saphan.people import choices as c
from saphan.people.checks import person_access_record
from saphan.people.consents import person_sensitive_basis_refresh
from saphan.people.followups import registry_changed
from saphan.people.groups import groups_refresh_derived
from saphan.people.models import Person, PersonIdentifier
from saphan.people.search_text import search_text, thai_sort_key


@dataclass(frozen=True)
class Relation:
    """A concrete foreign key to ``people.Person`` from another model."""

    model: type[models.Model]
    field: models.ForeignKey[Any, Any]

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


def person_relations() -> list[Relation]:
    """Every concrete foreign key to Person that a merge re-points, found generically.

    Left out: simple-history's historical models (history is never rewritten), the
    access log (``audit``: it records what happened), ``linkage`` itself (pairs and
    merges are about both records) and ``Person.merged_into`` (the chain of merges).
    Consents come first: the survivor's sensitive-data basis is worked out from them
    before sensitive rows and fields move."""
    found = []
    for rel in Person._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)):
            continue
        model = rel.related_model
        fk = getattr(rel, "field", None)
        if not isinstance(model, type) or not isinstance(fk, models.ForeignKey):
            continue
        meta = model._meta
        if (
            model is Person
            or meta.app_label in ("audit", "linkage")
            or (meta.object_name or "").startswith("Historical")
            or meta.proxy
            or not meta.managed
        ):
            continue
        found.append(Relation(model, fk))
    return sorted(found, key=lambda r: (r.label != "people.consent", r.label, r.field.name))


def _sensitive_row(label: str, row: models.Model) -> bool:
    """Rows that are sensitive data themselves (PDPA s.26)."""
    if label == "people.disability":
        return True
    return label == "people.persongroup" and getattr(row, "group", "") in c.HIDDEN_WITH_SENSITIVE


@dataclass
class _Stamp:
    """Who and why, for simple-history rows written by the merge."""

    user: User
    reason: str

    def on(self, obj: models.Model) -> models.Model:
        obj._history_user = self.user  # type: ignore[attr-defined]
        obj._change_reason = self.reason  # type: ignore[attr-defined]
        return obj


def _repoint(
    row: models.Model, field: models.ForeignKey[Any, Any], to: Person, stamp: _Stamp
) -> str:
    """Point ``row`` at ``to`` inside a savepoint; '' if it moved, else why not."""
    setattr(row, field.name, to)
    try:
        with transaction.atomic():
            stamp.on(row).save(update_fields=[field.name])
    except IntegrityError as exc:
        # A unique constraint: the target already has the same thing. (SQLite reports a
        # trigger's RAISE(ABORT) as an integrity error too, hence the message test.)
        return "duplicate" if "unique" in str(exc).lower() else "refused"
    except (DatabaseError, AppendOnlyError, ValidationError):
        return "refused"  # e.g. an append-only trigger (PostgreSQL: RAISE EXCEPTION)
    return ""


def _move_rows(
    relation: Relation,
    source: Person,
    target: Person,
    stamp: _Stamp,
    sensitive_ok: bool,
    moved: list[dict[str, Any]],
    kept: list[dict[str, Any]],
) -> None:
    manager = relation.model._base_manager
    rows = manager.filter(**{relation.field.attname: source.pk}).order_by("pk")
    for row in rows:
        entry = {"model": relation.label, "pk": row.pk, "field": relation.field.name}
        if not sensitive_ok and _sensitive_row(relation.label, row):
            kept.append({**entry, "reason": "sensitive"})
            continue
        reason = _repoint(row, relation.field, target, stamp)
        if reason:
            kept.append({**entry, "reason": reason})
        else:
            moved.append(entry)


def _empty(value: Any) -> bool:
    return value is None or value == ""


#: Survivor fields filled from the merged record when empty, in blocks that go together.
BASIS_BLOCKS: tuple[tuple[str, ...], ...] = (("legal_basis", "legal_basis_note"),)
# fmt: off
PLAIN_BLOCKS: tuple[tuple[str, ...], ...] = (
    ("title",), ("family_name",), ("given_name_latin", "family_name_latin"), ("nickname",),
    ("sex",), ("birth_year", "birth_month", "birth_day"), ("phone", "phone_index"),
    ("registered_subdistrict_id", "registered_address"),
    ("current_subdistrict_id", "current_address"), ("last_seen_place",),
    ("work_status",), ("income_band",), ("dependants_under_18",),
)
#: Filled only while the survivor has a basis for sensitive data (consent or legal).
SENSITIVE_BLOCKS: tuple[tuple[str, ...], ...] = (
    ("chronic_illness", "chronic_illness_note"), ("bedridden",), ("civil_status",),
    ("verification_stage",), ("religion",), ("ethnicity",), ("gender_identity",),
    ("disability_card_number", "disability_card_index", "disability_card_expiry"),
)
# fmt: on


def _fill(
    survivor: Person, merged: Person, blocks: Iterable[tuple[str, ...]], filled: dict[str, Any]
) -> None:
    """Copy each block whose fields are all empty on the survivor. Only the survivor's
    previous (empty) values are stored: the copied values stay on the merged record."""
    for block in blocks:
        if block[0] == "current_subdistrict_id" and survivor.no_fixed_address:
            continue
        if not all(_empty(getattr(survivor, name)) for name in block):
            continue
        if all(_empty(getattr(merged, name)) for name in block):
            continue
        for name in block:
            before = getattr(survivor, name)
            filled[name] = {"before": before.isoformat() if isinstance(before, dt.date) else before}
            setattr(survivor, name, getattr(merged, name))


def _relocate(survivor: Person, filled: dict[str, Any]) -> None:
    """After an address was filled: province and district follow it, as on registration."""
    code = survivor.current_subdistrict_id or survivor.registered_subdistrict_id
    if not code or not ({"current_subdistrict_id", "registered_subdistrict_id"} & set(filled)):
        return
    place = Subdistrict.objects.filter(code=code).values("province_id", "district_id").first()
    if place is None:
        return
    for name in ("province_id", "district_id"):
        if getattr(survivor, name) != place[name]:
            filled[name] = {"before": getattr(survivor, name), "after": place[name]}
            setattr(survivor, name, place[name])


def _names_refresh(person: Person) -> None:
    names = ("given_name", "family_name", "nickname", "given_name_latin", "family_name_latin")
    person.name_search = search_text(*(getattr(person, name) for name in names))
    person.name_sort = thai_sort_key(f"{person.given_name} {person.family_name}")


def _lock(*people: Person) -> list[Person]:
    ids = [p.pk for p in people]
    locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=ids)}
    return [locked[pk] for pk in ids]


def _pair_candidate(
    survivor: Person, merged: Person, candidate: DuplicateCandidate | None
) -> DuplicateCandidate | None:
    low, high = sorted((survivor.pk, merged.pk))
    if candidate is not None:
        candidate = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
        if (candidate.person_low_id, candidate.person_high_id) != (low, high):
            raise field_error("candidate", CANDIDATE_MISMATCH)
        if candidate.status != CandidateStatus.OPEN:
            raise field_error("candidate", ALREADY_DECIDED)
        return candidate
    # Merged without the queue (or after "not the same person" was reconsidered).
    return (
        DuplicateCandidate.objects.select_for_update()
        .filter(person_low_id=low, person_high_id=high)
        .exclude(status=CandidateStatus.MERGED)
        .first()
    )


def _retire_identifiers(
    moved: list[dict[str, Any]], survivor_types: set[str], stamp: _Stamp, filled: dict[str, Any]
) -> None:
    """The merged record's current documents of a type the survivor already holds
    become history on the survivor (not current, valid until today)."""
    ids = [m["pk"] for m in moved if m["model"] == "people.personidentifier"]
    today = timezone.localdate()
    retired = []
    for ident in PersonIdentifier.objects.filter(
        pk__in=ids, is_current=True, doc_type__in=survivor_types
    ).order_by("pk"):
        retired.append(
            {"pk": ident.pk, "valid_to": ident.valid_to.isoformat() if ident.valid_to else None}
        )
        ident.is_current = False
        ident.valid_to = today
        stamp.on(ident).save(update_fields=["is_current", "valid_to"])
    if retired:
        filled["_identifiers_retired"] = retired


def _close_kept_memberships(
    merged: Person, kept: list[dict[str, Any]], stamp: _Stamp, filled: dict[str, Any]
) -> None:
    """A current household membership left on the merged record (the survivor has its
    own) ends today, so the household does not count the same person twice."""
    from saphan.people.models import HouseholdMember

    ids = [k["pk"] for k in kept if k["model"] == "people.householdmember"]
    closed = []
    for member in HouseholdMember.objects.filter(pk__in=ids, person=merged, until__isnull=True):
        member.until = timezone.localdate()
        stamp.on(member).save(update_fields=["until"])
        closed.append(member.pk)
    if closed:
        filled["_memberships_closed"] = closed


def _merge_log(user: User, merge: PersonMerge, request: Any, *, undo: bool, **detail: Any) -> None:
    for role, person in (("survivor", merge.survivor), ("merged", merge.merged)):
        person_access_record(
            user=user,
            person=person,
            action=AccessAction.UPDATE,
            request=request,
            detail={"merge": str(merge.uid), "role": role, "undo": undo, **detail},
        )


@transaction.atomic
def person_merge(
    *,
    user: User,
    survivor: Person,
    merged: Person,
    candidate: DuplicateCandidate | None = None,
    note: str = "",
    request: Any = None,
) -> PersonMerge:
    """Merge ``merged`` into ``survivor`` in one transaction (see the module docstring
    and docs/duplicates.md for what moves, what is kept and what is filled)."""
    policy.require(user, policy.Action.REVIEW_DUPLICATES)
    if survivor.pk == merged.pk:
        raise field_error("merged", SAME_RECORD)
    if len(note.strip()) > 300:
        raise field_error("note", NOTE_TOO_LONG)
    survivor, merged = _lock(survivor, merged)
    for person in (survivor, merged):
        if person.merged_into_id is not None:
            raise field_error("merged", ALREADY_MERGED, name=person.full_name)
    visible = Person.objects.visible_to(user).filter(pk__in=[survivor.pk, merged.pk])
    if visible.count() != 2:
        raise PermissionDenied("out_of_scope")
    candidate = _pair_candidate(survivor, merged, candidate)

    merge = PersonMerge(survivor=survivor, merged=merged, candidate=candidate, merged_by=user)
    stamp = _Stamp(user, f"merge {merge.uid}")
    survivor_types = set(
        survivor.identifiers.filter(is_current=True).values_list("doc_type", flat=True)
    )
    moved: list[dict[str, Any]] = []
    kept: list[dict[str, Any]] = []
    filled: dict[str, Any] = {}
    relations = person_relations()
    consents = [r for r in relations if r.label == "people.consent"]
    others = [r for r in relations if r.label != "people.consent"]
    for relation in consents:
        _move_rows(relation, merged, survivor, stamp, True, moved, kept)
    _fill(survivor, merged, BASIS_BLOCKS, filled)
    sensitive_ok = bool(person_sensitive_basis_refresh(survivor))
    for relation in others:
        _move_rows(relation, merged, survivor, stamp, sensitive_ok, moved, kept)
    _retire_identifiers(moved, survivor_types, stamp, filled)
    _close_kept_memberships(merged, kept, stamp, filled)

    _fill(survivor, merged, PLAIN_BLOCKS, filled)
    if sensitive_ok:
        _fill(survivor, merged, SENSITIVE_BLOCKS, filled)
    _relocate(survivor, filled)
    _names_refresh(survivor)
    stamp.on(survivor).save()
    merged.merged_into = survivor
    stamp.on(merged).save()
    person_sensitive_basis_refresh(merged)

    merge.moved, merge.kept, merge.filled = moved, kept, filled
    merge.save()
    if candidate is not None:
        candidate.status = CandidateStatus.MERGED
        candidate.decided_by = user
        candidate.decided_at = merge.merged_at
        candidate.decision_note = note.strip()
        candidate.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    groups_refresh_derived(person_ids=[survivor.pk])
    registry_changed(person_ids=[survivor.pk, merged.pk])
    _merge_log(user, merge, request, undo=False, moved=len(moved), kept=len(kept))
    return merge


def _restore_fields(survivor: Person, merged: Person, filled: dict[str, Any]) -> None:
    """Put back the survivor's previous values — for each field still holding what the
    merge copied (a value someone has edited since is left alone)."""
    for name, change in filled.items():
        if name.startswith("_"):
            continue
        now = getattr(survivor, name)
        copied = change["after"] if "after" in change else getattr(merged, name)
        if now != copied:
            continue
        before = change["before"]
        if before is not None and isinstance(Person._meta.get_field(name), models.DateField):
            before = dt.date.fromisoformat(before)
        setattr(survivor, name, before)


@transaction.atomic
def person_merge_undo(*, user: User, merge: PersonMerge, request: Any = None) -> PersonMerge:
    """Undo a merge: the rows that moved go back, the survivor's filled fields and
    retired documents are restored, the merged record returns to every list, and the
    pair goes back to the queue as open so it can be decided again."""
    policy.require(user, policy.Action.REVIEW_DUPLICATES)
    if not PersonMerge.objects.visible_to(user).filter(pk=merge.pk).exists():
        raise PermissionDenied("out_of_scope")
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise field_error("merge", ALREADY_UNDONE)
    survivor, merged = _lock(merge.survivor, merge.merged)
    if survivor.merged_into_id is not None:
        raise field_error("merge", SURVIVOR_MERGED_SINCE)
    if merged.merged_into_id != survivor.pk:
        raise field_error("merge", ALREADY_UNDONE)
    stamp = _Stamp(user, f"undo merge {merge.uid}")
    filled = dict(merge.filled)

    for entry in filled.get("_identifiers_retired", []):
        ident = PersonIdentifier.objects.filter(pk=entry["pk"], is_current=False).first()
        if ident is None:
            continue
        ident.is_current = True
        ident.valid_to = dt.date.fromisoformat(entry["valid_to"]) if entry["valid_to"] else None
        try:
            with transaction.atomic():
                stamp.on(ident).save(update_fields=["is_current", "valid_to"])
        except IntegrityError as exc:
            raise field_error("merge", IDENTIFIER_TAKEN) from exc
    left = []
    for entry in merge.moved:
        model = apps.get_model(entry["model"])
        field = model._meta.get_field(entry["field"])
        assert isinstance(field, models.ForeignKey)
        row = model._base_manager.filter(pk=entry["pk"], **{field.attname: survivor.pk}).first()
        reason = _repoint(row, field, merged, stamp) if row is not None else "gone"
        if reason:
            left.append({**entry, "reason": reason})
    if filled.get("_memberships_closed"):
        from saphan.people.models import HouseholdMember

        for member in HouseholdMember.objects.filter(pk__in=filled["_memberships_closed"]):
            member.until = None
            try:
                with transaction.atomic():
                    stamp.on(member).save(update_fields=["until"])
            except IntegrityError:
                left.append({"model": "people.householdmember", "pk": member.pk, "field": "until"})

    _restore_fields(survivor, merged, filled)
    _names_refresh(survivor)
    stamp.on(survivor).save()
    merged.merged_into = None
    stamp.on(merged).save()
    person_sensitive_basis_refresh(survivor)
    person_sensitive_basis_refresh(merged)

    merge.undone_by = user
    merge.undone_at = timezone.now()
    merge.save(update_fields=["undone_by", "undone_at"])
    if merge.candidate_id is not None:
        DuplicateCandidate.objects.filter(pk=merge.candidate_id).update(
            status=CandidateStatus.OPEN, decided_by=None, decided_at=None
        )
    groups_refresh_derived(person_ids=[survivor.pk, merged.pk])
    registry_changed(person_ids=[survivor.pk, merged.pk])
    merge.survivor, merge.merged = survivor, merged
    _merge_log(user, merge, request, undo=True, not_moved_back=len(left))
    return merge
