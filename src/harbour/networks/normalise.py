"""Normalising what case records say about employers, recruiters, places and phones.

Pure functions, no Django: each turns the many ways a value is typed into one
string, so that linkage compares like with like. Every function is idempotent
(normalising a normalised value changes nothing) and ignores case, accents and
spacing. Phones build on `harbour.core.normalise` (the blind-index normaliser),
so a phone normalised here is the same string the case records index.
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import phonenumbers

from harbour.core.normalise import normalise_phone as _blind_index_phone

NICKNAMES_FILE = Path(__file__).resolve().parent.parent / "knowledge/networks/nicknames.csv"


# --- text --------------------------------------------------------------------------


def _fold_once(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()


def fold(text: str) -> str:
    """Lower case without accents ("Ltée" -> "ltee", "Ñandú" -> "nandu")."""
    if text.isascii():
        return text.lower()
    for _ in range(5):
        again = _fold_once(text)
        if again == text:
            break
        text = again
    return text


def words(text: str, keep: str = "") -> list[str]:
    """Folded words: letters and digits of any script; everything else separates.

    Apostrophes and dots join ("O'Brien" -> "obrien", "S.E.N.C." -> "senc").
    """
    text = re.sub(r"['’`.]", "", fold(text))
    return "".join(ch if ch.isalnum() or ch in keep else " " for ch in text).split()


# --- phones ------------------------------------------------------------------------


_EXTENSION = re.compile(r"(?i)\b(?:poste|ext|extension|x)\b\.?\s*\d+\s*$|(?<=\d)x\d+\s*$")
_NANP_PUNCTUATION = re.compile(r"\s*(?:\+?1[\s.-]*)?\(?\d{3}\)?[\s.-]*\d{3}[\s.-]*\d{4}\s*")
_NOT_DIGIT = re.compile(r"\D")
_NANP = re.compile(r"[2-9]\d{2}[2-9]\d{6}")


def normalise_phone(raw: str, default_region: str = "CA") -> str:
    """E.164 ("+14165550142") for anything that parses as a possible number, else "".

    Canada is the default region; "1-", "+1", dots, spaces, parentheses and an
    extension ("x 12", "ext. 12", "poste 12") are all accepted, and the extension
    is dropped: it names a desk, not a different party. Unlike the blind-index
    normaliser, stray digits that are not a number give "" so that two mentions
    never link on "12".
    """
    text = _EXTENSION.sub("", raw or "")
    if default_region == "CA" and _NANP_PUNCTUATION.fullmatch(text):
        # The common case, without phonenumbers' full parse: a North American
        # number written with or without 1 / +1 and punctuation.
        digits = _NOT_DIGIT.sub("", text)
        if len(digits) == 11 and digits[0] == "1":
            digits = digits[1:]
        if _NANP.fullmatch(digits):
            return f"+1{digits}"
    value = _blind_index_phone(text, default_region)
    if not value.startswith("+"):
        return ""
    number = phonenumbers.parse(value)
    return value if phonenumbers.is_possible_number(number) else ""


# --- business names ----------------------------------------------------------------

_LEGAL_SUFFIX_LIST = """
    inc incorporated incorporee incorporation ltd limited ltee limitee corp corporation
    co company cie compagnie llc llp lp ulc senc sencrl srl sec enr enregistree plc gmbh
    sa sas
"""
LEGAL_SUFFIXES = frozenset(_LEGAL_SUFFIX_LIST.split())
_AND = frozenset({"and", "et", "&", "n"})
_NUMBERED = re.compile(r"^\s*(\d[\d\s-]{4,}\d)\b")


@dataclass(frozen=True)
class BusinessName:
    name: str  # "maple leaf farms"; "1234567 ontario" for a numbered company
    number: str  # "1234567" for "1234567 Ontario Inc." (a strong key), else ""


def business_name(raw: str) -> BusinessName:
    """Folded words, `&`/`and`/`et` as "and", legal suffixes (EN and FR) dropped.

    "Les Serres Côté & Fils Ltée" -> "les serres cote and fils"; a numbered company
    ("1234567 Ontario Inc.", "9123-4567 Québec inc.") keeps its number as `number`.
    A name that is nothing but a suffix keeps it, rather than becoming empty.
    """
    text = (raw or "").replace("&", " and ").replace("+", " and ")
    tokens = ["and" if word in _AND else word for word in words(text)]
    while len(tokens) > 1 and tokens[-1] in LEGAL_SUFFIXES | {"and"}:
        tokens.pop()
    number = ""
    if found := _NUMBERED.match(" ".join(tokens)):
        digits = re.sub(r"\D", "", found.group(1))
        if 6 <= len(digits) <= 10:
            number = digits
            rest = " ".join(tokens)[found.end() :].split()
            tokens = [digits, *rest]
    return BusinessName(" ".join(tokens), number)


def normalise_business_name(raw: str) -> str:
    return business_name(raw).name


# --- person names ------------------------------------------------------------------

PARTICLES = frozenset(
    {
        "de",
        "del",
        "della",
        "la",
        "las",
        "los",
        "da",
        "das",
        "do",
        "dos",
        "di",
        "du",
        "van",
        "von",
        "der",
        "den",
        "y",
        "e",
        "le",
        "bin",
        "ibn",
        "al",
    }
)
TITLES = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "mme",
        "mlle",
        "sr",
        "sra",
        "srta",
        "don",
        "dona",
        "senor",
        "senora",
        "jr",
        "snr",
        "ii",
        "iii",
    }
)


@functools.cache
def nicknames() -> dict[str, tuple[str, ...]]:
    """The nickname table: folded nickname -> the words of the given name."""
    table: dict[str, tuple[str, ...]] = {}
    with NICKNAMES_FILE.open(encoding="utf-8") as handle:
        rows = csv.reader(line for line in handle if line.strip() and not line.startswith("#"))
        next(rows)  # header
        for nickname, given in rows:
            table[fold(nickname.strip())] = tuple(fold(given).split())
    return table


@dataclass(frozen=True)
class PersonName:
    given: tuple[str, ...]  # ("maria", "jose") ; an initial stays one letter
    family: tuple[str, ...]  # ("garcia", "lopez"): compound and second surnames

    @property
    def full(self) -> str:
        return " ".join((*self.given, *self.family))


def person_name(raw: str) -> PersonName:
    """ "GARCÍA-LÓPEZ, María José" -> given ("maria", "jose"), family ("garcia", "lopez").

    "Last, First" is turned round; without a comma the last word is the family name
    (so a second surname is best written after a comma, or hyphenated); hyphens
    separate words; titles and particles (de, la, van…) are dropped; the first given
    name goes through the nickname table ("Bob" -> "robert", "Paco" -> "francisco").
    """
    text = raw or ""
    if "," in text:
        last, _, first = text.partition(",")
        family_words = [w for w in words(last) if w not in TITLES]
        given_words = [w for w in words(first.replace(",", " ")) if w not in TITLES]
    else:
        tokens = [w for w in words(text) if w not in TITLES]
        given_words, family_words = tokens[:-1], tokens[-1:]
    family = [w for w in family_words if w not in PARTICLES] or family_words
    given = [w for w in given_words if w not in PARTICLES] or given_words
    if given and (full := nicknames().get(given[0])):
        given = [*full, *given[1:]]
    if not family and given:
        family, given = given[-1:], given[:-1]
    return PersonName(tuple(given), tuple(family))


def normalise_person_name(raw: str) -> str:
    """The name as "given… family…": "Smith, Bob" and "bob SMITH" -> "robert smith"."""
    # Read the result once more as "given… family" (no comma): the output is then
    # a fixed point, so normalising twice changes nothing.
    return person_name(person_name(raw).full).full


# --- addresses ---------------------------------------------------------------------

STREET_TYPES = {
    "st": "st",
    "street": "st",
    "str": "st",
    "rue": "st",
    "av": "av",
    "ave": "av",
    "avenue": "av",
    "rd": "rd",
    "road": "rd",
    "chemin": "rd",
    "ch": "rd",
    "chem": "rd",
    "blvd": "blvd",
    "boul": "blvd",
    "boulevard": "blvd",
    "bd": "blvd",
    "bl": "blvd",
    "dr": "dr",
    "drive": "dr",
    "prom": "dr",
    "promenade": "dr",
    "cres": "cres",
    "crescent": "cres",
    "croissant": "cres",
    "crois": "cres",
    "crt": "crt",
    "court": "crt",
    "ct": "crt",
    "cour": "crt",
    "pl": "pl",
    "place": "pl",
    "hwy": "hwy",
    "highway": "hwy",
    "route": "hwy",
    "rte": "hwy",
    "ln": "ln",
    "lane": "ln",
    "line": "line",
    "concession": "conc",
    "conc": "conc",
    "sideroad": "sdrd",
    "sdrd": "sdrd",
    "way": "way",
    "terr": "terr",
    "terrace": "terr",
    "terrasse": "terr",
    "pkwy": "pkwy",
    "parkway": "pkwy",
    "cir": "cir",
    "circle": "cir",
    "cercle": "cir",
    "rang": "rang",
    "montee": "montee",
    "allee": "allee",
    "impasse": "imp",
    "imp": "imp",
}
_FRENCH_FIRST = {
    "rue",
    "chemin",
    "ch",
    "chem",
    "boul",
    "boulevard",
    "bd",
    "avenue",
    "av",
    "rang",
    "montee",
    "allee",
    "impasse",
    "imp",
    "route",
    "rte",
    "place",
    "pl",
    "croissant",
    "crois",
    "promenade",
    "prom",
    "terrasse",
    "cour",
    "cercle",
}
DIRECTIONS = {
    "n": "n",
    "north": "n",
    "nord": "n",
    "s": "s",
    "south": "s",
    "sud": "s",
    "e": "e",
    "east": "e",
    "est": "e",
    "w": "w",
    "west": "w",
    "o": "w",
    "ouest": "w",
    "ne": "ne",
    "northeast": "ne",
    "nordest": "ne",
    "nw": "nw",
    "northwest": "nw",
    "no": "nw",
    "nordouest": "nw",
    "se": "se",
    "southeast": "se",
    "sudest": "se",
    "sw": "sw",
    "southwest": "sw",
    "so": "sw",
    "sudouest": "sw",
}
PROVINCES = {
    "ON": ["on", "ont", "ontario"],
    "QC": ["qc", "que", "pq", "quebec", "province de quebec"],
    "BC": ["bc", "cb", "british columbia", "colombie britannique"],
    "AB": ["ab", "alta", "alberta"],
    "MB": ["mb", "man", "manitoba"],
    "SK": ["sk", "sask", "saskatchewan"],
    "NS": ["ns", "ne", "nova scotia", "nouvelle ecosse"],
    "NB": ["nb", "new brunswick", "nouveau brunswick"],
    "NL": [
        "nl",
        "tnl",
        "nfld",
        "newfoundland",
        "newfoundland and labrador",
        "terre neuve",
        "terre neuve et labrador",
    ],
    "PE": ["pe", "pei", "ipe", "pe i", "prince edward island", "ile du prince edouard"],
    "YT": ["yt", "yk", "yukon"],
    "NT": ["nt", "nwt", "tno", "northwest territories", "territoires du nord ouest"],
    "NU": ["nu", "nvt", "nunavut"],
}
_FRENCH_PARTICLES = frozenset({"de", "du", "des", "la", "le", "l", "d"})
_PROVINCE_ABBREVIATIONS = {
    "c-b": "BC",
    "n-e": "NS",
    "n-b": "NB",
    "t-n-l": "NL",
    "t-n": "NL",
    "i-p-e": "PE",
    "t-n-o": "NT",
    "p-q": "QC",
}
_PROVINCE_WORDS = sorted(
    [(tuple(name.split()), code) for code, names in PROVINCES.items() for name in names]
    + [(("-".join(name.split()),), code) for code, names in PROVINCES.items() for name in names]
    + [((name,), code) for name, code in _PROVINCE_ABBREVIATIONS.items()],
    key=lambda item: -len(item[0]),
)
_PROVINCE_BY_WORDS = dict(_PROVINCE_WORDS)
_LONGEST_PROVINCE = max(len(words) for words in _PROVINCE_BY_WORDS)
_POSTAL = re.compile(r"\b([abceghj-nprstvxy])\s*(\d)\s*([a-z])[\s-]*(\d)\s*([a-z])\s*(\d)\b")
_UNIT_WORDS = (
    "apartment|appartement|apt|app|appt|unit|unite|suite|ste|bureau|bur|logement|log|room|rm|no|#"
)
_UNIT = re.compile(rf"(?:^|\s|,)(?:{_UNIT_WORDS})\s*#?\s*([a-z]?\d+[a-z]?|[a-z])\b")
_UNIT_DASH = re.compile(r"^\s*([a-z]?\d+[a-z]?)\s*-\s*(\d+[a-z]?)\b")


@dataclass(frozen=True)
class Address:
    unit: str = ""
    civic: str = ""
    street: str = ""  # "principale st e": name, canonical type, direction
    city: str = ""
    province: str = ""  # two-letter code
    postal: str = ""  # "J8X 1A1"

    @property
    def full(self) -> str:
        """One canonical line: "4-123 principale st e, gatineau QC J8X 1A1"."""
        civic = f"{self.unit}-{self.civic}" if self.unit and self.civic else self.civic
        first = " ".join(part for part in (civic, self.street) if part)
        if self.unit and not self.civic:
            first = f"unit {self.unit} {first}".strip()
        last = " ".join(part for part in (self.city, self.province, self.postal) if part)
        return ", ".join(part for part in (first, last) if part)

    @property
    def street_key(self) -> str:
        """Civic number and street: the same building whatever the unit or city spelling."""
        return f"{self.civic} {self.street}".strip() if self.civic and self.street else ""


def _street(words: list[str]) -> str:
    """Canonical street: French type-first ("rue Principale") and English type-last
    ("Principale Street") give the same "principale st"."""
    kind = ""
    direction = ""
    if len(words) > 1 and words[-1] in DIRECTIONS:
        direction = DIRECTIONS[words[-1]]
        words = words[:-1]
    if len(words) > 1 and words[0] in _FRENCH_FIRST:
        kind = STREET_TYPES[words[0]]
        words = words[1:]
    elif len(words) > 1 and words[-1] in STREET_TYPES:
        kind = STREET_TYPES[words[-1]]
        words = words[:-1]
    if len(words) > 1 and not direction and words[-1] in DIRECTIONS:
        direction = DIRECTIONS[words[-1]]
        words = words[:-1]
    words = [w for w in words if w not in _FRENCH_PARTICLES] or words
    return " ".join(w for w in (*words, kind, direction) if w)


def address(raw: str) -> Address:
    """Parse a Canadian address typed any usual way.

    Units ("Apt 4", "app. 4", "unit 4", "suite 4", "#4", "4-123 Main St"), civic
    number, street types in English and French (Street/St/Rue, Avenue/Av,
    Road/Rd/Chemin/Ch, Boulevard/Boul/Blvd…), directions (N, Nord, O, Ouest…),
    city, province by name or abbreviation in English or French, postal code with
    or without its space. Commas help to find the city but are not needed.
    """
    text = fold(raw or "").replace("\n", ",")
    text = re.sub(r"['’`]", "", text)
    text = re.sub(r"\.\s*-\s*", "-", text)  # "C.-B." -> "c-b."
    text = re.sub(r"\b((?:[a-z]\.){2,})", lambda m: m.group(1).replace(".", "") + " ", text)
    text = re.sub(r"\.(?=\S)", ". ", text).replace(".", "")
    postal = ""
    if found := _POSTAL.search(text):
        g = found.groups()
        postal = f"{g[0]}{g[1]}{g[2]} {g[3]}{g[4]}{g[5]}".upper()
        text = text[: found.start()] + " , " + text[found.end() :]
    text = re.sub(r"[^\w#,\- ]", " ", text).replace("_", " ")
    text = re.sub(r"\s*,\s*", ",", text).strip(" ,")
    text = re.sub(r",?\s*\bcanada\s*$", "", text).strip(" ,")
    province = ""
    flat = " ".join(text.replace(",", " , ").split())
    tokens = flat.split()
    for size in range(min(_LONGEST_PROVINCE, len(tokens) - 1), 0, -1):
        if code := _PROVINCE_BY_WORDS.get(tuple(tokens[-size:])):
            province = code
            tokens = tokens[:-size]
            break
    text = " ".join(tokens).strip(" ,")
    text = re.sub(r"(?<=\d)\s+-\s*(?=\d)|(?<=\d)\s*-\s+(?=\d)", "-", text)  # "4 - 123"
    text = re.sub(r"(?<!\w)-|-(?!\w)", " ", text).strip(" ,")  # a dash that joins nothing
    unit = ""
    if found := _UNIT_DASH.match(text):
        unit, civic_part = found.group(1), found.group(2)
        text = civic_part + text[found.end() :]
    elif found := _UNIT.search(text):
        unit = found.group(1)
        text = (text[: found.start()] + " , " + text[found.end() :]).strip(" ,")
    segments = [s.split() for s in re.split(r"\s*,\s*", text) if s.strip()]
    if len(segments) > 1 and re.fullmatch(r"\d+[a-z]?", " ".join(segments[0])):
        segments[0:2] = [segments[0] + segments[1]]  # "123, rue Principale"
    civic = ""
    street_words: list[str] = []
    city_words: list[str] = []
    for index, segment in enumerate(segments):
        if segment and re.fullmatch(r"\d+[a-z]?", segment[0]) and not civic:
            civic, rest = segment[0], segment[1:]
            if index + 1 < len(segments):
                street_words = rest
                city_words = [w for s in segments[index + 1 :] for w in s]
            else:
                street_words, city_words = _split_street_city(rest)
            break
    else:
        street_words = [w for s in segments[:1] for w in s]
        city_words = [w for s in segments[1:] for w in s]
    street_words = [w.replace("-", " ") for w in street_words if w != "-"]
    street = _street(" ".join(street_words).split())
    city = " ".join(" ".join(city_words).replace("-", " ").split())
    return Address(unit, civic, street, city, province, postal)


def _split_street_city(words: list[str]) -> tuple[list[str], list[str]]:
    """Without commas: an English street ends at its type ("Main St"), a French one
    after the word that follows its type and particles ("rue de la Gare"); a
    direction right after belongs to the street. Otherwise all of it is street."""
    end = 0
    if words and words[0] in _FRENCH_FIRST:
        end = 1
        while end < len(words) - 1 and words[end] in _FRENCH_PARTICLES:
            end += 1
        end = min(end + 1, len(words))
        # A direction further on closes a longer name ("boul. Rene Levesque O").
        later = [i for i in range(end, len(words)) if words[i] in DIRECTIONS]
        if later:
            end = later[0]
    else:
        for index, word in enumerate(words):
            if index > 0 and word in STREET_TYPES:
                end = index + 1
                break
    if not end:
        return words, []
    if end < len(words) and words[end] in DIRECTIONS:
        end += 1
    return words[:end], words[end:]


def normalise_address(raw: str) -> str:
    """`address(raw).full`, read again until it stops changing: degenerate input
    ("rue rue") parses differently once canonical, and this stays idempotent."""
    value = address(raw).full
    for _ in range(5):
        again = address(value).full
        if again == value:
            break
        value = again
    return value
