from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "saphan.geo"
    label = "geo"
    verbose_name = "Thai geography"
