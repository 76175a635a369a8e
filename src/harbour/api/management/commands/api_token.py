from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from harbour.accounts.models import User
from harbour.api.services import issue_token
from harbour.audit.services import Actor


class Command(BaseCommand):
    help = "Issue an API token for a user. It is printed once and stored only as a hash."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="integration")
        parser.add_argument("--days", type=int, default=90, help="validity; 0 for no expiry")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {options['username']!r}.")
        if options["days"] < 0:
            raise CommandError("--days must be 0 or more.")
        raw = issue_token(
            Actor.system("api-token"), user, options["name"], days=options["days"] or None
        )
        self.stdout.write(raw)
