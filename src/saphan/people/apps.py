from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "saphan.people"
    label = "people"
    verbose_name = "Registry of specific population groups"
