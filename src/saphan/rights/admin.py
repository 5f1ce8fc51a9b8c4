"""The catalogue is edited here: a new rate or limit is a new dated row, not a code
change. Recorded statuses are read-only here (they are written through the services,
which check scope and write the access log)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from saphan.rights.models import PersonRight, Scheme, SchemeRate, SchemeThreshold


class SchemeRateInline(admin.TabularInline):
    model = SchemeRate
    extra = 0
    fields = ("valid_from", "valid_to", "min_age", "max_age", "monthly_amount", "note")


class SchemeThresholdInline(admin.TabularInline):
    model = SchemeThreshold
    extra = 0
    fields = ("code", "valid_from", "valid_to", "value", "note")


@admin.register(Scheme)
class SchemeAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name_th", "name_en", "means_tested", "is_cash", "sort_order")
    list_editable = ("sort_order",)
    readonly_fields = ("code",)
    inlines = (SchemeRateInline, SchemeThresholdInline)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # The rules in code refer to schemes by code: close rates instead of deleting.
        return False


@admin.register(SchemeRate)
class SchemeRateAdmin(SimpleHistoryAdmin):
    list_display = ("scheme", "valid_from", "valid_to", "min_age", "max_age", "monthly_amount")
    list_filter = ("scheme",)


@admin.register(SchemeThreshold)
class SchemeThresholdAdmin(SimpleHistoryAdmin):
    list_display = ("scheme", "code", "valid_from", "valid_to", "value")
    list_filter = ("scheme", "code")


@admin.register(PersonRight)
class PersonRightAdmin(SimpleHistoryAdmin):
    list_display = ("scheme", "status", "status_on", "organisation", "updated_at")
    list_filter = ("scheme", "status")
    # No names and no search: an administrator does not read person records here.
    fields = ("scheme", "status", "status_on", "organisation", "updated_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
