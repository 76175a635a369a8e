from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from harbour.directory.seed import load_demo_directory
from harbour.knowledge.loader import KnowledgeError


class Command(BaseCommand):
    help = "Load or refresh the fictional services directory (demo; refused in production)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            created = load_demo_directory()
        except KnowledgeError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Fictional directory loaded ({created} new services).")
