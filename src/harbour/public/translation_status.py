"""Whether a fluent speaker has reviewed a language of the public site.

Each public catalogue (`public/locale/<lang>/LC_MESSAGES/django.po`) says so in its
header, `X-Harbour-Reviewed: yes` or `no`; pages show a discreet "translation not
yet reviewed" note until it says yes. English is the language the texts are written
in, so it needs no review. A catalogue that is missing, unreadable or without the
header counts as not reviewed: the note is the safe default.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

from django.utils.translation import to_locale

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
HEADER = "X-Harbour-Reviewed"
SOURCE_LANGUAGE = "en"


def catalogue_path(language_code: str) -> Path:
    return LOCALE_DIR / to_locale(language_code) / "LC_MESSAGES" / "django.po"


def po_header(path: Path) -> dict[str, str]:
    """The header fields of a .po file: the msgstr of its first, empty msgid."""
    lines = path.read_text(encoding="utf-8").splitlines()
    parts: list[str] = []
    in_header = False
    for line in lines:
        stripped = line.strip()
        if not in_header:
            if stripped == 'msgstr ""':
                in_header = True
            continue
        if not stripped.startswith('"'):
            break
        # Each line is a C-style quoted string; Python's literal syntax reads it.
        parts.append(ast.literal_eval(stripped))
    fields: dict[str, str] = {}
    for entry in "".join(parts).split("\n"):
        name, _, value = entry.partition(":")
        if name.strip():
            fields[name.strip()] = value.strip()
    return fields


@functools.lru_cache(maxsize=16)
def is_reviewed(language_code: str) -> bool:
    """True when the language's public catalogue says a fluent speaker reviewed it."""
    if language_code == SOURCE_LANGUAGE:
        return True
    try:
        header = po_header(catalogue_path(language_code))
    except (OSError, ValueError, SyntaxError):
        return False
    return header.get(HEADER, "").lower() == "yes"
