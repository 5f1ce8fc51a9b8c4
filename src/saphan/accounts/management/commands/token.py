"""``saphan token create USERNAME`` prints a new API token; ``revoke`` and ``list``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saphan.accounts.models import ApiToken, User
from saphan.accounts.services import api_token_create, api_token_revoke
from saphan.audit.models import AccessAction
from saphan.audit.services import access_log_record


class Command(BaseCommand):
    help = "Create, list or revoke API tokens for /api/v1."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token and print it once.")
        create.add_argument("username")
        create.add_argument("--name", default="", help="What the token is for.")
        listing = sub.add_parser("list", help="List a user's tokens (prefixes only).")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="Revoke a token by its prefix.")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "revoke":
            token = ApiToken.objects.filter(prefix=options["prefix"]).first()
            if token is None:
                raise CommandError(f"No token with prefix {options['prefix']!r}.")
            api_token_revoke(token=token)
            access_log_record(
                user=token.user,
                action=AccessAction.TOKEN,
                via="cli",
                object_type="api_token",
                object_id=token.prefix,
                detail={"event": "revoked"},
            )
            self.stdout.write(f"revoked {token.prefix}")
            return
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user named {options['username']!r}.")
        if action == "create":
            token, raw = api_token_create(user=user, name=options["name"])
            access_log_record(
                user=user,
                action=AccessAction.TOKEN,
                via="cli",
                object_type="api_token",
                object_id=token.prefix,
                detail={"event": "created"},
            )
            self.stdout.write(raw)
        else:
            for token in user.api_tokens.all():
                state = "revoked" if token.revoked_at else "active"
                self.stdout.write(
                    f"{token.prefix}\t{state}\t{token.created_at:%Y-%m-%d}\t{token.name}"
                )
