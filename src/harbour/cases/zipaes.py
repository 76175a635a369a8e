"""Password-protected ZIP files in the WinZip AES format (AE-2, AES-256).

Case exports leave Harbour for people who do not have it: a legal clinic, a
shelter, the person. A ZIP with AES encryption opens in 7-Zip, WinZip, PeaZip,
Keka and The Unarchiver with the password alone, which no format of our own
would. No AES-ZIP library is a dependency, so the format is written here from
the published specification (https://www.winzip.com/en/support/aes-encryption/)
with `cryptography`'s primitives:

* per file a random 16-byte salt; PBKDF2-HMAC-SHA1 with 1,000 iterations
  derives 32 bytes of AES key, 32 bytes of HMAC key and a 2-byte password
  check;
* the deflated data is encrypted with AES-256 in counter mode, the counter a
  little-endian number starting at 1;
* HMAC-SHA1 over the encrypted data, its first 10 bytes, authenticates it;
* AE-2 sets the CRC to 0 (the HMAC replaces it); compression method 99 and
  extra field 0x9901 say all this.

What the format does not protect: the names and sizes of the files inside
are not encrypted, so exports name their files generically (`case.json`,
`documents/01.pdf`), never after a person. The fixed 1,000 PBKDF2
iterations make each password guess cheap; exports therefore demand a long
password (HARBOUR_EXPORT_MIN_PASSWORD_LENGTH, 14 characters by default).

`read` opens such an archive again (for `harbour open-export` and the tests).
"""

from __future__ import annotations

import hmac
import io
import os
import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

SALT_LENGTH = 16  # AES-256
KEY_LENGTH = 32
ITERATIONS = 1000  # fixed by the format
AUTH_LENGTH = 10
AES_METHOD = 99
DEFLATE = 8
AES_EXTRA_ID = 0x9901
AE_2 = 2
STRENGTH_256 = 3
FLAG_ENCRYPTED = 0x1
FLAG_UTF8 = 0x800
VERSION = 51  # 5.1: AES encryption
CHUNK_BLOCKS = 4096


class ZipAesError(ValueError):
    """The archive is damaged, not in this format, or the password is wrong."""


def _derive(password: bytes, salt: bytes) -> tuple[bytes, bytes, bytes]:
    material = PBKDF2HMAC(
        algorithm=hashes.SHA1(),  # noqa: S303 - fixed by the WinZip AES format
        length=2 * KEY_LENGTH + 2,
        salt=salt,
        iterations=ITERATIONS,
    ).derive(password)
    return material[:KEY_LENGTH], material[KEY_LENGTH : 2 * KEY_LENGTH], material[2 * KEY_LENGTH :]


def _xor(piece: bytes, stream: bytes) -> bytes:
    size = len(piece)
    mixed = int.from_bytes(piece, "little") ^ int.from_bytes(stream[:size], "little")
    return mixed.to_bytes(size, "little")


def _ctr(key: bytes, data: bytes) -> bytes:
    """AES-CTR with WinZip's little-endian counter (from 1), built on ECB blocks:
    encrypting the counter blocks is what counter mode is."""
    encryptor = Cipher(algorithms.AES(key), modes.ECB()).encryptor()  # noqa: S305
    out = io.BytesIO()
    block = 1
    step = CHUNK_BLOCKS * 16
    for start in range(0, len(data), step):
        piece = data[start : start + step]
        blocks = (len(piece) + 15) // 16
        counters = b"".join((block + i).to_bytes(16, "little") for i in range(blocks))
        out.write(_xor(piece, encryptor.update(counters)))
        block += blocks
    return out.getvalue()


def _encrypt_entry(password: bytes, plain: bytes) -> tuple[bytes, int]:
    """The stored bytes of one entry (salt, check, data, HMAC) and its method inside."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    compressed = compressor.compress(plain) + compressor.flush()
    salt = os.urandom(SALT_LENGTH)
    key, mac_key, check = _derive(password, salt)
    encrypted = _ctr(key, compressed)
    mac = hmac.new(mac_key, encrypted, "sha1").digest()[:AUTH_LENGTH]
    return salt + check + encrypted + mac, DEFLATE


def _extra(method: int) -> bytes:
    return struct.pack("<HHH2sBH", AES_EXTRA_ID, 7, AE_2, b"AE", STRENGTH_256, method)


@dataclass(frozen=True)
class _Entry:
    name: bytes
    offset: int
    size: int
    stored_size: int
    method: int


def write(password: str, files: Iterable[tuple[str, bytes]]) -> bytes:
    """A ZIP whose every file is AES-256 encrypted under the password."""
    secret = password.encode("utf-8")
    out = io.BytesIO()
    entries: list[_Entry] = []
    # 1 January 2000, 00:00: a fixed date, so the archive reveals no time.
    dos_time, dos_date = 0, (20 << 9) | (1 << 5) | 1
    for name, plain in files:
        encoded = name.encode("utf-8")
        stored, method = _encrypt_entry(secret, plain)
        extra = _extra(method)
        offset = out.tell()
        out.write(
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                VERSION,
                FLAG_ENCRYPTED | FLAG_UTF8,
                AES_METHOD,
                dos_time,
                dos_date,
                0,  # AE-2: no CRC
                len(stored),
                len(plain),
                len(encoded),
                len(extra),
            )
        )
        out.write(encoded + extra + stored)
        entries.append(_Entry(encoded, offset, len(plain), len(stored), method))
    directory_start = out.tell()
    for entry in entries:
        extra = _extra(entry.method)
        out.write(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                VERSION,
                VERSION,
                FLAG_ENCRYPTED | FLAG_UTF8,
                AES_METHOD,
                dos_time,
                dos_date,
                0,
                entry.stored_size,
                entry.size,
                len(entry.name),
                len(extra),
                0,
                0,
                0,
                0,
                entry.offset,
            )
        )
        out.write(entry.name + extra)
    directory_size = out.tell() - directory_start
    out.write(
        struct.pack(
            "<IHHHHIIH",
            0x06054B50,
            0,
            0,
            len(entries),
            len(entries),
            directory_size,
            directory_start,
            0,
        )
    )
    return out.getvalue()


def read(password: str, data: bytes) -> dict[str, bytes]:
    """Every file of an archive `write` made (or any AE-1/AE-2 AES-256 ZIP), by name."""
    import zipfile

    secret = password.encode("utf-8")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ZipAesError("not a ZIP archive") from None
    result: dict[str, bytes] = {}
    for info in archive.infolist():
        if info.compress_type != AES_METHOD or not info.flag_bits & FLAG_ENCRYPTED:
            raise ZipAesError(f"{info.filename} is not AES-encrypted")
        header = data[info.header_offset : info.header_offset + 30]
        name_length, extra_length = struct.unpack("<HH", header[26:30])
        start = info.header_offset + 30 + name_length
        extra = data[start : start + extra_length]
        method = _aes_method(extra)
        body = data[start + extra_length : start + extra_length + info.compress_size]
        salt, check = body[:SALT_LENGTH], body[SALT_LENGTH : SALT_LENGTH + 2]
        encrypted, mac = body[SALT_LENGTH + 2 : -AUTH_LENGTH], body[-AUTH_LENGTH:]
        key, mac_key, expected_check = _derive(secret, salt)
        if not hmac.compare_digest(check, expected_check):
            raise ZipAesError("wrong password")
        if not hmac.compare_digest(hmac.new(mac_key, encrypted, "sha1").digest()[:10], mac):
            raise ZipAesError(f"{info.filename} is damaged (authentication failed)")
        compressed = _ctr(key, encrypted)
        plain = zlib.decompress(compressed, -15) if method == DEFLATE else compressed
        result[info.filename] = plain
    return result


def _aes_method(extra: bytes) -> int:
    position = 0
    while position + 4 <= len(extra):
        header_id, size = struct.unpack("<HH", extra[position : position + 4])
        if header_id == AES_EXTRA_ID:
            _version, vendor, strength, method = struct.unpack(
                "<H2sBH", extra[position + 4 : position + 4 + size]
            )
            if vendor != b"AE" or strength != STRENGTH_256:
                raise ZipAesError("only AES-256 archives are read")
            return int(method)
        position += 4 + size
    raise ZipAesError("the AES extra field is missing")
