"""Creating the key files of a new single-machine installation.

Runs before Django starts (settings refuse to load without keys), so it uses
no Django import. Files are created 0600 inside a 0700 folder, and never
overwritten: losing the field key loses every case file.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet

KEY_FILES = {
    "secret.key": lambda: secrets.token_urlsafe(50),
    "field-encryption.keys": lambda: Fernet.generate_key().decode("ascii"),
    "index.key": lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii"),
}


def write_secret_file(path: Path, content: str) -> None:
    """Write atomically with mode 0600 from the first byte."""
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(content + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def ensure_key_files(data_dir: Path) -> list[Path]:
    """Create missing key files; return the ones created."""
    # The data folder holds the database too: other local accounts get no way in.
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(data_dir, 0o700)
    (data_dir / "static").mkdir(exist_ok=True)
    key_dir = data_dir / "keys"
    key_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(key_dir, 0o700)
    created = []
    for name, make in KEY_FILES.items():
        path = key_dir / name
        if not path.exists():
            write_secret_file(path, make())
            created.append(path)
    return created
