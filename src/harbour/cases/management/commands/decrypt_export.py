"""`harbour decrypt-export FILE --out DIR`: open a case export without 7-Zip."""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from harbour.cases import zipaes


class Command(BaseCommand):
    help = (
        "Extract a case export (an AES-256 ZIP) into a folder. Any tool that opens AES ZIP "
        "files (7-Zip, WinZip, Keka, The Unarchiver) does the same. The password is asked "
        "for, or read from HARBOUR_EXPORT_PASSWORD."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--out", required=True, help="folder to extract into (created)")

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("HARBOUR_EXPORT_PASSWORD") or getpass.getpass("Password: ")
        try:
            files = zipaes.read(password, Path(options["file"]).read_bytes())
        except OSError as error:
            raise CommandError(f"cannot read {options['file']}: {error.strerror}") from None
        except zipaes.ZipAesError as error:
            raise CommandError(str(error)) from None
        out = Path(options["out"]).resolve()
        for name, data in files.items():
            target = (out / name).resolve()
            if out not in target.parents:
                raise CommandError(f"refusing a file outside the folder: {name}")
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            target.write_bytes(data)
            target.chmod(0o600)
        self.stdout.write(f"Extracted {len(files)} files into {out}")
