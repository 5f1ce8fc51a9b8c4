from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "saphan.dashboard"
    label = "dashboard"
    verbose_name = "Dashboards"
