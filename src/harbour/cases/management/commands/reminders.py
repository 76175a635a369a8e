"""`harbour reminders`: e-mail each member of staff how many of their tasks
have a reminder today. Run it once a day (cron, a systemd timer); running it
again the same day sends nothing more."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse
from django.utils import timezone

from harbour.audit.services import Actor
from harbour.cases import services


def default_site_url() -> str:
    configured = getattr(settings, "HARBOUR_SITE_URL", "")
    if configured:
        return str(configured)
    hosts = [host for host in settings.ALLOWED_HOSTS if host and "*" not in host]
    if settings.PRODUCTION and hosts:
        return f"https://{hosts[0].lstrip('.')}"
    return "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = "E-mail each user the number of their tasks with a reminder today (no personal data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="say who would get an e-mail; send nothing"
        )
        parser.add_argument(
            "--date", help="the day to remind for, YYYY-MM-DD (default: today)", default=""
        )
        parser.add_argument(
            "--site-url",
            default="",
            help="address of Harbour for the sign-in link (default: HARBOUR_SITE_URL "
            "or the first allowed host)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = (
                datetime.date.fromisoformat(options["date"])
                if options["date"]
                else timezone.localdate()
            )
        except ValueError:
            raise CommandError("--date must be a date as YYYY-MM-DD.") from None
        if not options["dry_run"] and settings.EMAIL_BACKEND.endswith("dummy.EmailBackend"):
            raise CommandError(
                "No mail server is configured: set HARBOUR_EMAIL_HOST (docs/configuration.md)."
            )
        site = (options["site_url"] or default_site_url()).rstrip("/")
        sign_in = site + reverse("accounts:login")
        if options["dry_run"]:
            plans = services.reminder_digests_due(day)
            for plan in plans:
                self.stdout.write(f"would e-mail {plan.user.get_username()}: {plan.task_count}")
            self.stdout.write(f"{len(plans)} reminder e-mail(s) would be sent for {day}.")
            return
        sent = services.send_reminder_digests(Actor.system("reminders"), day, sign_in)
        for plan in sent:
            self.stdout.write(f"e-mailed {plan.user.get_username()}: {plan.task_count}")
        self.stdout.write(f"{len(sent)} reminder e-mail(s) sent for {day}.")
