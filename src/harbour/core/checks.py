"""`harbour check --deploy`: warnings about how an installation is laid out."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register

KEY_FILE_VARIABLES = (
    "HARBOUR_SECRET_KEY_FILE",
    "HARBOUR_FIELD_ENCRYPTION_KEYS_FILE",
    "HARBOUR_INDEX_KEY_FILE",
)


@register(Tags.security, deploy=True)
def key_files_outside_the_data_folder(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """In production a key file must not sit in the data folder.

    A backup, a copy or a stolen disk of the data folder would then carry the
    database and the keys that open it together.
    """
    if not settings.PRODUCTION:
        return []
    data_dir = Path(settings.DATA_DIR).resolve()
    warnings = []
    for variable in KEY_FILE_VARIABLES:
        named = os.environ.get(variable)
        if not named:
            continue
        path = Path(named).resolve()
        if path.is_relative_to(data_dir):
            warnings.append(
                Warning(
                    f"{variable} names {path}, inside the data folder {data_dir}.",
                    hint="Keep key files on another volume (a secrets mount such as "
                    "/run/secrets), so that the data folder and its backups never hold "
                    "the keys that open them.",
                    id="harbour.W001",
                )
            )
    return warnings
