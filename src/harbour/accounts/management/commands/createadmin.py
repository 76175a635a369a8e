from __future__ import annotations

import getpass
import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from harbour.accounts.models import Organisation, Province, Role, User
from harbour.accounts.services import create_organisation, create_staff
from harbour.audit.services import Actor


class Command(BaseCommand):
    help = (
        "Create an organisation admin (or another role) and the organisation if needed. "
        "The password is asked for, or read from HARBOUR_ADMIN_PASSWORD."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--organisation", required=True, help="organisation name")
        parser.add_argument("--province", choices=Province.values, help="for a new organisation")
        parser.add_argument("--role", choices=Role.values, default=Role.ORG_ADMIN.value)
        parser.add_argument("--email", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        if User.objects.filter(username=options["username"]).exists():
            raise CommandError(f"The username {options['username']!r} is taken.")
        password = os.environ.get("HARBOUR_ADMIN_PASSWORD") or getpass.getpass("Password: ")
        actor = Actor.system("createadmin")
        try:
            with transaction.atomic():
                organisation = Organisation.objects.filter(name=options["organisation"]).first()
                if organisation is None:
                    if not options["province"]:
                        raise CommandError(
                            "That organisation does not exist yet: give --province to create it."
                        )
                    organisation = create_organisation(
                        actor, options["organisation"], options["province"]
                    )
                create_staff(
                    actor,
                    organisation,
                    options["username"],
                    password,
                    options["role"],
                    email=options["email"],
                )
        except ValidationError as error:
            raise CommandError("Password refused: " + " ".join(error.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {options['username']} ({options['role']}) in {organisation}. "
                "They set up two-factor at first sign-in."
            )
        )
