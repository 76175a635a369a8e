"""Template helpers of the public site: texts from the knowledge in the page's language.

`{% say text %}` writes a knowledge text (a public `LocalText`, or an engine text
with English and French) in the active language. When that language has no value
the English one is written inside `<span lang="en" dir="ltr">`, so that a screen
reader pronounces it as English and an Arabic page does not move its full stop to
the wrong end; the page's note says some texts are not yet translated.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from harbour.public.content import LocalText

register = template.Library()


def localised(value: Any, language: str) -> tuple[str, bool]:
    if value is None:
        return "", True
    if isinstance(value, LocalText):
        shown = value.get(language)
        return shown.text, shown.translated
    if hasattr(value, "en") and hasattr(value, "fr"):
        if language == "fr":
            return value.fr, True
        return value.en, language == "en"
    return str(value), True


@register.simple_tag
def say(value: Any) -> SafeString:
    language = get_language() or "en"
    text, translated = localised(value, language)
    if translated:
        return format_html("{}", text)
    return format_html('<span lang="en" dir="ltr">{}</span>', text)


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """`mapping|get_item:key`: a value of a dict by a key held in a variable."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
