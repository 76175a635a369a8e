"""Normalisers for values looked up through a blind index.

The same person's number is typed as "(416) 555-0199", "1-416-555-0199" or
"+14165550199"; a blind index only matches if all become one string.
"""

from __future__ import annotations

import re

import phonenumbers

_DOCUMENT_NOISE = re.compile(r"[\s\-./]")


def _e164(text: str, default_region: str) -> str:
    try:
        number = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException:
        return ""
    if phonenumbers.is_possible_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return ""


def _normalise_phone_once(text: str, default_region: str) -> str:
    text = text.strip()
    if not text:
        return ""
    if found := _e164(text, default_region):
        return found
    digits = phonenumbers.normalize_digits_only(text)
    if not digits:
        return ""
    return _e164(digits, default_region) or digits


def normalise_phone(raw: str, default_region: str = "CA") -> str:
    """E.164 where the number parses, else its digits (never raises).

    Idempotent, so that a value normalised twice gets the same blind index:
    text that does not parse (a stray word, as in "416 555 0142 cell") has its
    digits tried again, and the result is normalised until it stops changing
    (phonenumbers strips one more leading zero per pass from degenerate numbers
    such as "+49000000").
    """
    value = _normalise_phone_once(raw, default_region)
    for _ in range(20):
        again = _normalise_phone_once(value, default_region)
        if again == value:
            break
        value = again
    return value


def normalise_document_number(raw: str) -> str:
    return _DOCUMENT_NOISE.sub("", raw).upper()
