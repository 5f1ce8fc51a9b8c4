from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "saphan.core"
    label = "core"
    verbose_name = "Saphan core"
