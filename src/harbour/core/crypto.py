"""Field encryption and blind indexes, with keys that are not SECRET_KEY.

Encryption is Fernet (AES-128-CBC with HMAC-SHA256, authenticated) through
MultiFernet: the first key encrypts, every key decrypts, so a new key can be
put first and old values re-encrypted at leisure (`harbour rotate-keys`).

A blind index is an HMAC of a normalised value under a separate key. It lets
the database answer "which person has this phone number" without ever
holding the number, at the cost of revealing which rows share a value.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Encrypted values carry this prefix so that a plaintext value that slipped in
# (an old row, a manual edit) is detected instead of being mistaken for a token.
TOKEN_PREFIX = "hb1:"  # noqa: S105 - a format marker, not a secret


class DecryptionError(Exception):
    """An encrypted value could not be read with any configured key."""


def parse_field_keys(raw: str) -> list[Fernet]:
    keys = [item.strip() for item in raw.replace("\n", ",").split(",") if item.strip()]
    if not keys:
        raise ImproperlyConfigured("HARBOUR_FIELD_ENCRYPTION_KEYS holds no key.")
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key.encode("ascii")))
        except (ValueError, UnicodeEncodeError):
            raise ImproperlyConfigured(
                f"HARBOUR_FIELD_ENCRYPTION_KEYS: key {position} is not a valid Fernet key "
                "(32 url-safe base64-encoded bytes)."
            ) from None
    return fernets


@cache
def _cipher_for(raw_keys: str) -> MultiFernet:
    return MultiFernet(parse_field_keys(raw_keys))


def cipher() -> MultiFernet:
    # Keyed on the raw setting so tests and key rotation that change the
    # setting get a fresh cipher without a process restart.
    return _cipher_for(settings.FIELD_ENCRYPTION_KEYS)


def encrypt(plaintext: str) -> str:
    token = cipher().encrypt(plaintext.encode("utf-8"))
    return TOKEN_PREFIX + token.decode("ascii")


def decrypt(stored: str) -> str:
    if not stored.startswith(TOKEN_PREFIX):
        raise DecryptionError("value is not an encrypted token")
    try:
        return cipher().decrypt(stored[len(TOKEN_PREFIX) :].encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise DecryptionError("no configured key decrypts this value") from None


def reencrypt(stored: str) -> str:
    """Re-encrypt a stored token under the current first key."""
    if not stored.startswith(TOKEN_PREFIX):
        raise DecryptionError("value is not an encrypted token")
    try:
        token = cipher().rotate(stored[len(TOKEN_PREFIX) :].encode("ascii"))
    except InvalidToken:
        raise DecryptionError("no configured key decrypts this value") from None
    return TOKEN_PREFIX + token.decode("ascii")


def parse_index_key(raw_index_key: str) -> bytes:
    try:
        material = base64.urlsafe_b64decode(raw_index_key.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise ImproperlyConfigured("HARBOUR_INDEX_KEY is not url-safe base64.") from None
    if len(material) < 32:
        raise ImproperlyConfigured("HARBOUR_INDEX_KEY must hold at least 32 random bytes.")
    return material


@cache
def _derived_key(raw_index_key: str, purpose: str) -> bytes:
    material = parse_index_key(raw_index_key)
    # HKDF separates purposes: the blind index and the audit chain never share
    # a key, even though operators manage a single secret.
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode("ascii")
    ).derive(material)


def keyed_digest(purpose: str, message: bytes) -> str:
    key = _derived_key(settings.INDEX_KEY, purpose)
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def blind_index(kind: str, normalised_value: str) -> str:
    """HMAC of a normalised value; `kind` keeps phone and document spaces apart."""
    return keyed_digest("harbour-blind-index-v1", f"{kind}\x00{normalised_value}".encode())


def generate_field_key() -> str:
    return Fernet.generate_key().decode("ascii")


def generate_index_key() -> str:
    import secrets

    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")
