from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "saphan.api"
    label = "saphan_api"
    verbose_name = "API"
