"""One Harbour case, as plain data, to one HTCDS v2.0 record (pure: no Django).

The export service reads the database into `CaseInput`s; `to_record` turns each
into a dict keyed by the field sheet's system names, in the sheet's order, with
Harbour's `x_harbour_` extensions after them. Harbour codes that the mapping does
not know pass through unchanged, so that the schema check before writing names
them instead of the export silently dropping them.

A de-identified record holds codes, years and day counts only. The fields the
mapping lists as `identified_only` (names, birthdate, contact, document number,
exact dates, free text) are written only when the input carries an `Identity`.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from harbour.core.normalise import normalise_phone
from harbour.reports.categories import age_band
from harbour.reports.htcds import (
    EXTENSION_PREFIX,
    MULTI_SEPARATOR,
    FieldSheet,
    Mapping,
    code_countries,
    code_languages,
    load_field_sheet,
    load_mapping,
)

E164_DIGITS = 15


@dataclass(frozen=True)
class ProtectionInput:
    """One application for a pathway and, once decided, its outcome."""

    pathway: str
    submitted_on: datetime.date
    outcome: str | None = None  # granted, refused, withdrawn; None while pending
    decided_on: datetime.date | None = None


@dataclass(frozen=True)
class Identity:
    """What only an identified export carries (decrypted by the service)."""

    legal_name: str = ""
    date_of_birth: datetime.date | None = None
    phone: str = ""
    email: str = ""
    identity_document_number: str = ""
    summary: str = ""
    closure_reason: str = ""


@dataclass(frozen=True)
class CaseInput:
    organisation_name: str
    organisation_province: str
    status: str
    province: str
    forms: tuple[str, ...]
    sector: str
    opened_on: datetime.date
    closed_on: datetime.date | None = None
    date_of_birth: datetime.date | None = None
    gender: str = ""
    nationality: str = ""
    languages: str = ""
    reading: str | None = None  # latest completed screening reading
    protections: tuple[ProtectionInput, ...] = ()
    identity: Identity | None = None


@dataclass(frozen=True)
class MappedRecord:
    record: dict[str, Any]
    # Parts of free-text nationality or languages that named no ISO code.
    uncoded: dict[str, int] = field(default_factory=dict)


def _province(code: str) -> str:
    return f"CA-{code}" if code else ""


def _split_name(legal_name: str) -> tuple[str, str]:
    """Harbour keeps one legal name; HTCDS wants first and second names. The
    last word goes to the second name: right for many names, wrong for some
    (the docs say so), and never guessed beyond that."""
    words = legal_name.split()
    if not words:
        return "", ""
    if len(words) == 1:
        return "", words[0]
    return " ".join(words[:-1]), words[-1]


def _e164(raw: str) -> str:
    number = normalise_phone(raw)
    digits = number.removeprefix("+")
    if number.startswith("+") and digits.isdigit() and 2 <= len(digits) <= E164_DIGITS:
        return number
    return ""


def _trafficking_status(case: CaseInput, mapping: Mapping) -> tuple[str, str] | None:
    granted = {p.pathway for p in case.protections if p.outcome == "granted"}
    for recognition in mapping.recognitions:
        if recognition.pathway in granted:
            return recognition.htcds, recognition.decided_by
    for reading in mapping.screening_readings:
        if reading.harbour == case.reading:
            return reading.htcds, reading.decided_by
    return None


def _protections(case: CaseInput, mapping: Mapping, identified: bool) -> list[dict[str, Any]]:
    kinds = mapping.protection_kinds
    items = []
    for protection in sorted(case.protections, key=lambda p: (p.submitted_on, p.pathway)):
        if protection.pathway not in kinds:
            continue  # a recourse (tip line, hotline…), not a protection
        item: dict[str, Any] = {
            "kind": kinds[protection.pathway],
            "pathway": protection.pathway,
            "status": protection.outcome or "pending",
            "applied_year": protection.submitted_on.year,
            "days_from_opening_to_application": (protection.submitted_on - case.opened_on).days,
        }
        if protection.decided_on is not None and protection.outcome:
            item["decided_year"] = protection.decided_on.year
            item["days_from_application_to_decision"] = (
                protection.decided_on - protection.submitted_on
            ).days
        if identified:
            item["applied_on"] = protection.submitted_on.isoformat()
            if protection.decided_on is not None and protection.outcome:
                item["decided_on"] = protection.decided_on.isoformat()
        items.append(item)
    return items


def _identified_fields(identity: Identity, case: CaseInput) -> dict[str, Any]:
    first, second = _split_name(identity.legal_name)
    phone = _e164(identity.phone) if identity.phone else ""
    values: dict[str, Any] = {
        "prs_FirstName": first,
        "prs_SecondName": second,
        "prs_Birthdate": identity.date_of_birth.isoformat() if identity.date_of_birth else "",
        "prs_Email": identity.email.strip(),
        "prs_MobilePhone": phone,
        "prs_IdentityNumber": identity.identity_document_number.strip(),
        "cas_ReasonForCaseClosure": identity.closure_reason.strip(),
        "cco_CaseComment": identity.summary.strip(),
        "x_harbour_opened_on": case.opened_on.isoformat(),
        "x_harbour_closed_on": case.closed_on.isoformat() if case.closed_on else "",
    }
    return {name: value for name, value in values.items() if value}


def to_record(
    case: CaseInput,
    number: int,
    sheet: FieldSheet | None = None,
    mapping: Mapping | None = None,
) -> MappedRecord:
    """The HTCDS record of one case; `number` is its position in the export."""
    sheet = sheet or load_field_sheet()
    mapping = mapping or load_mapping()
    values: dict[str, Any] = {
        "org_Name": case.organisation_name,
        "org_ShippingState": _province(case.organisation_province),
        "org_ShippingCountry": "CA",
        # Only people whose consent is in force are exported at all.
        "con_Consent": True,
    }
    genders = {m.harbour: m.htcds for m in mapping.genders}
    if case.gender:
        values["prs_Gender"] = genders.get(case.gender) or case.gender
    countries, countries_missed = code_countries(case.nationality)
    languages, languages_missed = code_languages(case.languages)
    if countries:
        values["prs_Citizenship"] = countries
    if languages:
        values["prs_PrimaryLanguage"] = languages[0]
    if len(languages) > 1:
        values["prs_SecondaryLanguage"] = languages[1]
    status = _trafficking_status(case, mapping)
    if status:
        values["vic_TraffickingStatus"], values["vic_TraffickingStatusDecisionMakingOrg"] = status
    forms = {m.harbour: m.htcds for m in mapping.exploitation_forms}
    types: list[str] = []
    for form in case.forms:
        for value in forms.get(form, (form,)):
            if value not in types:
                types.append(value)
    if types:
        values["vic_TypeOfExploitation"] = types
    if {"ForcedLabour", "Servitude"} & set(types):
        sectors = {m.harbour: m.htcds for m in mapping.sectors}
        industry = sectors.get(case.sector, case.sector)
        if industry:
            values["vic_ForcedLabourIndustry"] = industry
    statuses = {m.harbour: m.htcds for m in mapping.case_statuses}
    values["cas_Status"] = statuses.get(case.status) or case.status
    if case.identity is not None:
        values.update(_identified_fields(case.identity, case))
    record = {name: values[name] for name in sheet.names if name in values}
    record["x_harbour_record"] = number
    record["x_harbour_province"] = _province(case.province)
    band = age_band(case.date_of_birth, case.opened_on)
    if band != "unknown":
        record["x_harbour_age_band"] = band
    record["x_harbour_opened_year"] = case.opened_on.year
    if case.closed_on:
        record["x_harbour_closed_year"] = case.closed_on.year
    for name in ("x_harbour_opened_on", "x_harbour_closed_on"):
        if name in values:
            record[name] = values[name]
    if case.forms:
        record["x_harbour_exploitation_forms"] = sorted(set(case.forms))
    record["x_harbour_sector"] = case.sector
    protections = _protections(case, mapping, identified=case.identity is not None)
    if protections:
        record["x_harbour_protections"] = protections
    uncoded = {
        key: count
        for key, count in (("nationality", countries_missed), ("languages", languages_missed))
        if count
    }
    return MappedRecord(record=record, uncoded=uncoded)


def columns(sheet: FieldSheet | None = None, mapping: Mapping | None = None) -> list[str]:
    """Spreadsheet columns: every field of the sheet in the sheet's order, then
    Harbour's extensions (protections flattened by kind)."""
    sheet = sheet or load_field_sheet()
    mapping = mapping or load_mapping()
    extensions = [
        "x_harbour_record",
        "x_harbour_province",
        "x_harbour_age_band",
        "x_harbour_opened_year",
        "x_harbour_closed_year",
        "x_harbour_opened_on",
        "x_harbour_closed_on",
        "x_harbour_exploitation_forms",
        "x_harbour_sector",
    ]
    for kind in sorted(set(mapping.protection_kinds.values())):
        extensions += [f"{EXTENSION_PREFIX}{kind}_status", f"{EXTENSION_PREFIX}{kind}_applied_year"]
    return [*sheet.names, *extensions]


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return MULTI_SEPARATOR.join(str(item) for item in value)
    return value


def row(record: dict[str, Any], names: Sequence[str]) -> list[Any]:
    """The record as one spreadsheet row in `names` order; a protection column
    holds the latest application of that kind."""
    flat = {name: _cell(value) for name, value in record.items() if name != "x_harbour_protections"}
    for item in record.get("x_harbour_protections", []):
        flat[f"{EXTENSION_PREFIX}{item['kind']}_status"] = item["status"]
        flat[f"{EXTENSION_PREFIX}{item['kind']}_applied_year"] = item["applied_year"]
    return [flat.get(name, "") for name in names]
