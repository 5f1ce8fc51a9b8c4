"""The append-only access log: every view of personal data, search, export and refusal.

Model changes are kept separately by django-simple-history (``history`` on each model).
Rows here are never updated or deleted by the application: the model and queryset
refuse it, the admin is read-only, and on PostgreSQL a trigger refuses it as well.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from saphan.policy import AnyUser


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an access-log row."""


class AccessAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    SEARCH = "search", _("Searched")
    EXPORT = "export", _("Exported")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DENIED = "denied", _("Refused (out of scope)")
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logged out")
    TOKEN = "token", _("API token event")
    SHARE = "share", _("Shared with another organisation")
    OVERRIDE = "override", _("Emergency override")


class AccessLogQuerySet(models.QuerySet["AccessLog"]):
    def visible_to(self, user: AnyUser) -> AccessLogQuerySet:
        from saphan import policy

        return policy.scope_access_log(self, user)

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("The access log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("The access log is append-only.")


class AccessLog(models.Model):
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    # Snapshots, so the row still says who it was after a user or organisation changes.
    username = models.CharField(_("username"), max_length=150, blank=True)
    organisation_code = models.CharField(_("organisation"), max_length=40, blank=True)
    role = models.CharField(_("role"), max_length=30, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AccessAction.choices)
    object_type = models.CharField(_("what"), max_length=60, blank=True)
    object_id = models.CharField(_("record"), max_length=64, blank=True)
    province_code = models.CharField(_("province"), max_length=2, blank=True, db_index=True)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    query = models.CharField(_("search or filter"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    path = models.CharField(_("path"), max_length=500, blank=True)
    via = models.CharField(_("channel"), max_length=10, default="web")  # web | api | cli
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access-log entry")
        verbose_name_plural = _("access log")
        indexes = [models.Index(fields=["user", "-at"]), models.Index(fields=["action", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("The access log is append-only.")
