from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from harbour.networks.demo import load_demo_mentions


class Command(BaseCommand):
    help = (
        "In demo mode, name fictional parties on the demo cases (once). "
        "`harbour serve` runs it after `harbour demo`."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE or settings.PRODUCTION:
            self.stdout.write("Not in demo mode: no demo parties.")
            return
        created = load_demo_mentions()
        if created:
            self.stdout.write(self.style.SUCCESS(f"Named {created} fictional parties."))
        else:
            self.stdout.write("Demo parties already named (or no demo cases yet).")
