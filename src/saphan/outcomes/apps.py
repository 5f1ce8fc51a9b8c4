from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "saphan.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes partnerships"
