from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "saphan.rights"
    label = "rights"
    verbose_name = "Welfare rights"
