"""Pages of the duplicates review: the queue, one pair side by side (merge or "not the
same person"), and the merges with their undo. Thin: reads in selectors, rules in
services; every page that shows people writes the access log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saphan import policy
from saphan.accounts.models import User
from saphan.audit.models import AccessAction
from saphan.audit.services import access_log_record
from saphan.core.http import signed_in_user
from saphan.geo.models import Province
from saphan.linkage.merge import person_merge, person_merge_undo
from saphan.linkage.models import CandidateStatus, DuplicateCandidate, PersonMerge
from saphan.linkage.selectors import (
    STATUS_FILTERS,
    candidate_compare,
    candidate_list,
    default_survivor,
    evidence_summary,
    merge_list,
)
from saphan.linkage.services import candidate_dismiss
from saphan.people.checks import person_access_record

_PERSON_RELATED = (
    "province",
    "district",
    "organisation",
    "registered_subdistrict",
    "current_subdistrict",
)


def _reviewer(request: HttpRequest) -> User:
    user = signed_in_user(request)
    policy.require(user, policy.Action.REVIEW_DUPLICATES)
    return user


def percent(probability: float) -> int:
    """Whole percent, rounded down: a pair is never shown as a certain 100%."""
    return min(int(probability * 100), 99)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    user = _reviewer(request)
    status = request.GET.get("status", "open")
    status = status if status in STATUS_FILTERS else "open"
    provinces = Province.objects.visible_to(user).order_by("name_th")
    province = request.GET.get("province", "")
    if province and not provinces.filter(code=province).exists():
        province = ""
    qs = candidate_list(user=user, status=status, province=province or None)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    access_log_record(
        user=user,
        action=AccessAction.SEARCH,
        request=request,
        object_type="duplicate_candidate",
        province_code=province,
        detail={"status": status, "results": page.paginator.count},
    )
    rows = [(c, percent(c.match_probability), evidence_summary(c)) for c in page.object_list]
    return render(
        request,
        "linkage/queue.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "statuses": [
                ("open", _("To review")),
                ("not_duplicate", _("Not the same person")),
                ("merged", _("Merged")),
                ("all", _("All")),
            ],
            "province": province,
            "provinces": provinces,
        },
    )


def _candidate_or_404(request: HttpRequest, user: User, pk: int) -> DuplicateCandidate:
    related = [f"person_{side}__{name}" for side in ("low", "high") for name in _PERSON_RELATED]
    return policy.get_visible_or_404(
        DuplicateCandidate.objects.select_related(*related), user, request=request, pk=pk
    )


def _decide(request: HttpRequest, user: User, candidate: DuplicateCandidate) -> HttpResponse:
    decision = request.POST.get("decision", "")
    note = request.POST.get("note", "")
    low, high = candidate.person_low, candidate.person_high
    try:
        if decision == "merge":
            side = request.POST.get("survivor", "")
            if side not in ("low", "high"):
                messages.error(request, _("Choose which record to keep."))
                return redirect("linkage:compare", pk=candidate.pk)
            survivor, merged = (low, high) if side == "low" else (high, low)
            person_merge(
                user=user,
                survivor=survivor,
                merged=merged,
                candidate=candidate,
                note=note,
                request=request,
            )
            messages.success(
                request,
                _(
                    "Merged: the record of %(merged)s is now part of the record of "
                    "%(survivor)s. You can undo this on the merges page."
                )
                % {"merged": merged.full_name, "survivor": survivor.full_name},
            )
        elif decision == "dismiss":
            candidate_dismiss(user=user, candidate=candidate, note=note, request=request)
            messages.success(
                request,
                _("Noted: not the same person. This pair will not be suggested again."),
            )
        else:
            messages.error(request, _("Choose Merge or Not the same person."))
            return redirect("linkage:compare", pk=candidate.pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("linkage:compare", pk=candidate.pk)
    return redirect("linkage:queue")


@login_required
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reviewer(request)
    candidate = _candidate_or_404(request, user, pk)
    if request.method == "POST":
        return _decide(request, user, candidate)
    low, high = candidate.person_low, candidate.person_high
    for person in (low, high):
        person_access_record(
            user=user,
            person=person,
            action=AccessAction.VIEW,
            request=request,
            detail={"page": "duplicate_compare", "candidate": candidate.pk},
        )
    survivor = default_survivor(candidate)
    open_pair = (
        candidate.status == CandidateStatus.OPEN
        and low.merged_into_id is None
        and high.merged_into_id is None
    )
    return render(
        request,
        "linkage/compare.html",
        {
            "candidate": candidate,
            "percent": percent(candidate.match_probability),
            "low": low,
            "high": high,
            "default_side": "low" if survivor.pk == low.pk else "high",
            "rows": candidate_compare(user=user, candidate=candidate),
            "can_decide": open_pair,
        },
    )


@login_required
def merges(request: HttpRequest) -> HttpResponse:
    user = _reviewer(request)
    page = Paginator(merge_list(user=user), 50).get_page(request.GET.get("page"))
    access_log_record(
        user=user,
        action=AccessAction.SEARCH,
        request=request,
        object_type="person_merge",
        detail={"results": page.paginator.count},
    )
    return render(request, "linkage/merges.html", {"page": page})


@login_required
@require_POST
def merge_undo(request: HttpRequest, uid: str) -> HttpResponse:
    user = _reviewer(request)
    merge = policy.get_visible_or_404(
        PersonMerge.objects.select_related("survivor", "merged"), user, request=request, uid=uid
    )
    try:
        person_merge_undo(user=user, merge=merge, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _(
                "Merge undone: the two records are separate again and the pair is back "
                "in the queue to review."
            ),
        )
    return redirect("linkage:merges")
