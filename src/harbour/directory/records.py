"""One service as a row of text, checked field by field (no database).

The spreadsheet import, the seed loader and the API share these rules: list
cells (needs, provinces, languages) take codes or names in English or French,
separated by `;`, `,` or `|`; every problem names the column and what is
wrong, never echoes the value (a cell may hold anything).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from harbour.accounts.models import Province
from harbour.core.spreadsheets import normalise_header
from harbour.directory.models import Cost, Language, Need, pack

# Import columns, in the order of the template; synonyms in English and French.
COLUMNS: dict[str, tuple[str, ...]] = {
    "provider": ("organisation", "organization", "fournisseur", "organisme"),
    "name": ("service", "service_name", "nom", "nom_du_service"),
    "name_fr": ("french_name", "nom_francais", "nom_en_francais"),
    "description": ("description_en",),
    "description_fr": ("description_francais", "description_en_francais"),
    "needs": ("need", "domains", "besoins", "domaines"),
    "provinces": ("province", "provinces_territories", "territoires"),
    "regions": ("region", "regions_served", "regions_desservies"),
    "languages": ("language", "langues", "langue"),
    "eligibility": ("who_can_use", "admissibilite", "criteres"),
    "cost": ("price", "fees", "cout", "frais"),
    "phone": ("telephone", "tel", "phone_number"),
    "email": ("courriel", "e_mail"),
    "website": ("web", "site", "site_web", "url"),
    "hours": ("opening_hours", "heures", "horaires"),
    "last_verified": ("verified", "verified_on", "derniere_verification"),
}
REQUIRED = ("provider", "name", "needs", "provinces")
MAX_LENGTHS = {
    "provider": 200,
    "name": 200,
    "name_fr": 200,
    "description": 4000,
    "description_fr": 4000,
    "regions": 300,
    "eligibility": 2000,
    "phone": 40,
    "email": 254,
    "website": 200,
    "hours": 200,
}
_SPLIT = re.compile(r"[;,|]")
# French names read even before the French catalogue is compiled, and common
# variants the labels do not cover (normalised: lower case, no accents).
EXTRA_WORDS: dict[str, dict[str, str]] = {
    "Need": {
        "securite": "safety",
        "logement": "housing",
        "hebergement": "housing",
        "sante": "health",
        "sante_mentale": "mental_health",
        "juridique": "legal",
        "droit": "legal",
        "revenu": "income",
        "emploi": "employment",
        "travail": "employment",
        "langue": "language",
        "famille": "family",
        "education": "education",
    },
    "Cost": {
        "gratuit": "free",
        "no_cost": "free",
        "echelle_mobile": "sliding",
        "tarif_degressif": "sliding",
        "payant": "fee",
        "frais": "fee",
        "paid": "fee",
    },
    "Province": {
        "colombie_britannique": "BC",
        "nouveau_brunswick": "NB",
        "terre_neuve_et_labrador": "NL",
        "nouvelle_ecosse": "NS",
        "territoires_du_nord_ouest": "NT",
        "ile_du_prince_edouard": "PE",
    },
    "Language": {
        "anglais": "en",
        "francais": "fr",
        "espagnol": "es",
        "pendjabi": "pa",
        "mandarin": "zh",
        "chinois": "zh",
        "cantonais": "yue",
        "arabe": "ar",
        "persan": "fa",
        "farsi": "fa",
        "ukrainien": "uk",
        "russe": "ru",
        "portugais": "pt",
        "vietnamien": "vi",
        "coreen": "ko",
        "tamoul": "ta",
        "ourdou": "ur",
        "nepalais": "ne",
        "amharique": "am",
        "creole_haitien": "ht",
        "cri": "cr",
        "langue_des_signes_americaine": "asl",
        "langue_des_signes_quebecoise": "lsq",
    },
}


@dataclass
class ServiceRecord:
    provider: str = ""
    name: str = ""
    name_fr: str = ""
    description: str = ""
    description_fr: str = ""
    needs: str = ""
    provinces: str = ""
    regions: str = ""
    languages: str = ""
    eligibility: str = ""
    cost: str = Cost.FREE
    phone: str = ""
    email: str = ""
    website: str = ""
    hours: str = ""
    last_verified: datetime.date | None = None

    def service_fields(self) -> dict[str, Any]:
        data = self.__dict__.copy()
        data.pop("provider")
        return data


@dataclass
class RowProblem:
    row: int
    column: str
    problem: str


@dataclass
class RowResult:
    row: int
    record: ServiceRecord | None
    problems: list[RowProblem] = field(default_factory=list)


@cache
def _vocabulary(choices: type[models.TextChoices]) -> dict[str, str]:
    """Normalised code or English/French label -> code."""
    words: dict[str, str] = {}
    for code, label in choices.choices:
        words[normalise_header(code)] = code
        for language in ("en", "fr"):
            with translation.override(language):
                words[normalise_header(str(label))] = code
    words.update(EXTRA_WORDS.get(choices.__name__, {}))
    return words


def parse_list(
    text: str, choices: type[models.TextChoices], column: str, row: int
) -> tuple[str, list[RowProblem]]:
    vocabulary = _vocabulary(choices)
    codes: list[str] = []
    problems: list[RowProblem] = []
    for position, part in enumerate(_SPLIT.split(text), start=1):
        word = normalise_header(part)
        if not word:
            continue
        if word in vocabulary:
            codes.append(vocabulary[word])
        else:
            problems.append(
                RowProblem(
                    row,
                    column,
                    _("item %(position)s is not a known value (see the list in the help)")
                    % {"position": position},
                )
            )
    return pack(codes), problems


def parse_date(text: str) -> datetime.date | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError
    return datetime.date.fromisoformat(text)


def parse_row(row: int, cells: Mapping[str, str]) -> RowResult:
    """Check one row (column name -> text); the record is None when it has problems."""
    problems: list[RowProblem] = []
    record = ServiceRecord()
    for column in REQUIRED:
        if not cells.get(column, "").strip():
            problems.append(RowProblem(row, column, _("is required")))
    for column, limit in MAX_LENGTHS.items():
        value = cells.get(column, "").strip()
        if len(value) > limit:
            problems.append(
                RowProblem(row, column, _("is longer than %(limit)s characters") % {"limit": limit})
            )
        elif column not in ("email", "website"):
            setattr(record, column, value)
    for column, choices in (("needs", Need), ("provinces", Province), ("languages", Language)):
        packed, found = parse_list(cells.get(column, ""), choices, column, row)
        setattr(record, column, packed)
        problems.extend(found)
    cost = normalise_header(cells.get("cost", ""))
    if cost:
        if cost in _vocabulary(Cost):
            record.cost = _vocabulary(Cost)[cost]
        else:
            problems.append(RowProblem(row, "cost", _("must be free, sliding or fee")))
    email = cells.get("email", "").strip()
    if email:
        try:
            EmailValidator()(email)
            record.email = email
        except ValidationError:
            problems.append(RowProblem(row, "email", _("is not an email address")))
    website = cells.get("website", "").strip()
    if website:
        try:
            URLValidator(schemes=["http", "https"])(website)
            record.website = website
        except ValidationError:
            problems.append(RowProblem(row, "website", _("is not a web address (https://…)")))
    verified = cells.get("last_verified", "").strip()
    if verified:
        try:
            record.last_verified = parse_date(verified)
        except ValueError:
            problems.append(RowProblem(row, "last_verified", _("is not a date written YYYY-MM-DD")))
    return RowResult(row=row, record=None if problems else record, problems=problems)
