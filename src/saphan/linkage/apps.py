from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinkageConfig(AppConfig):
    name = "saphan.linkage"
    verbose_name = _("Duplicates and record linkage")
    default_auto_field = "django.db.models.BigAutoField"
