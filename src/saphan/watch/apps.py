from django.apps import AppConfig


class WatchConfig(AppConfig):
    name = "saphan.watch"
    label = "watch"
    verbose_name = "Watch system"
