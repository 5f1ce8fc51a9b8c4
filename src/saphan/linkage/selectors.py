"""Reads of the duplicates context: the review queue, one pair side by side, merges.

Everything starts from ``visible_to(user)``: a pair is listed only when the reviewer may
see *both* people, and the side-by-side view shows each person exactly as their person
page would show them to this user (``people.selectors.person_present``: numbers masked
without ``view_full_id``, sensitive data only while consent or a legal basis holds).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from saphan.accounts.models import User
from saphan.linkage.models import CandidateStatus, DuplicateCandidate, PersonMerge
from saphan.people import choices as c
from saphan.people.identity import DocumentType
from saphan.people.models import Person
from saphan.people.selectors import PersonView, person_present, visible_group_codes

#: The evidence keys stored on a pair (``services.evidence_key``), as reviewers read them.
EVIDENCE_LABELS: dict[str, Promise] = {
    "exact": _("same"),
    "similar": _("similar"),
    "different": _("different"),
    "missing": _("missing on one record"),
}

#: The linkage engine's comparisons, named for reviewers.
COMPARISON_LABELS: dict[str, Promise] = {
    "given_name": _("Given name"),
    "family_name": _("Family name"),
    "birth_date": _("Date of birth"),
    "national_id": _("National ID"),
    "sex": _("Sex"),
    "phone": _("Phone"),
    "location": _("Subdistrict, district, province"),
    "address": _("Address"),
    "postcode": _("Postcode"),
    "contact": _("Phone, address and place"),
}

STATUS_FILTERS = ("open", "not_duplicate", "merged", "all")


def candidate_list(
    *, user: User, status: str = "open", province: str | None = None
) -> QuerySet[DuplicateCandidate]:
    """Pairs the user may review, most probable first. Open pairs whose records have
    been merged since (into a third record) wait until that merge is undone."""
    qs = DuplicateCandidate.objects.visible_to(user).select_related(
        "person_low__province",
        "person_low__district",
        "person_high__province",
        "person_high__district",
    )
    if status in CandidateStatus.values:
        qs = qs.filter(status=status)
    if status == CandidateStatus.OPEN:
        qs = qs.filter(person_low__merged_into__isnull=True, person_high__merged_into__isnull=True)
    if province:
        qs = qs.filter(Q(person_low__province_id=province) | Q(person_high__province_id=province))
    return qs.order_by("-match_probability", "-found_at", "pk")


def merge_list(*, user: User) -> QuerySet[PersonMerge]:
    return (
        PersonMerge.objects.visible_to(user)
        .select_related(
            "survivor__province", "merged__province", "merged_by", "undone_by", "candidate"
        )
        .order_by("-merged_at", "-pk")
    )


HIDDEN = _("hidden")


def _evidence(candidate: DuplicateCandidate) -> list[tuple[str, Any, Any, str]]:
    """(comparison, its label, the reading, key) for each piece of stored evidence."""
    rows = []
    for name, item in (candidate.evidence or {}).items():
        key = str(item.get("label", "")) if isinstance(item, dict) else ""
        rows.append((name, COMPARISON_LABELS.get(name, name), EVIDENCE_LABELS.get(key, key), key))
    return rows


def evidence_summary(candidate: DuplicateCandidate) -> list[tuple[Any, Any, str]]:
    """(comparison label, reading, key) for the queue: the strongest agreements first."""
    order = {"exact": 0, "similar": 1, "different": 2, "missing": 3}
    rows = [(label, reading, key) for _n, label, reading, key in _evidence(candidate)]
    return sorted(rows, key=lambda r: order.get(r[2], 4))


@dataclass
class CompareRow:
    label: Any
    left: Any
    right: Any
    #: The engine's evidence for this line: (comparison, reading, key) — key is one of
    #: ``EVIDENCE_LABELS`` and drives the highlighting.
    evidence: list[tuple[Any, Any, str]]
    same: bool | None  # None: nothing to compare (both empty, or hidden from this user)


def default_survivor(candidate: DuplicateCandidate) -> Person:
    """The older record survives unless the reviewer chooses otherwise."""
    low, high = candidate.person_low, candidate.person_high
    return min((low, high), key=lambda p: (p.created_at, p.pk))


def _address(person: Person, which: str) -> str:
    if which == "current" and person.no_fixed_address:
        text = str(_("No fixed address"))
        if person.last_seen_place:
            text += f" · {person.last_seen_place}"
        return text
    place = getattr(person, f"{which}_subdistrict")
    street = getattr(person, f"{which}_address")
    return " ".join(part for part in (street, place.name if place else "") if part)


def _national_id(view: PersonView) -> str:
    current = [i for i in view.identifiers if i.is_current and i.doc_type == "national_id"]
    return current[0].number if current else ""


def _other_documents(view: PersonView) -> str:
    return ", ".join(
        f"{i.label}: {i.number}"
        for i in view.identifiers
        if i.is_current and i.doc_type != DocumentType.NATIONAL_ID
    )


def _index(person: Person, kind: str) -> str:
    if kind == "phone":
        return person.phone_index
    ident = next(
        (
            i
            for i in person.identifiers.all()
            if i.is_current and i.doc_type == DocumentType.NATIONAL_ID
        ),
        None,
    )
    return ident.number_index if ident else ""


def _groups(person: Person, user: User) -> str:
    codes = visible_group_codes(person=person, user=user)
    return ", ".join(str(c.PopulationGroup(code).label) for code in codes)


def _disabilities(person: Person) -> str:
    return ", ".join(str(d.get_disability_type_display()) for d in person.disabilities.all())


def candidate_compare(*, user: User, candidate: DuplicateCandidate) -> list[CompareRow]:
    """The two records side by side, as far as this user may see each of them.

    ``same`` compares the stored values (blind indexes for numbers), so a masked number
    can still be seen to agree or differ without showing more digits."""
    left, right = candidate.person_low, candidate.person_high
    views = (person_present(person=left, user=user), person_present(person=right, user=user))
    language = get_language() or "th"
    evidence = {name: (label, reading, key) for name, label, reading, key in _evidence(candidate)}
    used: set[str] = set()

    def line(
        label: Any,
        values: tuple[Any, Any],
        keys: tuple[str, ...] = (),
        *,
        same: bool | None = None,
        sensitive: bool = False,
    ) -> CompareRow:
        shown = [str(v or "") for v in values]
        hidden = sensitive and not all(view.sensitive_visible for view in views)
        if hidden:
            shown = [
                str(value) if view.sensitive_visible else str(HIDDEN)
                for value, view in zip(shown, views, strict=True)
            ]
            same = None
        elif same is None and all(shown):
            # Only when both records hold a value: a gap is not a conflict (a merge fills it).
            same = shown[0] == shown[1]
        used.update(keys)
        return CompareRow(
            label, shown[0], shown[1], [evidence[k] for k in keys if k in evidence], same
        )

    def both(getter: Any) -> tuple[Any, Any]:
        return getter(left), getter(right)

    def indexed(kind: str) -> bool | None:
        a, b = _index(left, kind), _index(right, kind)
        return None if not (a and b) else a == b

    rows = [
        line(_("Name"), both(lambda p: p.full_name), ("given_name", "family_name")),
        line(
            _("Name in Latin letters"),
            both(lambda p: f"{p.given_name_latin} {p.family_name_latin}".strip()),
        ),
        line(_("Nickname"), both(lambda p: p.nickname)),
        line(_("Sex"), both(lambda p: p.get_sex_display()), ("sex",)),
        line(
            _("Date of birth"),
            both(lambda p: p.birth_date.format(language) if p.birth_date else ""),
            ("birth_date",),
        ),
        line(
            _("National ID"),
            (_national_id(views[0]), _national_id(views[1])),
            ("national_id",),
            same=indexed("national_id"),
        ),
        line(_("Other documents"), (_other_documents(views[0]), _other_documents(views[1]))),
        line(_("Phone"), (views[0].phone, views[1].phone), ("phone",), same=indexed("phone")),
        line(_("House-registration address"), both(lambda p: _address(p, "registered"))),
        line(_("Current address"), both(lambda p: _address(p, "current")), ("address",)),
        line(
            _("District and province"),
            both(lambda p: ", ".join(x.name for x in (p.district, p.province) if x)),
            ("location", "postcode"),
        ),
        line(_("Groups"), (_groups(left, user), _groups(right, user))),
        line(_("Disability"), both(_disabilities), sensitive=True),
        line(_("Civil status"), both(lambda p: p.get_civil_status_display()), sensitive=True),
        line(_("Registered by"), both(lambda p: p.organisation.name)),
    ]
    # Evidence from comparisons this page does not know yet still shows, on its own line.
    for name, item in evidence.items():
        if name not in used:
            rows.append(CompareRow(item[0], "", "", [item], None))
    return rows
