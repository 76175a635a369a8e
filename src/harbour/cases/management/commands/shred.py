"""`harbour shred`: remove the personal data of closed cases past retention."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import ProtectedError

from harbour.audit.services import Actor, record
from harbour.cases import services


class Command(BaseCommand):
    help = (
        "Shred closed cases whose retention period has ended (HARBOUR_RETENTION_YEARS or the "
        "organisation's own): the case, its notes, tasks, screenings, documents and navigator "
        "facts, and the person when no other case of theirs remains. Cases under legal hold "
        "are kept. --dry-run lists what would go (references and dates only)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list, change nothing")
        parser.add_argument(
            "--on", type=datetime.date.fromisoformat, help="the day to judge by (YYYY-MM-DD)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day = options["on"]
        schedule = services.shredding_schedule(on=day)
        due = [item for item in schedule if not item.held]
        held = [item for item in schedule if item.held]
        for item in held:
            self.stdout.write(f"held   {item.case.reference}  due {item.due_on}  (legal hold)")
        if options["dry_run"]:
            for item in due:
                self.stdout.write(
                    f"would shred {item.case.reference}  closed {item.case.closed_on}  "
                    f"due {item.due_on}"
                )
            self.stdout.write(f"{len(due)} case(s) would be shredded; {len(held)} held.")
            return
        actor = Actor.system("shred")
        shredded, failed = 0, 0
        for item in due:
            try:
                report = services.shred_case(actor, item.case, on=day)
            except (services.NotAllowed, ProtectedError) as problem:
                failed += 1
                self.stderr.write(f"kept   {item.case.reference}: {type(problem).__name__}")
                continue
            shredded += 1
            self.stdout.write(f"shredded {report.reference}  {report.removed}")
        record(
            actor, "shred.run", detail={"shredded": shredded, "held": len(held), "failed": failed}
        )
        self._compact()
        self.stdout.write(self.style.SUCCESS(f"{shredded} case(s) shredded; {len(held)} held."))
        if failed:
            raise CommandError(f"{failed} case(s) could not be shredded (see above).")

    def _compact(self) -> None:
        """Leave no copy of deleted rows behind: SQLite overwrites them
        (secure_delete) and the WAL is folded in; PostgreSQL reclaims dead
        rows with VACUUM. Skipped inside an enclosing transaction (tests)."""
        if transaction.get_connection().in_atomic_block:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            elif connection.vendor == "postgresql":
                cursor.execute("VACUUM")
