"""The public site's languages: code, name in its own script, writing direction.

English and French are the languages of Canada; the six others follow the countries
most temporary foreign workers come from (research: the TFWP top 10). Names are
written in their own script so a reader finds theirs without knowing English;
flags are never used (a flag is a country, not a language).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation.trans_real import parse_accept_lang_header


@dataclass(frozen=True)
class PublicLanguage:
    code: str  # as in URLs and Django (`zh-hans`)
    name: str  # in its own script
    direction: str  # "ltr" or "rtl"


PUBLIC_LANGUAGES: tuple[PublicLanguage, ...] = (
    PublicLanguage("en", "English", "ltr"),
    PublicLanguage("fr", "Français", "ltr"),
    PublicLanguage("es", "Español", "ltr"),
    PublicLanguage("tl", "Tagalog", "ltr"),
    PublicLanguage("pa", "ਪੰਜਾਬੀ", "ltr"),
    PublicLanguage("zh-hans", "简体中文", "ltr"),
    PublicLanguage("vi", "Tiếng Việt", "ltr"),
    PublicLanguage("ar", "العربية", "rtl"),
)
CODES = tuple(language.code for language in PUBLIC_LANGUAGES)
DEFAULT = "en"
_BY_CODE = {language.code: language for language in PUBLIC_LANGUAGES}

# Browser tags that name one of ours under another spelling: Filipino is the
# standard form of Tagalog; Chinese in mainland or Singapore spelling is simplified.
_ALIASES = {
    "fil": "tl",
    "zh": "zh-hans",
    "zh-cn": "zh-hans",
    "zh-sg": "zh-hans",
    "zh-hans-cn": "zh-hans",
    "pa-in": "pa",
    "pa-guru": "pa",
}


def language(code: str) -> PublicLanguage:
    return _BY_CODE[code]


def from_accept_language(header: str) -> str:
    """The first of our languages the browser asks for, else English.

    Traditional Chinese (zh-TW, zh-HK, zh-Hant) is not matched to simplified:
    showing the wrong script would be worse than English with a visible list.
    """
    for tag, _quality in parse_accept_lang_header(header or ""):
        tag = tag.lower()
        if tag in _BY_CODE:
            return tag
        if tag in _ALIASES:
            return _ALIASES[tag]
        if tag.startswith(("zh-hant", "zh-tw", "zh-hk", "zh-mo")):
            continue
        base = tag.split("-")[0]
        if base in _BY_CODE and base != "zh":
            return base
        if base in _ALIASES and base != "zh":
            return _ALIASES[base]
    return DEFAULT
