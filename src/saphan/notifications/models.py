"""In-app notifications: one row per recipient, rendered in the reader's language.

Senders (cases, watch) call ``services.notification_send``; every read goes through
``Notification.objects.visible_to(user)`` (``policy.scope_notifications``: one's own).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saphan.notifications.kinds import (
    KEY_MAX_LENGTH,
    LINK_MAX_LENGTH,
    NotificationKind,
    link_is_safe,
    message_in,
    message_render,
    validate_link,
)

if TYPE_CHECKING:
    from saphan.policy import AnyUser


class NotificationQuerySet(models.QuerySet["Notification"]):
    def visible_to(self, user: AnyUser) -> NotificationQuerySet:
        from saphan import policy

        return policy.scope_notifications(self, user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    # The composite index below starts with the user, so no separate FK index.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=40, choices=NotificationKind.choices)
    #: Short, non-personal values for the message (never a person's name or ID: PDPA).
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    link = models.CharField(
        _("link"), max_length=LINK_MAX_LENGTH, blank=True, validators=[validate_link]
    )
    #: A de-duplication key: a user gets at most one notification per non-blank key.
    key = models.CharField(_("key"), max_length=KEY_MAX_LENGTH, blank=True, default="")
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"],
                condition=~Q(key=""),
                name="notifications_user_key_unique",
            ),
        ]
        indexes = [
            models.Index(
                fields=["user", "read_at", "created_at"], name="notifications_user_read_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.message

    @property
    def message(self) -> str:
        """The sentence in the active language."""
        return message_render(self.kind, self.params)

    def message_in(self, language: str) -> str:
        return message_in(self.kind, self.params, language)

    @property
    def safe_link(self) -> str:
        """The link if it is a path on this site, else '' (checked again on output)."""
        return self.link if link_is_safe(self.link) else ""

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
