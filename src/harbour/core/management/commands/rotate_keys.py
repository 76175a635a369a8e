from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from harbour.audit.services import Actor, record
from harbour.core.crypto import generate_field_key, parse_field_keys
from harbour.core.keyfiles import write_secret_file
from harbour.core.rotation import count_not_under, reencrypt_all


def _key_file() -> Path | None:
    if os.environ.get("HARBOUR_FIELD_ENCRYPTION_KEYS"):
        return None
    named = os.environ.get("HARBOUR_FIELD_ENCRYPTION_KEYS_FILE")
    if named:
        return Path(named)
    if settings.PRODUCTION:
        return None
    return Path(settings.KEY_DIR) / "field-encryption.keys"


class Command(BaseCommand):
    help = (
        "Put a new field-encryption key first, re-encrypt every encrypted value with it, "
        "then retire the old keys. Stop running servers first. With keys from the "
        "environment, use --reencrypt-only after putting the new key first yourself."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reencrypt-only",
            action="store_true",
            help="do not touch key files; re-encrypt under the first configured key",
        )
        parser.add_argument(
            "--keep-old", action="store_true", help="keep old keys in the key file afterwards"
        )

    def _progress(self, label: str, done: int, total: int) -> None:
        self.stdout.write(f"  {label}: {done}/{total}")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reencrypt_only"]:
            count = reencrypt_all(self._progress)
            record(
                Actor.system("rotate-keys"),
                "keys.reencrypt",
                detail={"values": count, "keys_kept": "all"},
            )
            self.stdout.write(self.style.SUCCESS(f"Re-encrypted {count} values."))
            return
        path = _key_file()
        if path is None:
            raise CommandError(
                "The field keys come from HARBOUR_FIELD_ENCRYPTION_KEYS, which this command cannot "
                "change. Generate a key, put it first in that variable (old ones after it), "
                "restart, then run `harbour rotate-keys --reencrypt-only`."
            )
        old_keys = [k.strip() for k in settings.FIELD_ENCRYPTION_KEYS.split(",") if k.strip()]
        parse_field_keys(",".join(old_keys))
        new_key = generate_field_key()
        # Step 1: the new key goes first while the old ones still decrypt; a crash
        # after this point leaves a key file that reads every row.
        write_secret_file(path, "\n".join([new_key, *old_keys]))
        settings.FIELD_ENCRYPTION_KEYS = ",".join([new_key, *old_keys])
        self.stdout.write(f"New key written first in {path}. Re-encrypting:")
        count = reencrypt_all(self._progress)
        # Step 2: only when every stored value opens with the new key alone are
        # the old keys dropped. A server still running with the old key file
        # may have written under the old key meanwhile: one more pass catches
        # those; if they keep coming, the old keys stay.
        stragglers = count_not_under(new_key)
        if stragglers:
            count += reencrypt_all()
            stragglers = count_not_under(new_key)
        if stragglers:
            self.stderr.write(
                f"{stragglers} values were written under an old key while rotating: another "
                "Harbour process is still running with the old key file. The old keys were KEPT. "
                "Stop every server, then run `harbour rotate-keys --reencrypt-only`."
            )
            options["keep_old"] = True
        if not options["keep_old"]:
            write_secret_file(path, new_key)
            settings.FIELD_ENCRYPTION_KEYS = new_key
        record(
            Actor.system("rotate-keys"),
            "keys.rotate",
            detail={"values": count, "keys_kept": "all" if options["keep_old"] else "new"},
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Re-encrypted {count} values. "
                + ("Old keys kept." if options["keep_old"] else "Old keys removed.")
                + " Restart running servers so they load the new key file."
            )
        )
