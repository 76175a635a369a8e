"""From a person's record to the coarse categories statistics count: an age
band at first contact and an ISO 3166-1 alpha-2 country code for the free-text
nationality. Pure functions (no database), so the mapping is tested on its own.

Country names come from `pycountry` (the ISO 3166 list and its French
translation), so a new country or a renamed one arrives with a library update
instead of an edit here. Staff often write a demonym ("Mexican"), which ISO
3166 does not list: the short table below covers the nationalities most often
seen among migrant workers in Canada; any other text that names no country is
counted as "not recorded", never guessed.
"""

from __future__ import annotations

import datetime
import gettext
import unicodedata
from functools import cache

import pycountry

AGE_BANDS = (
    (18, "under_18"),
    (25, "18_24"),
    (35, "25_34"),
    (45, "35_44"),
    (55, "45_54"),
)

# Demonyms (English and French) of frequent nationalities -> alpha-2.
DEMONYMS = {
    "mexican": "MX",
    "mexicain": "MX",
    "mexicaine": "MX",
    "guatemalan": "GT",
    "guatemalteque": "GT",
    "jamaican": "JM",
    "jamaicain": "JM",
    "jamaicaine": "JM",
    "filipino": "PH",
    "filipina": "PH",
    "philippin": "PH",
    "philippine": "PH",
    "indian": "IN",
    "indien": "IN",
    "indienne": "IN",
    "chinese": "CN",
    "chinois": "CN",
    "chinoise": "CN",
    "vietnamese": "VN",
    "vietnamien": "VN",
    "vietnamienne": "VN",
    "honduran": "HN",
    "hondurien": "HN",
    "hondurienne": "HN",
    "salvadoran": "SV",
    "salvadorien": "SV",
    "salvadorienne": "SV",
    "nicaraguan": "NI",
    "peruvian": "PE",
    "peruvien": "PE",
    "peruvienne": "PE",
    "colombian": "CO",
    "colombien": "CO",
    "colombienne": "CO",
    "thai": "TH",
    "thailandais": "TH",
    "thailandaise": "TH",
    "nepali": "NP",
    "nepalese": "NP",
    "nepalais": "NP",
    "nepalaise": "NP",
    "ukrainian": "UA",
    "ukrainien": "UA",
    "ukrainienne": "UA",
    "nigerian": "NG",
    "nigerian(e)": "NG",
    "haitian": "HT",
    "haitien": "HT",
    "haitienne": "HT",
    "trinidadian": "TT",
    "barbadian": "BB",
    "canadian": "CA",
    "canadien": "CA",
    "canadienne": "CA",
    "american": "US",
    "americain": "US",
    "americaine": "US",
    "brazilian": "BR",
    "bresilien": "BR",
    "bresilienne": "BR",
    "moroccan": "MA",
    "marocain": "MA",
    "marocaine": "MA",
    "tunisian": "TN",
    "tunisien": "TN",
    "tunisienne": "TN",
    "algerian": "DZ",
    "algerien": "DZ",
    "algerienne": "DZ",
    "senegalese": "SN",
    "senegalais": "SN",
    "senegalaise": "SN",
    "sri lankan": "LK",
    "sri-lankais": "LK",
    "pakistani": "PK",
    "pakistanais": "PK",
    "pakistanaise": "PK",
    "bangladeshi": "BD",
    "bangladais": "BD",
    "bangladaise": "BD",
    "korean": "KR",
    "coreen": "KR",
    "coreenne": "KR",
    "indonesian": "ID",
    "indonesien": "ID",
    "indonesienne": "ID",
}


def _normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@cache
def _country_names() -> dict[str, str]:
    """Normalised English and French names and codes -> alpha-2."""
    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    names: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        english = [
            country.name,
            getattr(country, "official_name", ""),
            getattr(country, "common_name", ""),
        ]
        for name in english:
            if name:
                names[_normalise(name)] = code
                names[_normalise(french.gettext(name))] = code
        names[code.casefold()] = code
        names[country.alpha_3.casefold()] = code
    for demonym, code in DEMONYMS.items():
        names[_normalise(demonym)] = code
    return names


def nationality_code(text: str) -> str:
    """The ISO 3166-1 alpha-2 code the text names, or "" when it names none.

    A text naming several nationalities ("Mexican / Guatemalan") counts under
    the first one recognised, so a person is counted once.
    """
    if not text or not text.strip():
        return ""
    names = _country_names()
    whole = names.get(_normalise(text))
    if whole:
        return whole
    for separator in ("/", ",", ";", " and ", " et ", "&"):
        if separator in text:
            for part in text.split(separator):
                code = names.get(_normalise(part))
                if code:
                    return code
    return ""


def age_band(date_of_birth: datetime.date | None, on: datetime.date | None) -> str:
    """The age band at `on` (first contact); "unknown" when either is missing
    or the birth date is after it."""
    if date_of_birth is None or on is None or date_of_birth > on:
        return "unknown"
    years = (
        on.year
        - date_of_birth.year
        - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
    )
    for limit, band in AGE_BANDS:
        if years < limit:
            return band
    return "55_plus"


def country_name(code: str, language: str = "en") -> str:
    """The country's name in English or French (for table labels)."""
    country = pycountry.countries.get(alpha_2=code) if code else None
    if country is None:
        return code
    name = str(getattr(country, "common_name", None) or country.name)
    if language.startswith("fr"):
        french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
        return french.gettext(str(country.name))
    return name
