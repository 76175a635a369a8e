from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Migrate, load demo data once in demo mode, and serve with gunicorn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000", help="address:port to listen on")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database ready.")
        if settings.DEMO_MODE:
            call_command("demo")
        url = f"http://{options['bind']}/"
        self.stdout.write(self.style.SUCCESS(f"\nHarbour is at {url}\n"))
        sys.stdout.flush()
        gunicorn = [
            sys.executable,
            "-m",
            "gunicorn",
            "harbour.wsgi:application",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--access-logfile",
            "-",
        ]
        os.execv(sys.executable, gunicorn)  # noqa: S606 - fixed argv, no shell
