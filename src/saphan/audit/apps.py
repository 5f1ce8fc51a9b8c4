from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "saphan.audit"
    label = "audit"
    verbose_name = "Audit"
