from django.contrib import admin
from django.http import HttpRequest

from saphan.geo.models import District, Province, Subdistrict


class ReadOnly(admin.ModelAdmin):
    """Geography comes from geothai (``saphan geo_load``), not from hand edits."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Province)
class ProvinceAdmin(ReadOnly):
    list_display = ("code", "name_th", "name_en", "is_project_province")
    list_filter = ("is_project_province",)


@admin.register(District)
class DistrictAdmin(ReadOnly):
    list_display = ("code", "name_th", "name_en", "province")
    search_fields = ("code", "name_th", "name_en")


@admin.register(Subdistrict)
class SubdistrictAdmin(ReadOnly):
    list_display = ("code", "name_th", "name_en", "district", "postal_codes")
    search_fields = ("code", "name_th", "name_en")
