"""From one spreadsheet row to the data `cases.services` takes (no database).

Each target field has a kind (text, date, choice, list of choices), a length
limit, and the header names (English and French) that map to it by default.
Choices take the stored code or the label in English or French. Problems
name the row, the column and what is wrong, never the value itself.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from harbour.accounts.models import Province
from harbour.cases.models import (
    CaseStatus,
    ExploitationForm,
    Gender,
    ImmigrationStatus,
    PermitType,
    Sector,
)
from harbour.core.spreadsheets import normalise_header


@dataclass(frozen=True)
class Target:
    name: str
    label: Any
    part: str  # "person" or "case"
    kind: str = "text"  # text, date, choice, choices
    max_length: int = 200
    choices: type[models.TextChoices] | None = None
    headers: tuple[str, ...] = ()
    required: bool = False


TARGETS: tuple[Target, ...] = (
    Target(
        "pseudonym",
        gettext_lazy("Pseudonym"),
        "person",
        max_length=80,
        required=True,
        headers=("alias", "pseudonyme", "code_name", "nom_de_code"),
    ),
    Target(
        "legal_name",
        gettext_lazy("Legal name"),
        "person",
        headers=("name", "full_name", "nom", "nom_complet", "nom_legal"),
    ),
    Target(
        "date_of_birth",
        gettext_lazy("Date of birth"),
        "person",
        kind="date",
        headers=("dob", "birth_date", "born", "date_de_naissance", "naissance"),
    ),
    Target(
        "phone",
        gettext_lazy("Phone"),
        "person",
        max_length=40,
        headers=("telephone", "tel", "phone_number", "cell", "cellulaire"),
    ),
    Target(
        "email",
        gettext_lazy("Email"),
        "person",
        max_length=254,
        headers=("e_mail", "courriel", "adresse_courriel"),
    ),
    Target(
        "contact_notes",
        gettext_lazy("Safe contact and address"),
        "person",
        max_length=2000,
        headers=("address", "adresse", "contact", "safe_contact", "coordonnees"),
    ),
    Target(
        "identity_document_number",
        gettext_lazy("Identity document number"),
        "person",
        max_length=60,
        headers=(
            "passport",
            "passport_number",
            "document",
            "passeport",
            "numero_de_passeport",
            "piece_d_identite",
        ),
    ),
    Target(
        "permit_number",
        gettext_lazy("Permit number"),
        "person",
        max_length=60,
        headers=("work_permit_number", "numero_de_permis"),
    ),
    Target(
        "nationality",
        gettext_lazy("Nationality"),
        "person",
        headers=("citizenship", "country", "nationalite", "pays"),
    ),
    Target(
        "languages", gettext_lazy("Languages"), "person", headers=("language", "langue", "langues")
    ),
    Target(
        "gender",
        gettext_lazy("Gender"),
        "person",
        kind="choice",
        choices=Gender,
        headers=("sex", "genre", "sexe"),
    ),
    Target(
        "immigration_status",
        gettext_lazy("Immigration status"),
        "person",
        kind="choice",
        choices=ImmigrationStatus,
        headers=("status_in_canada", "statut", "statut_d_immigration"),
    ),
    Target(
        "permit_type",
        gettext_lazy("Permit type"),
        "person",
        kind="choice",
        choices=PermitType,
        headers=("permit", "type_de_permis", "permis"),
    ),
    Target(
        "permit_expiry",
        gettext_lazy("Permit expiry"),
        "person",
        kind="date",
        headers=("permit_expires", "expiry", "expiration", "expiration_du_permis"),
    ),
    Target(
        "status",
        gettext_lazy("Case status"),
        "case",
        kind="choice",
        choices=CaseStatus,
        headers=("case_status", "statut_du_dossier", "etat"),
    ),
    Target(
        "province",
        gettext_lazy("Province"),
        "case",
        kind="choice",
        choices=Province,
        headers=("territory", "province_ou_territoire"),
    ),
    Target(
        "sector",
        gettext_lazy("Sector"),
        "case",
        kind="choice",
        choices=Sector,
        headers=("industry", "secteur"),
    ),
    Target(
        "forms",
        gettext_lazy("Forms of exploitation"),
        "case",
        kind="choices",
        choices=ExploitationForm,
        headers=("forms_of_exploitation", "exploitation", "formes_d_exploitation"),
    ),
    Target(
        "summary",
        gettext_lazy("Summary"),
        "case",
        max_length=20_000,
        headers=("notes", "story", "resume", "description"),
    ),
    Target(
        "opened_on",
        gettext_lazy("Opened on"),
        "case",
        kind="date",
        headers=("opened", "intake_date", "date_opened", "ouvert_le", "date_d_ouverture"),
    ),
    Target(
        "closed_on",
        gettext_lazy("Closed on"),
        "case",
        kind="date",
        headers=("closed", "date_closed", "ferme_le", "date_de_fermeture"),
    ),
)
TARGETS_BY_NAME = {target.name: target for target in TARGETS}
_SPLIT = re.compile(r"[;,|]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class Problem:
    row: int
    column: str
    problem: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "problem": self.problem}


@dataclass
class ParsedRow:
    row: int
    person: dict[str, Any] = field(default_factory=dict)
    case: dict[str, Any] = field(default_factory=dict)
    forms: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@cache
def _vocabulary(choices: type[models.TextChoices]) -> dict[str, str]:
    words: dict[str, str] = {}
    for code, label in choices.choices:
        if code:
            words[normalise_header(code)] = code
        for language in ("en", "fr"):
            with translation.override(language):
                words[normalise_header(str(label))] = code
    return words


def known_headers() -> dict[str, tuple[str, ...]]:
    """Known header names, with each field's label in English and French."""
    names: dict[str, tuple[str, ...]] = {}
    for target in TARGETS:
        labels = []
        for language in ("en", "fr"):
            with translation.override(language):
                labels.append(str(target.label))
        names[target.name] = (*target.headers, *labels)
    return names


def _date(text: str) -> datetime.date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError
    return datetime.date.fromisoformat(text)


def parse_row(number: int, cells: Mapping[str, str]) -> ParsedRow:
    """Check one row (field name -> text) and build the services' data."""
    parsed = ParsedRow(row=number)
    for target in TARGETS:
        text = cells.get(target.name, "").strip()
        if not text:
            if target.required:
                parsed.problems.append(Problem(number, target.name, _("is required")))
            continue
        value: Any = text
        vocabulary = _vocabulary(target.choices) if target.choices else {}
        if target.kind == "text":
            if len(text) > target.max_length:
                parsed.problems.append(
                    Problem(
                        number,
                        target.name,
                        _("is longer than %(limit)s characters") % {"limit": target.max_length},
                    )
                )
                continue
            if target.name == "email" and not _EMAIL.match(text):
                parsed.problems.append(Problem(number, target.name, _("is not an email address")))
                continue
        elif target.kind == "date":
            try:
                value = _date(text)
            except ValueError:
                parsed.problems.append(
                    Problem(number, target.name, _("is not a date written YYYY-MM-DD"))
                )
                continue
        elif target.kind == "choice":
            code = vocabulary.get(normalise_header(text))
            if code is None:
                parsed.problems.append(
                    Problem(number, target.name, _("is not one of the listed values"))
                )
                continue
            value = code
        else:
            codes = []
            for part in _SPLIT.split(text):
                code = vocabulary.get(normalise_header(part))
                if normalise_header(part) and code is None:
                    parsed.problems.append(
                        Problem(number, target.name, _("holds a value that is not listed"))
                    )
                    break
                if code:
                    codes.append(code)
            parsed.forms = codes
            continue
        (parsed.person if target.part == "person" else parsed.case)[target.name] = value
    opened, closed = parsed.case.get("opened_on"), parsed.case.get("closed_on")
    if opened and closed and closed < opened:
        parsed.problems.append(Problem(number, "closed_on", _("is before the opening date")))
    if closed and "status" not in parsed.case:
        parsed.case["status"] = CaseStatus.CLOSED
    return parsed
