"""HTCDS v2.0: the field sheet as data, Harbour's JSON Schema of it, and the
mapping of one plain case record to an HTCDS record.

Pure: no Django. The field sheet (`knowledge/htcds/fields-2.0.yaml`) and the
mapping of Harbour's codes (`knowledge/htcds/harbour-mapping.yaml`) are read
through the strict knowledge loader; the ISO code lists come from maintained
packages (pycountry for ISO 3166-1 and ISO 3166-2:CA, iso639-lang for ISO 639-2),
never typed by hand.

What leaves Harbour is decided here, once: a de-identified record carries coded
values only (no name, phone, address, document number, birthdate, exact date or
free text); the fields named `identified_only` in the mapping are filled only
when the caller passes an `Identity`, which the export service does only under a
platform admin's grant and the person's consent to sharing.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pycountry
from iso639 import Lang, iter_langs
from iso639.exceptions import InvalidLanguageValue
from jsonschema import Draft202012Validator, FormatChecker
from pydantic import model_validator

from harbour.knowledge.loader import (
    KNOWLEDGE_ROOT,
    KnowledgeError,
    display_path,
    find_duplicates,
    load_yaml_strict,
    parse_model,
)
from harbour.knowledge.models import IsoDate, NonEmpty, Strict, Verifiable
from harbour.reports.categories import AGE_BANDS, nationality_code

HTCDS_DIR = KNOWLEDGE_ROOT / "htcds"
FIELD_SHEET = HTCDS_DIR / "fields-2.0.yaml"
MAPPING = HTCDS_DIR / "harbour-mapping.yaml"
SCHEMA_ID = "urn:harbour:schema:htcds-2.0:harbour-1"
EXTENSION_PREFIX = "x_harbour_"
# XLSX cells hold one value; multi-select values are joined as the official
# multi-select workbook of the toolkit does.
MULTI_SEPARATOR = ";"

FieldType = Literal[
    "text",
    "long_text",
    "picklist",
    "multiselect_picklist",
    "picklist_or_text",
    "date",
    "number",
    "geolocation",
    "checkbox",
    "lookup_organisation",
    "lookup_person",
    "lookup_user",
]

# --- the field sheet ----------------------------------------------------------------


class Value(Strict):
    name: NonEmpty
    label: NonEmpty


class Constraints(Strict):
    integer: bool = False
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None


class Field(Verifiable):
    name: NonEmpty
    section: NonEmpty
    status: Literal["draft", "deprecated"]
    core: bool
    label: NonEmpty
    type: FieldType
    code_list: Literal["iso3166", "iso639_2"] | None = None
    code_format: Literal["alpha2", "alpha2_or_alpha3"] | None = None
    values: list[Value] = []
    description: str | None = None
    notes: str | None = None
    constraints: Constraints | None = None
    constraints_source: str | None = None

    @model_validator(mode="after")
    def _coded_fields_say_their_codes(self) -> Field:
        if self.type in ("picklist", "multiselect_picklist") and not (
            self.values or self.code_list
        ):
            raise ValueError(f"{self.name} is a picklist without values or a code list")
        if self.values and self.code_list:
            raise ValueError(f"{self.name} has both values and a code list")
        return self

    @property
    def value_names(self) -> tuple[str, ...]:
        return tuple(value.name for value in self.values)


class Source(Strict):
    publisher: NonEmpty
    repository: NonEmpty
    file: NonEmpty
    sheet: NonEmpty
    commit: NonEmpty
    commit_date: IsoDate
    licence: NonEmpty
    date_note: NonEmpty


class FieldSheet(Strict):
    standard: Literal["HTCDS"]
    version: NonEmpty
    valid_from: IsoDate
    source: Source
    fields: list[Field]

    @model_validator(mode="after")
    def _names_are_unique(self) -> FieldSheet:
        duplicates = find_duplicates(f.name for f in self.fields)
        if duplicates:
            raise ValueError(f"fields named twice: {', '.join(duplicates)}")
        return self

    def field(self, name: str) -> Field:
        for item in self.fields:
            if item.name == name:
                return item
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(item.name for item in self.fields)


# --- Harbour's mapping --------------------------------------------------------------


class FormMapping(Verifiable):
    harbour: NonEmpty
    htcds: list[NonEmpty]


class CodeMapping(Verifiable):
    harbour: NonEmpty
    htcds: NonEmpty | None


class ReadingMapping(Verifiable):
    harbour: NonEmpty
    htcds: NonEmpty
    decided_by: NonEmpty


class Recognition(Verifiable):
    pathway: NonEmpty
    htcds: NonEmpty
    decided_by: NonEmpty


class Protection(Strict):
    pathway: NonEmpty
    kind: Literal[
        "trafficking_trp",
        "vulnerable_worker_open_permit",
        "refugee_protection",
        "humanitarian_and_compassionate",
        "provincial_claim",
    ]


class Mapping(Strict):
    standard: Literal["HTCDS"]
    version: NonEmpty
    valid_from: IsoDate
    source: NonEmpty
    identified_only: list[NonEmpty]
    exploitation_forms: list[FormMapping]
    sectors: list[CodeMapping]
    genders: list[CodeMapping]
    case_statuses: list[CodeMapping]
    screening_readings: list[ReadingMapping]
    recognitions: list[Recognition]
    protections: list[Protection]

    @property
    def protection_kinds(self) -> dict[str, str]:
        return {item.pathway: item.kind for item in self.protections}


def _check_mapping_against_sheet(mapping: Mapping, sheet: FieldSheet, file: str) -> None:
    """Every target of the mapping is a system name the field sheet lists."""
    targets: list[tuple[str, str, str]] = [
        ("vic_TypeOfExploitation", m.harbour, value)
        for m in mapping.exploitation_forms
        for value in m.htcds
    ]
    targets += [
        ("vic_ForcedLabourIndustry", m.harbour, m.htcds) for m in mapping.sectors if m.htcds
    ]
    targets += [("prs_Gender", m.harbour, m.htcds) for m in mapping.genders if m.htcds]
    targets += [("cas_Status", m.harbour, m.htcds) for m in mapping.case_statuses if m.htcds]
    for reading in mapping.screening_readings:
        targets.append(("vic_TraffickingStatus", reading.harbour, reading.htcds))
        targets.append(
            ("vic_TraffickingStatusDecisionMakingOrg", reading.harbour, reading.decided_by)
        )
    for recognition in mapping.recognitions:
        targets.append(("vic_TraffickingStatus", recognition.pathway, recognition.htcds))
        targets.append(
            ("vic_TraffickingStatusDecisionMakingOrg", recognition.pathway, recognition.decided_by)
        )
    for field_name, entry, value in targets:
        if value not in sheet.field(field_name).value_names:
            raise KnowledgeError(
                file, entry, f"{value!r} is not a value of {field_name} in the field sheet"
            )
    for name in mapping.identified_only:
        if name not in sheet.names and not name.startswith(EXTENSION_PREFIX):
            raise KnowledgeError(file, name, "identified_only names a field the sheet lacks")


@functools.lru_cache(maxsize=4)
def load_field_sheet(path: Path = FIELD_SHEET) -> FieldSheet:
    file = display_path(path)
    return parse_model(FieldSheet, load_yaml_strict(path), file)


@functools.lru_cache(maxsize=4)
def load_mapping(path: Path = MAPPING, sheet_path: Path = FIELD_SHEET) -> Mapping:
    file = display_path(path)
    mapping = parse_model(Mapping, load_yaml_strict(path), file)
    _check_mapping_against_sheet(mapping, load_field_sheet(sheet_path), file)
    return mapping


# --- code lists ---------------------------------------------------------------------


@functools.cache
def country_codes(alpha3: bool) -> tuple[str, ...]:
    alpha2 = sorted(country.alpha_2 for country in pycountry.countries)
    if not alpha3:
        return tuple(alpha2)
    return tuple(alpha2 + sorted(country.alpha_3 for country in pycountry.countries))


@functools.cache
def language_codes() -> tuple[str, ...]:
    """ISO 639-2 (bibliographic and terminology codes), then ISO 639-1 codes."""
    part2: set[str] = set()
    part1: set[str] = set()
    for lang in iter_langs():
        part2.update(code for code in (lang.pt2b, lang.pt2t) if code)
        if lang.pt1 and (lang.pt2b or lang.pt2t):
            part1.add(lang.pt1)
    return tuple(sorted(part2)) + tuple(sorted(part1))


@functools.cache
def province_codes() -> tuple[str, ...]:
    """ISO 3166-2 codes of Canada's provinces and territories (CA-ON…)."""
    return tuple(sorted(s.code for s in pycountry.subdivisions.get(country_code="CA")))


_SPLIT = re.compile(r"[,;/|\n]+| and | et ")
_ASIDE = re.compile(r"\([^)]*\)")


def _parts(text: str) -> list[str]:
    return [part.strip() for part in _SPLIT.split(_ASIDE.sub("", text or "")) if part.strip()]


def code_countries(text: str) -> tuple[list[str], int]:
    """ISO 3166-1 alpha-2 codes for a free-text nationality ("Mexican / Guatemalan"),
    and how many parts named no country. The statistics' own reading of a
    nationality (`categories.nationality_code`: names in English and French,
    codes, frequent demonyms) is used for each part, so both count alike; a
    text that names no country is left out, never guessed."""
    codes: list[str] = []
    missed = 0
    for part in _parts(text):
        code = nationality_code(part)
        if not code:
            missed += 1
        elif code not in codes:
            codes.append(code)
    return codes, missed


def code_languages(text: str) -> tuple[list[str], int]:
    """ISO 639-2/T codes for free-text languages ("Spanish, English"), in order."""
    codes: list[str] = []
    missed = 0
    for part in _parts(text):
        try:
            lang = Lang(part if len(part) <= 3 else part.title())
        except InvalidLanguageValue:
            missed += 1
            continue
        code = lang.pt2t or lang.pt2b
        if not code:
            missed += 1
        elif code not in codes:
            codes.append(code)
    return codes, missed


# --- the JSON Schema ----------------------------------------------------------------

DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
PROTECTION_STATUSES = ("pending", "granted", "refused", "withdrawn")


def age_band_codes() -> tuple[str, ...]:
    return (*(band for _limit, band in AGE_BANDS), "55_plus")


def _date() -> dict[str, Any]:
    return {"type": "string", "format": "date", "pattern": DATE_PATTERN}


def _field_schema(item: Field) -> dict[str, Any]:
    """One property of the record, from one row of the field sheet."""
    constraints = item.constraints or Constraints()
    schema: dict[str, Any]
    if item.code_list == "iso3166":
        ref = "#/$defs/iso3166_alpha2"
        if item.code_format == "alpha2_or_alpha3":
            ref = "#/$defs/iso3166_alpha2_or_alpha3"
        schema = {"$ref": ref}
    elif item.code_list == "iso639_2":
        schema = {"$ref": "#/$defs/iso639_2"}
    elif item.values:
        schema = {"enum": list(item.value_names)}
    elif item.type == "date":
        schema = _date()
    elif item.type in ("number", "geolocation"):
        schema = {"type": "integer" if constraints.integer else "number"}
    elif item.type == "checkbox":
        schema = {"type": "boolean"}
    else:
        schema = {"type": "string", "minLength": 1}
    if item.type == "multiselect_picklist":
        schema = {"type": "array", "items": schema, "uniqueItems": True, "minItems": 1}
    if constraints.minimum is not None:
        schema["minimum"] = constraints.minimum
    if constraints.maximum is not None:
        schema["maximum"] = constraints.maximum
    if constraints.pattern:
        schema["pattern"] = constraints.pattern
    schema["title"] = item.label
    if item.description:
        schema["description"] = item.description
    if item.status == "deprecated":
        schema["deprecated"] = True
    schema["x-htcds"] = {
        "section": item.section,
        "core": item.core,
        "status": item.status,
        "type": item.type,
        "verified": item.verified,
    }
    return schema


def _extensions(mapping: Mapping) -> dict[str, Any]:
    """Harbour's fields, for what HTCDS v2.0 has no field for."""
    pathways = sorted(mapping.protection_kinds)
    kinds = sorted(set(mapping.protection_kinds.values()))
    year = {"type": "integer", "minimum": 1900, "maximum": 2200}
    days = {"type": "integer"}
    protection = {
        "type": "object",
        "required": ["kind", "pathway", "status", "applied_year"],
        "additionalProperties": False,
        "properties": {
            "kind": {"enum": kinds},
            "pathway": {"enum": pathways},
            "status": {"enum": list(PROTECTION_STATUSES)},
            "applied_year": year,
            "decided_year": year,
            "days_from_opening_to_application": days,
            "days_from_application_to_decision": {"type": "integer", "minimum": 0},
            "applied_on": _date(),
            "decided_on": _date(),
        },
    }
    return {
        "x_harbour_record": {
            "type": "integer",
            "minimum": 1,
            "title": "Record number in this export",
            "description": "Position of the record in this export only; it links to nothing.",
        },
        "x_harbour_province": {
            "$ref": "#/$defs/ca_province",
            "title": "Province or territory of the case (ISO 3166-2)",
        },
        "x_harbour_age_band": {
            "enum": list(age_band_codes()),
            "title": "Age band on the day the case opened",
        },
        "x_harbour_opened_year": {**year, "title": "Year the case opened"},
        "x_harbour_closed_year": {**year, "title": "Year the case closed"},
        "x_harbour_opened_on": {**_date(), "title": "Date the case opened (identified only)"},
        "x_harbour_closed_on": {**_date(), "title": "Date the case closed (identified only)"},
        "x_harbour_exploitation_forms": {
            "type": "array",
            "uniqueItems": True,
            "items": {"enum": sorted(m.harbour for m in mapping.exploitation_forms)},
            "title": "Harbour's forms of exploitation (before mapping)",
        },
        "x_harbour_sector": {
            "enum": sorted(m.harbour for m in mapping.sectors),
            "title": "Harbour's sector (before mapping)",
        },
        "x_harbour_protections": {
            "type": "array",
            "items": protection,
            "title": "Protections applied for and decided",
            "description": (
                "HTCDS v2.0 has no field for a protection outcome: each item is one "
                "application (trafficking TRP, vulnerable-worker open permit, refugee "
                "protection, H&C, provincial claims) and its decision, if any."
            ),
        },
    }


def build_schema(sheet: FieldSheet | None = None, mapping: Mapping | None = None) -> dict[str, Any]:
    """Harbour's JSON Schema (draft 2020-12) of HTCDS v2.0: an export document
    whose `records` are HTCDS records (`#/$defs/record`)."""
    sheet = sheet or load_field_sheet()
    mapping = mapping or load_mapping()
    properties = {item.name: _field_schema(item) for item in sheet.fields}
    properties.update(_extensions(mapping))
    identified = set(mapping.identified_only)
    for name, schema in properties.items():
        if name in identified:
            schema["x-harbour-identified-only"] = True
    record = {
        "type": "object",
        "title": f"HTCDS v{sheet.version} case record",
        "properties": properties,
        "additionalProperties": False,
        "required": ["x_harbour_record"],
    }
    source = sheet.source
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"HTCDS v{sheet.version} export from Harbour",
        "description": (
            f"Built by Harbour from the HTCDS v{sheet.version} field sheet ({source.file}, "
            f"sheet {source.sheet}, {source.repository} at commit {source.commit}; "
            f"{source.publisher}, {source.licence}). Property names are the sheet's system "
            "names, coded values its value names; x_harbour_ properties are Harbour's."
        ),
        "type": "object",
        "required": ["standard", "version", "schema", "exported_on", "identified", "records"],
        "additionalProperties": False,
        "properties": {
            "standard": {"const": "HTCDS"},
            "version": {"const": sheet.version},
            "schema": {"const": SCHEMA_ID},
            "exported_on": _date(),
            "organisation": {"type": "string", "minLength": 1},
            "identified": {"type": "boolean"},
            "partner": {"type": "string", "minLength": 1},
            "records": {"type": "array", "items": {"$ref": "#/$defs/record"}},
        },
        "$defs": {
            "record": record,
            "iso3166_alpha2": {"enum": list(country_codes(alpha3=False))},
            "iso3166_alpha2_or_alpha3": {"enum": list(country_codes(alpha3=True))},
            "iso639_2": {"enum": list(language_codes())},
            "ca_province": {"enum": list(province_codes())},
        },
        "x-htcds-source": {
            "repository": source.repository,
            "file": source.file,
            "commit": source.commit,
            "valid_from": sheet.valid_from.isoformat(),
        },
    }


@dataclass(frozen=True)
class Problem:
    """Why a record fails the schema: where, and which rule; never the value,
    which may be an identifier."""

    record: int
    where: str
    rule: str

    def __str__(self) -> str:
        return f"record {self.record}: {self.where or '(record)'} fails the rule {self.rule!r}"


def record_validator(schema: dict[str, Any]) -> Draft202012Validator:
    record_schema = {**schema["$defs"]["record"], "$defs": schema["$defs"]}
    return Draft202012Validator(record_schema, format_checker=FormatChecker())


def check_records(records: Sequence[dict[str, Any]], schema: dict[str, Any]) -> list[Problem]:
    """Every problem of every record against the schema (empty when all are valid)."""
    validator = record_validator(schema)
    problems = []
    for number, record in enumerate(records, start=1):
        for error in validator.iter_errors(record):
            where = ".".join(str(part) for part in error.absolute_path)
            problems.append(Problem(number, where, str(error.validator)))
    return problems
