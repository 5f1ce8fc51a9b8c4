"""Reads of the registry: search, and what a user may see of one person."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from saphan import policy
from saphan.accounts.models import User
from saphan.people import choices as c
from saphan.people.groups import aged_at_least
from saphan.people.identity import (
    DocumentType,
    document_number_normalise,
    national_id_mask,
    national_id_normalise,
)
from saphan.people.models import Person, PersonQuerySet
from saphan.people.names import split_title
from saphan.people.search_text import closeness, names_only, search_text, word_similarity

#: pg_trgm's word similarity threshold. A wrong letter in the middle of a 5-letter Thai
#: name leaves about a third of the query's trigrams (0.31 for สมฃาย vs สมชาย, phonetic
#: codes included), so the default 0.6 would miss it; candidates are then re-ranked by
#: edit distance, which tells the right name from others sharing a prefix.
WORD_SIMILARITY_THRESHOLD = 0.3
#: First pass on PostgreSQL: the name words alone (no phonetic codes, whose short,
#: common trigrams make the GIN scan read long posting lists) at a stricter threshold. A
#: full name with one wrong letter scores well above it. Only when it finds nobody is
#: the search run again with the phonetic codes at WORD_SIMILARITY_THRESHOLD.
FIRST_PASS_THRESHOLD = 0.5
#: Trigram candidates re-ranked by edit distance before a page is cut.
RERANK_CANDIDATES = 200
#: How many trigram candidates SQLite's FTS5 hands over for re-ranking.
SQLITE_CANDIDATES = 2000

AGE_BANDS: dict[str, tuple[int, int | None]] = {
    "0-17": (0, 17),
    "18-59": (18, 59),
    "60-69": (60, 69),
    "70-79": (70, 79),
    "80+": (80, None),
}


@dataclass
class SearchResult:
    people: list[Person]
    total: int
    by: str  # "id", "phone", "name", "filters"


def _age_band(qs: PersonQuerySet, band: str, today: dt.date) -> PersonQuerySet:
    low, high = AGE_BANDS[band]
    qs = qs.filter(aged_at_least(low, today))
    if high is not None:
        qs = qs.exclude(aged_at_least(high + 1, today))
    return qs


def _id_like(q: str) -> tuple[str, str] | None:
    digits = national_id_normalise(q)
    if len(digits) == 13 and digits.isdigit():
        return ("national_id", digits)
    phone = "".join(ch for ch in q if ch.isdigit())
    if (
        len(phone) in (9, 10)
        and phone.startswith("0")
        and len(phone) == len(q.replace("-", "").replace(" ", ""))
    ):
        return ("phone", phone)
    doc = document_number_normalise(q)
    if len(doc) >= 6 and any(ch.isdigit() for ch in doc) and doc.isalnum() and " " not in q.strip():
        return ("document", doc)
    return None


def _name_filter_postgresql(
    qs: PersonQuerySet, q: str, threshold: float = WORD_SIMILARITY_THRESHOLD
) -> PersonQuerySet:
    from django.contrib.postgres.search import TrigramWordSimilarity
    from django.db.models import Count, Window

    # The threshold is a session setting read by the GIN-indexed %> operator; it is set
    # inside the caller's transaction (SET LOCAL), so it never leaks to other requests.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL pg_trgm.word_similarity_threshold = %s", [threshold])
    return (
        qs.filter(name_search__trigram_word_similar=q)
        # The number of matches comes from the same scan (the sort reads them all anyway).
        .annotate(similarity=TrigramWordSimilarity(q, "name_search"), matches=Window(Count("pk")))
        .order_by("-similarity", "pk")
    )


def _fts_terms(text: str) -> set[str]:
    """Trigrams of ^word$ (the FTS table stores words with these boundary marks)."""
    return {
        g for word in text.split() for g in (f"^{word}$"[i : i + 3] for i in range(len(word) + 0))
    }


def _name_candidates_sqlite(q: str, province_codes: set[str] | None) -> list[int]:
    """Trigram candidates from FTS5, already limited to the user's provinces so that the
    candidate cap never hides a person the user may see."""
    grams = _fts_terms(q)
    scope_sql, scope_params = "", []
    if province_codes is not None:
        marks = ", ".join(["%s"] * len(province_codes)) or "NULL"
        scope_sql = f" AND p.province_id IN ({marks})"
        scope_params = sorted(province_codes)
    if not grams:
        like = Person.objects.filter(name_search__contains=q)
        if province_codes is not None:
            like = like.filter(province_id__in=province_codes)
        return list(like.values_list("pk", flat=True)[:SQLITE_CANDIDATES])
    match = " OR ".join('"' + g.replace('"', '""') + '"' for g in sorted(grams))
    with connection.cursor() as cursor:
        # scope_sql holds only %s placeholders; the codes travel as parameters.
        sql = (
            "SELECT f.rowid FROM people_person_fts f JOIN people_person p ON p.id = f.rowid "  # noqa: S608
            "WHERE people_person_fts MATCH %s" + scope_sql + " ORDER BY f.rank LIMIT %s"
        )
        cursor.execute(
            sql,
            [match, *scope_params, SQLITE_CANDIDATES],
        )
        return [row[0] for row in cursor.fetchall()]


def person_search(
    *,
    user: User,
    q: str = "",
    province: str = "",
    district: str = "",
    group: str = "",
    age_band: str = "",
    limit: int = 50,
    offset: int = 0,
) -> SearchResult:
    """Search the people the user may see: by exact ID or phone (blind index), or by name
    with typos; then filters. Callers write the search to the access log."""
    from saphan.core.crypto import blind_index
    from saphan.people.services import PHONE_PURPOSE, identifier_index

    qs: PersonQuerySet = Person.objects.visible_to(user)
    if province:
        qs = qs.filter(province_id=province)
    if district:
        qs = qs.filter(district_id=district)
    if group:
        qs = qs.filter(groups__group=group)
    if age_band in AGE_BANDS:
        qs = _age_band(qs, age_band, timezone.localdate())
    q = q.strip()
    by = "filters"
    if q:
        kind = _id_like(q)
        if kind and kind[0] == "national_id":
            by = "id"
            qs = qs.filter(
                identifiers__number_index=identifier_index(DocumentType.NATIONAL_ID, kind[1])
            )
        elif kind and kind[0] == "phone":
            by = "phone"
            qs = qs.filter(phone_index=blind_index(kind[1], purpose=PHONE_PURPOSE))
        elif kind and kind[0] == "document":
            by = "id"
            indexes = [identifier_index(t, kind[1]) for t in DocumentType.values]
            qs = qs.filter(identifiers__number_index__in=indexes)
        else:
            by = "name"
            return _name_search(
                qs,
                search_text(split_title(q)[1] or q),
                limit=limit,
                offset=offset,
                province_codes=policy.province_codes_of(user),
            )
    qs = qs.distinct().order_by("name_sort", "pk")
    total = qs.count()
    return SearchResult(
        list(qs.select_related("province", "district")[offset : offset + limit]), total, by
    )


def _rerank(q: str, rows: list[Person], similarity: dict[int, float]) -> list[Person]:
    """Order trigram candidates by how close each query word is to a name word, then by
    trigram similarity: trigrams alone cannot tell สมชาย from สมศรี for "สมฃาย"."""
    return sorted(
        rows,
        key=lambda p: (
            -round(closeness(q, p.name_search), 3),
            -similarity.get(p.pk, 0.0),
            p.name_sort,
            p.pk,
        ),
    )


def _name_search(
    qs: PersonQuerySet, q: str, *, limit: int, offset: int, province_codes: set[str] | None = None
) -> SearchResult:
    window = max(RERANK_CANDIDATES, offset + limit)
    if connection.vendor == "postgresql":
        fields = ("pk", "name_search", "name_sort")
        with transaction.atomic():
            top: list[Person] = []
            names = " ".join(names_only(q))
            if names:
                first = _name_filter_postgresql(qs, names, FIRST_PASS_THRESHOLD)
                top = list(first.only(*fields)[:window])
            if not top:
                top = list(_name_filter_postgresql(qs, q).only(*fields)[:window])
        total = int(getattr(top[0], "matches", len(top))) if top else 0
        similarity = {p.pk: float(getattr(p, "similarity", 0.0)) for p in top}
        kept = _rerank(q, top, similarity)
    else:
        candidates = _name_candidates_sqlite(q, province_codes)
        rows = list(qs.filter(pk__in=candidates).only("pk", "name_search", "name_sort"))
        similarity = {p.pk: word_similarity(q, p.name_search) for p in rows}
        matched = [p for p in rows if similarity[p.pk] >= WORD_SIMILARITY_THRESHOLD]
        total = len(matched)
        kept = _rerank(q, sorted(matched, key=lambda p: -similarity[p.pk])[:window], similarity)
    ids = [p.pk for p in kept[offset : offset + limit]]
    found = {
        p.pk: p for p in Person.objects.filter(pk__in=ids).select_related("province", "district")
    }
    return SearchResult([found[i] for i in ids], total, "name")


def masked_query(q: str) -> str:
    """What the access log keeps of a search: never a full ID or phone number."""
    kind = _id_like(q.strip())
    if kind is None:
        return q[:200]
    return f"[{kind[0]} …{kind[1][-4:]}]"


# --- one person, as a user may see them ------------------------------------------------


@dataclass
class IdentifierView:
    doc_type: str
    label: str
    number: str  # full or masked
    masked: bool
    is_current: bool
    valid_from: dt.date | None
    valid_to: dt.date | None


@dataclass
class PersonView:
    person: Person
    identifiers: list[IdentifierView]
    phone: str
    disability_card_number: str
    sensitive_visible: bool
    sensitive_hidden_reason: str
    can_edit: bool


def _mask_other(number: str) -> str:
    return "x" * max(len(number) - 4, 0) + number[-4:]


def person_present(*, person: Person, user: User) -> PersonView:
    """Apply masking and consent rules: full numbers only for roles that need them;
    sensitive data only while consent or a legal basis holds (or for the DPO)."""
    full = policy.can(user, policy.Action.VIEW_FULL_ID)
    identifiers = []
    for ident in person.identifiers.order_by("-is_current", "-valid_from", "-pk"):
        if full:
            from saphan.people.identity import national_id_format

            number = (
                national_id_format(ident.number)
                if ident.doc_type == DocumentType.NATIONAL_ID
                else ident.number
            )
        elif ident.doc_type == DocumentType.NATIONAL_ID:
            number = national_id_mask("000000000" + ident.last4)
        else:
            number = "x" * 4 + ident.last4
        identifiers.append(
            IdentifierView(
                ident.doc_type,
                str(ident.get_doc_type_display()),
                number,
                not full,
                ident.is_current,
                ident.valid_from,
                ident.valid_to,
            )
        )
    basis_active = bool(person.sensitive_basis)
    visible = policy.can_see_sensitive(user, basis_active=basis_active)
    reason = ""
    if not visible:
        had_basis = person.legal_basis or person.consents.filter(covers_sensitive=True).exists()
        reason = "withdrawn" if had_basis else "none"
    return PersonView(
        person=person,
        identifiers=identifiers,
        phone=person.phone if full else (_mask_other(person.phone) if person.phone else ""),
        disability_card_number=(
            person.disability_card_number
            if full and visible
            else (
                _mask_other(person.disability_card_number)
                if person.disability_card_number and visible
                else ""
            )
        ),
        sensitive_visible=visible,
        sensitive_hidden_reason=reason,
        can_edit=policy.can(user, policy.Action.EDIT_PEOPLE),
    )


def sensitive_values(view: PersonView) -> dict[str, Any]:
    """The sensitive attributes, or an empty dict when they must stay hidden."""
    if not view.sensitive_visible:
        return {}
    p = view.person
    return {
        "chronic_illness": p.chronic_illness,
        "chronic_illness_note": p.chronic_illness_note,
        "bedridden": p.bedridden,
        "civil_status": p.civil_status,
        "verification_stage": p.verification_stage,
        "religion": p.religion,
        "ethnicity": p.ethnicity,
        "gender_identity": p.gender_identity,
        "disabilities": [(d.disability_type, d.severity) for d in p.disabilities.all()],
        "disability_card_expiry": p.disability_card_expiry,
    }


def group_filter(group: str) -> Q:
    return Q(groups__group=group) if group in c.PopulationGroup.values else Q()


def visible_group_codes(*, person: Person, user: User) -> list[str]:
    """Group memberships the user may see: groups that reveal sensitive data (religion,
    sexual orientation, ethnicity, disability) hide together with sensitive data."""
    codes = sorted(g.group for g in person.groups.all())
    if policy.can_see_sensitive(user, basis_active=bool(person.sensitive_basis)):
        return codes
    return [code for code in codes if code not in c.HIDDEN_WITH_SENSITIVE]
