"""Read-only back-office views of possible duplicates and merges.

No names and no search: administrators do not read person records (least privilege),
so records appear by their internal number only (never through a foreign key, whose
display would be the person's name). Decisions are made on the review pages
(``/duplicates/``), through the services that check scope and write the access log."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from saphan.linkage.models import DuplicateCandidate, PersonMerge


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(DuplicateCandidate)
class DuplicateCandidateAdmin(_ReadOnly):
    list_display = ("pk", "low", "high", "match_probability", "source", "status", "found_at")
    list_filter = ("status", "source")
    fields = (
        "low",
        "high",
        "match_probability",
        "evidence",
        "source",
        "status",
        "found_at",
        "decided_at",
    )
    readonly_fields = fields

    @admin.display(description=_("record (lower number)"))
    def low(self, obj: DuplicateCandidate) -> int:
        return obj.person_low_id

    @admin.display(description=_("record (higher number)"))
    def high(self, obj: DuplicateCandidate) -> int:
        return obj.person_high_id


@admin.register(PersonMerge)
class PersonMergeAdmin(_ReadOnly):
    list_display = ("uid", "kept_record", "merged_record", "merged_at", "undone_at")
    fields = (
        "uid",
        "kept_record",
        "merged_record",
        "moved",
        "kept",
        "merged_at",
        "undone_at",
    )
    readonly_fields = fields

    @admin.display(description=_("record kept"))
    def kept_record(self, obj: PersonMerge) -> int:
        return obj.survivor_id

    @admin.display(description=_("record merged"))
    def merged_record(self, obj: PersonMerge) -> int:
        return obj.merged_id
