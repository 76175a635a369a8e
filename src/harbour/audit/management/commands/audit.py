from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from harbour.audit.services import verify_chain


class Command(BaseCommand):
    help = "Audit trail tools. `audit verify` checks that no event was edited, added or deleted."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"], help="what to do with the audit trail")

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_chain()
        if result.intact:
            self.stdout.write(self.style.SUCCESS(f"Audit trail intact: {result.checked} events."))
            return
        for problem in result.problems:
            self.stderr.write(problem)
        raise CommandError(
            f"Audit trail BROKEN: {len(result.problems)} problem(s) in {result.checked} events; "
            f"the first: {result.problems[0]}."
        )
