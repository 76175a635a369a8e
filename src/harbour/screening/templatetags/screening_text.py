"""Pick one language out of the catalogue's bilingual texts.

Catalogue and engine texts carry every language as an attribute (`.en`, `.fr`).
The staff interface shows them in its own language; the questions of an
interview are shown in the interview's language, which may differ.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.utils import translation

register = template.Library()

FALLBACK = "en"


def language_code(code: str | None = None) -> str:
    """The two-letter code of `code`, or of the active staff language."""
    return (code or translation.get_language() or FALLBACK).split("-")[0].lower()


def in_language(text: Any, code: str | None = None) -> str:
    """The text in that language; English when the catalogue lacks it."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    value = getattr(text, language_code(code), None) or getattr(text, FALLBACK, "")
    return str(value)


@register.filter(name="staff_text")
def staff_text(text: Any) -> str:
    """`{{ reading.title|staff_text }}`: in the staff interface's language."""
    return in_language(text)


@register.filter(name="interview_text")
def interview_text(text: Any, code: str) -> str:
    """`{{ indicator.question|interview_text:assessment.interview_language }}`."""
    return in_language(text, code)


@register.filter(name="text_language")
def text_language(code: str) -> str:
    """The language a text is really shown in, for the `lang` attribute."""
    return language_code(code) if language_code(code) in ("en", "fr") else FALLBACK


@register.filter(name="iso_date")
def iso_date(value: str | None) -> datetime.date | str:
    """A catalogue date ("2005-11-25") as a date, for the `date` filter."""
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        return value or ""
