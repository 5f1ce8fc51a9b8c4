from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "saphan.accounts"
    label = "accounts"
    verbose_name = "Users and API tokens"
