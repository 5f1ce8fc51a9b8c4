from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "saphan.orgs"
    label = "orgs"
    verbose_name = "Organisations"
