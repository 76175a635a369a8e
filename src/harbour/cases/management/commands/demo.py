from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from harbour.cases.demo import ACCOUNTS, DEMO_PASSWORD, DemoRefused, load_demo


class Command(BaseCommand):
    help = "Load the fictional demo organisations, accounts and cases (once)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            created = load_demo()
        except DemoRefused as refusal:
            raise CommandError(str(refusal)) from None
        if created:
            self.stdout.write(self.style.SUCCESS(f"Loaded {created} fictional demo cases."))
        else:
            self.stdout.write("Demo data already loaded.")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for account in ACCOUNTS:
            self.stdout.write(
                f"  {account.username:<14} {account.role.label:<20} {account.organisation}"
            )
