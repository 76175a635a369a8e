from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from harbour.accounts.models import User
from harbour.api.models import ApiToken
from harbour.api.services import issue_token, revoke_tokens
from harbour.audit.services import Actor


class Command(BaseCommand):
    help = (
        "Issue an API token for a user (printed once, stored only as a hash); "
        "--list shows the user's tokens, --revoke NAME withdraws the tokens of that name."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="integration")
        parser.add_argument("--days", type=int, default=90, help="validity; 0 for no expiry")
        parser.add_argument("--list", action="store_true", help="list the user's tokens")
        parser.add_argument("--revoke", metavar="NAME", help="withdraw the tokens of that name")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {options['username']!r}.")
        if options["list"]:
            for token in ApiToken.objects.filter(user=user).order_by("created_at"):
                expires = token.expires_at.date().isoformat() if token.expires_at else "never"
                used = token.last_used_at.date().isoformat() if token.last_used_at else "never"
                self.stdout.write(f"{token.name}\texpires {expires}\tlast used {used}")
            return
        if options["revoke"]:
            count = revoke_tokens(Actor.system("api-token"), user, options["revoke"])
            if not count:
                raise CommandError(f"{user.username} has no token named {options['revoke']!r}.")
            self.stdout.write(f"Revoked {count} token(s) named {options['revoke']!r}.")
            return
        if options["days"] < 0:
            raise CommandError("--days must be 0 or more.")
        raw = issue_token(
            Actor.system("api-token"), user, options["name"], days=options["days"] or None
        )
        self.stdout.write(raw)
