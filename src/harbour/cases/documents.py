"""Case documents: what kind a file really is, and keeping its bytes encrypted.

The kind is read from the file's first bytes (and, for office files, from the
names inside the zip), never from the browser's content type alone: a file
that says it is a PDF but holds a program is refused. The name's extension
must agree with what the bytes are.

Stored files are Fernet tokens under the field-encryption keys (MultiFernet,
as for encrypted fields), so `harbour rotate-keys` re-encrypts them too. On
disk a file is named by random hex only: nothing in the folder names a
person, a case or the original file name.
"""

from __future__ import annotations

import io
import os
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.utils.translation import gettext as _

from harbour.core import crypto


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    content_type: str
    extensions: tuple[str, ...]


KINDS = {
    kind.code: kind
    for kind in (
        Kind("pdf", "PDF", "application/pdf", (".pdf",)),
        Kind("jpeg", "JPEG", "image/jpeg", (".jpg", ".jpeg")),
        Kind("png", "PNG", "image/png", (".png",)),
        Kind("heic", "HEIC", "image/heic", (".heic", ".heif")),
        Kind(
            "docx",
            "Word (DOCX)",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (".docx",),
        ),
        Kind(
            "xlsx",
            "Excel (XLSX)",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            (".xlsx",),
        ),
        Kind(
            "odt", "OpenDocument text (ODT)", "application/vnd.oasis.opendocument.text", (".odt",)
        ),
        Kind("text", "plain text", "text/plain; charset=utf-8", (".txt",)),
    )
}
HEIC_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1")
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


class DocumentRefused(ValueError):
    """A file Harbour does not keep; the message says why, for people."""


def allowed_kinds_text() -> str:
    return ", ".join(kind.label for kind in KINDS.values())


def max_bytes() -> int:
    return int(settings.UPLOAD_MAX_MB) * 1024 * 1024


def _zip_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODT_MIMETYPE:
                return "odt"
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, NotImplementedError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(name.endswith("vbaProject.bin") for name in names):
        return None  # macro-enabled: refused with everything else unknown
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True


def sniff(data: bytes) -> str | None:
    """The kind the bytes are, or None if they are none of the allowed kinds."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(data) >= 12 and data[4:8] == b"ftyp" and data[8:12] in HEIC_BRANDS:
        return "heic"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if data and _is_text(data):
        return "text"
    return None


def check_upload(data: bytes, filename: str) -> Kind:
    """The file's kind if Harbour keeps it; DocumentRefused with a clear message otherwise."""
    if len(data) > max_bytes():
        raise DocumentRefused(
            _("The file is larger than %(limit)s MB.") % {"limit": settings.UPLOAD_MAX_MB}
        )
    if not data:
        raise DocumentRefused(_("The file is empty."))
    code = sniff(data)
    if code is None:
        raise DocumentRefused(
            _("This kind of file cannot be kept. Allowed: %(kinds)s.")
            % {"kinds": allowed_kinds_text()}
        )
    kind = KINDS[code]
    extension = Path(filename).suffix.lower()
    if extension not in kind.extensions:
        raise DocumentRefused(
            _("The file's content is %(kind)s, but its name ends in “%(extension)s”.")
            % {"kind": kind.label, "extension": extension or _("(nothing)")}
        )
    return kind


# --- Encrypted storage ---------------------------------------------------------------------


def _root() -> Path:
    root = Path(settings.DOCUMENT_ROOT)
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    return root


def _path(storage_name: str) -> Path:
    if not storage_name.isalnum():  # random hex only: never a path
        raise ValueError("not a storage name")
    return _root() / f"{storage_name}.bin"


def _write_atomically(path: Path, token: bytes) -> None:
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(token)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def store(data: bytes) -> str:
    """Encrypt and write the bytes under a new random name; returns the name."""
    storage_name = secrets.token_hex(16)
    _write_atomically(_path(storage_name), crypto.cipher().encrypt(data))
    return storage_name


def read(storage_name: str) -> bytes:
    token = _path(storage_name).read_bytes()
    try:
        return crypto.cipher().decrypt(token)
    except InvalidToken:
        raise crypto.DecryptionError("no configured key decrypts this document") from None


def remove(storage_name: str) -> None:
    _path(storage_name).unlink(missing_ok=True)


def reencrypt_stored(storage_name: str) -> None:
    path = _path(storage_name)
    if path.exists():
        _write_atomically(path, crypto.cipher().rotate(path.read_bytes()))


def stored_opens_with(storage_name: str, fernet: Any) -> bool:
    path = _path(storage_name)
    if not path.exists():
        return True
    try:
        fernet.decrypt(path.read_bytes())
    except InvalidToken:
        return False
    return True
