from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from saphan.orgs.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name_th", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name_th", "name_en")
    filter_horizontal = ("provinces",)
