from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from saphan.accounts.models import ApiToken, User


@admin.register(User)
class SaphanUserAdmin(UserAdmin, SimpleHistoryAdmin):
    list_display = ("username", "organisation", "role", "is_active", "last_login")
    list_filter = ("role", "is_active", "organisation__kind")
    add_fieldsets = (
        *(UserAdmin.add_fieldsets or ()),
        ("Saphan", {"fields": ("organisation", "role")}),
    )
    fieldsets = (*(UserAdmin.fieldsets or ()), ("Saphan", {"fields": ("organisation", "role")}))


@admin.register(ApiToken)
class ApiTokenAdmin(SimpleHistoryAdmin):
    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "token_hash", "created_at", "last_used_at")
