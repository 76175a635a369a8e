from __future__ import annotations

import os
import subprocess
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
        parser.add_argument(
            "--no-task-worker",
            action="store_true",
            help="do not start a background-job worker (run `harbour db_worker` separately)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database ready.")
        if settings.DEMO_MODE:
            call_command("demo")
            call_command("demo_networks")  # parties on the demo cases, now that they exist
        if not options["no_task_worker"] and _uses_database_tasks():
            # One worker for background jobs (imports, re-linkage) beside the web
            # server, so that one command runs everything. It shares the
            # terminal's process group: Ctrl+C stops both.
            subprocess.Popen([sys.executable, "-m", "harbour.cli", "db_worker", "--interval", "1"])
            self.stdout.write("Background-job worker started.")
        url = f"http://{options['bind']}/"
        self.stdout.write(self.style.SUCCESS(f"\nHarbour is at {url}\n"))
        sys.stdout.flush()
        gunicorn = [
            sys.executable,
            "-m",
            "gunicorn",
            # The logger that keeps public-site visitors out of the access log.
            "--config",
            "python:harbour.core.gunicorn_conf",
            "harbour.wsgi:application",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--access-logfile",
            "-",
        ]
        os.execv(sys.executable, gunicorn)  # noqa: S606 - fixed argv, no shell


def _uses_database_tasks() -> bool:
    if settings.HARBOUR_SITE == "public":
        return False  # the public site starts no background job
    backend = str(settings.TASKS.get("default", {}).get("BACKEND", ""))
    return backend.startswith("django_tasks_db.")
