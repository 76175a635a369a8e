"""Normalisers for values looked up through a blind index.

The same person's number is typed as "(416) 555-0199", "1-416-555-0199" or
"+14165550199"; a blind index only matches if all become one string.
"""

from __future__ import annotations

import re

import phonenumbers

_DOCUMENT_NOISE = re.compile(r"[\s\-./]")


def normalise_phone(raw: str, default_region: str = "CA") -> str:
    """E.164 where the number parses, else its digits (never raises)."""
    text = raw.strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException:
        return re.sub(r"\D", "", text)
    if phonenumbers.is_possible_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return re.sub(r"\D", "", text)


def normalise_document_number(raw: str) -> str:
    return _DOCUMENT_NOISE.sub("", raw).upper()
