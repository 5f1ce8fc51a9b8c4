from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "saphan.intake"
    verbose_name = _("Bulk import")
    default_auto_field = "django.db.models.BigAutoField"
