"""Re-encrypting every encrypted value under the current first key."""

from __future__ import annotations

from collections.abc import Callable

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.db import connection, models, transaction

from harbour.core.crypto import TOKEN_PREFIX
from harbour.core.fields import encrypted_field_names

Progress = Callable[[str, int, int], None]


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    found = []
    for model in apps.get_models():
        names = encrypted_field_names(model)
        if names:
            found.append((model, names))
    return found


def encrypted_file_models() -> list[type[models.Model]]:
    """Models whose rows keep an encrypted file outside the database (case
    documents): they say how to re-encrypt it and whether a key opens it."""
    return [
        model
        for model in apps.get_models()
        if hasattr(model, "reencrypt_file") and hasattr(model, "file_opens_with")
    ]


def reencrypt_all(progress: Progress | None = None, batch: int = 500) -> int:
    """Read every encrypted value (any configured key decrypts) and write it
    back, which encrypts under the first key. One transaction: a failure
    leaves every row as it was. Encrypted files are rewritten one by one,
    each atomically; any configured key still opens those not yet done."""
    rewritten = 0
    with transaction.atomic():
        for model in encrypted_file_models():
            for stored in model._default_manager.order_by("pk").iterator(batch):
                stored.reencrypt_file()  # type: ignore[attr-defined]
                rewritten += 1
        for model, names in encrypted_fields():
            label = model._meta.label
            total = model._default_manager.count()
            rows = model._default_manager.order_by("pk").values_list("pk", *names)
            for done, row in enumerate(rows.iterator(batch), start=1):
                pk, values = row[0], dict(zip(names, row[1:], strict=True))
                changed = {name: value for name, value in values.items() if value not in (None, "")}
                if changed:
                    model._default_manager.filter(pk=pk).update(**changed)
                    rewritten += len(changed)
                if progress and (done % batch == 0 or done == total):
                    progress(label, done, total)
    return rewritten


def count_not_under(key: str) -> int:
    """How many stored values the given key alone cannot open.

    Reads the raw columns: a server still running with the old key file may
    have written values under the old key after re-encryption began, and
    dropping the old key then would make them unreadable.
    """
    fernet = Fernet(key.encode("ascii"))
    stragglers = 0
    for model in encrypted_file_models():
        for stored in model._default_manager.iterator():
            if not stored.file_opens_with(fernet):  # type: ignore[attr-defined]
                stragglers += 1
    with connection.cursor() as cursor:
        for model, names in encrypted_fields():
            fields = model._meta.concrete_fields
            columns = [field.column for field in fields if field.attname in names]
            quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT {quoted} FROM {table}")  # noqa: S608 - names from models
            for row in cursor.fetchall():
                for value in row:
                    if not value:
                        continue
                    try:
                        fernet.decrypt(value[len(TOKEN_PREFIX) :].encode("ascii"))
                    except (InvalidToken, ValueError):
                        stragglers += 1
    return stragglers
