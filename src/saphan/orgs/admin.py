from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from saphan.orgs.models import Organisation, Training


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name_th", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name_th", "name_en")
    filter_horizontal = ("provinces",)


@admin.register(Training)
class TrainingAdmin(SimpleHistoryAdmin):
    """Read-only here: trainings are recorded on the capacity pages (``training_record``
    checks the organisation and writes the access log)."""

    list_display = ("attended_on", "organisation", "attendee", "title", "topic", "hours")
    list_filter = ("topic",)
    search_fields = ("title", "provider", "organisation__code")
    date_hierarchy = "attended_on"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
