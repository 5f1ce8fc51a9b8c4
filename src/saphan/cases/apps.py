from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "saphan.cases"
    label = "cases"
    verbose_name = "Case management and referrals"
