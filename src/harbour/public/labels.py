"""Words of the public site that come from the directory's fixed lists.

The directory's own labels live in the staff catalogue; the public site keeps its
own (in its eight-language catalogue) and names each spoken language in its own
script, as the language list does, so a reader spots theirs without English.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

NEEDS: dict[str, Promise] = {
    "safety": _("Safety"),
    "housing": _("A place to stay"),
    "health": _("Health"),
    "mental_health": _("Feeling low or afraid"),
    "legal": _("Legal help"),
    "immigration": _("Permits and immigration"),
    "income": _("Money to live on"),
    "employment": _("Work and pay"),
    "language": _("Language help"),
    "family": _("Family"),
    "education": _("School and training"),
}
COSTS: dict[str, Promise] = {
    "free": _("Free"),
    "sliding": _("The price depends on what you earn"),
    "fee": _("You pay a fee"),
}
# Autonyms of the directory's languages (harbour.directory.models.Language).
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "fr": "Français",
    "es": "Español",
    "tl": "Tagalog",
    "pa": "ਪੰਜਾਬੀ",
    "hi": "हिन्दी",
    "zh": "中文（普通话）",
    "yue": "粵語",
    "ar": "العربية",
    "fa": "فارسی",
    "uk": "Українська",
    "ru": "Русский",
    "pt": "Português",
    "vi": "Tiếng Việt",
    "ko": "한국어",
    "ta": "தமிழ்",
    "ur": "اردو",
    "ne": "नेपाली",
    "th": "ไทย",
    "so": "Soomaali",
    "ti": "ትግርኛ",
    "am": "አማርኛ",
    "ht": "Kreyòl ayisyen",
    "quc": "K'iche'",
    "iu": "ᐃᓄᒃᑎᑐᑦ",
    "cr": "ᓀᐦᐃᔭᐍᐏᐣ",
    "oj": "ᐊᓂᔑᓈᐯᒧᐎᓐ",
    "asl": "ASL",
    "lsq": "LSQ",
}
# BCP 47 tags for the `lang` attribute (sign languages have their own).
LANGUAGE_TAGS: dict[str, str] = {"zh": "zh-Hans", "asl": "ase", "lsq": "fcs"}
