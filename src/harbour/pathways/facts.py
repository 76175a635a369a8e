"""The navigator's facts as staff see them: labels, and what a case already tells.

The engine names facts and values in code (`rules.FACT_SPECS`); staff pages show
them in English or French through these labels. `facts_from_case` fills what the
person's record, the case and the latest completed screening already imply, so a
caseworker confirms rather than retypes, each fact with its provenance (from the
record, from a screening); anything those records cannot say is left unknown,
never guessed.

Facts staff enter are kept per case in one encrypted JSON document
(`CaseFacts.facts_json`), each with where it came from: stated by the person,
documented (with the case document's id) or assumed by staff. Its shape is
versioned (`stored_facts`, `facts_document`); a version-1 document, a plain
`{fact: value}` object from before provenance, still loads, its facts read as
assumed by staff because nobody recorded how they were known.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from harbour.cases.models import Case, ExploitationForm, ImmigrationStatus, PermitType, Sector
from harbour.pathways.engine import Provenance
from harbour.pathways.rules import FACT_SPECS

FACT_LABELS: dict[str, Promise] = {
    "status": _("Immigration status"),
    "permit_type": _("Permit held (or last held)"),
    "permit_expiry": _("Permit expiry date"),
    "province": _("Province or territory where the person lives or works"),
    "in_canada": _("Is the person in Canada?"),
    "entered_canada_on": _("Date of entry to Canada"),
    "status_lost_on": _("Date status was lost"),
    "status_lost_reason": _("Why status was lost"),
    "meets_initial_requirements": _("Met the requirements of the original status?"),
    "screening_reading": _("Screening reading"),
    "abuse_at_work": _("Abuse, or risk of abuse, in the job"),
    "works_or_worked_in_canada": _("Works, or worked, in Canada"),
    "family_in_canada": _("Family members in Canada"),
    "removal_order": _("Has a removal order"),
    "prior_refugee_claim": _("Made a refugee claim before"),
    "prior_claim_ended_on": _("Date the earlier claim was decided, withdrawn or abandoned"),
    "refugee_claim_on": _("Date of the refugee claim"),
    "refugee_claim_at": _("Where the refugee claim was made"),
    "refugee_claim_pending": _("Refugee claim pending"),
    "safe_third_country_arrival": _("Arrived from the United States at a land border"),
    "fears_persecution_or_risk": _("Fears persecution or risk to life on return"),
    "trp_issued_on": _("Date the temporary resident permit was issued"),
    "inadmissibility": _("Inadmissibility"),
    "inadmissible_since_permit": _("Became inadmissible after the permit was issued"),
    "hc_application_pending": _("Humanitarian and compassionate application pending"),
    "hc_bar_exception": _("An exception to the H&C 12-month bar applies"),
    "designated_foreign_national": _("Designated foreign national"),
    "last_worked_on": _("Last day worked"),
    "needs_status_otherwise": _("Holds valid status but otherwise needs status"),
}

# Where a fact came from, as staff read it beside each fact and criterion.
PROVENANCE_LABELS: dict[str, Promise] = {
    "record": _("from the record"),
    "screening": _("from a screening"),
    "stated": _("stated by the person"),
    "documented": _("documented"),
    "assumed": _("assumed by staff"),
}
# What staff may choose for a fact they enter (the records' own are set by Harbour).
ENTERED_SOURCES = ("stated", "documented", "assumed")

VALUE_LABELS: dict[str, dict[str, Promise]] = {
    "status": {
        "citizen": _("Canadian citizen"),
        "permanent_resident": _("Permanent resident"),
        "citizen_or_permanent_resident": _("Citizen or permanent resident (not known which)"),
        "protected_person": _("Protected person"),
        "temporary_resident": _("Temporary resident (worker, student, visitor)"),
        "maintained_status": _("Maintained status (applied to extend before expiry)"),
        "refugee_claimant": _("Refugee claimant"),
        "out_of_status": _("Out of status"),
    },
    "permit_type": {
        "employer_specific_work_permit": _("Employer-specific work permit"),
        "open_work_permit": _("Open work permit"),
        "study_permit": _("Study permit"),
        "visitor": _("Visitor"),
        "temporary_resident_permit": _("Temporary resident permit"),
        "none": _("No permit"),
    },
    "status_lost_reason": {
        "length_of_stay": _("Stayed past the authorised period"),
        "work_conditions": _("Did not comply with work conditions"),
        "study_conditions": _("Did not comply with study conditions"),
        "other": _("Another reason"),
    },
    "screening_reading": {
        "trafficking_indicated": _("Indicators consistent with trafficking"),
        "forced_labour_indicators": _("Indicators consistent with forced labour"),
        "exploitative_conditions_only": _("Exploitative conditions only"),
        "not_enough_information": _("Not enough information"),
        "no_indicators_identified": _("No indicators identified"),
    },
    "refugee_claim_at": {
        "port_of_entry": _("At a port of entry"),
        "inland_office": _("Inland, at an IRCC office or online"),
    },
    "inadmissibility": {
        "none": _("None known"),
        "health": _("Health grounds"),
        "other": _("Other grounds"),
        "serious": _("Serious criminality, security or human rights violations"),
    },
}

# Case records use their own vocabulary (chosen for intake); these map it onto
# the engine's. "Citizen or permanent resident" has a value of its own: no
# pathway treats the two differently.
_STATUS_FROM_PERSON: dict[str, str] = {
    ImmigrationStatus.CITIZEN_OR_PR: "citizen_or_permanent_resident",
    ImmigrationStatus.TEMPORARY_WORKER: "temporary_resident",
    ImmigrationStatus.STUDENT: "temporary_resident",
    ImmigrationStatus.VISITOR: "temporary_resident",
    ImmigrationStatus.TRP_HOLDER: "temporary_resident",
    ImmigrationStatus.REFUGEE_CLAIMANT: "refugee_claimant",
    ImmigrationStatus.PROTECTED_PERSON: "protected_person",
    ImmigrationStatus.NO_STATUS: "out_of_status",
}
_PERMIT_FROM_PERSON: dict[str, str] = {
    PermitType.EMPLOYER_SPECIFIC: "employer_specific_work_permit",
    PermitType.OPEN_WORK: "open_work_permit",
    PermitType.VULNERABLE_WORKER_OWP: "open_work_permit",
    PermitType.STUDY: "study_permit",
    PermitType.TRP: "temporary_resident_permit",
    PermitType.VISITOR_RECORD: "visitor",
}


def fact_label(name: str) -> str:
    return str(FACT_LABELS.get(name, name))


def value_label(name: str, value: Any) -> str:
    """A fact's value in words: choices by label, booleans as yes/no, dates as written."""
    if value is None:
        return str(_("Unknown"))
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    labels = VALUE_LABELS.get(name, {})
    return str(labels.get(str(value), value))


def provenance_label(provenance: Provenance | None) -> str:
    if provenance is None:
        return str(_("origin not recorded"))
    return str(PROVENANCE_LABELS[provenance.source])


@dataclass(frozen=True)
class Prefill:
    """Facts a case's records already give, which record gave each (`origins`, in
    words) and their provenance (`sources`: from the record, from a screening)."""

    values: dict[str, Any]
    origins: dict[str, str]
    sources: dict[str, Provenance] = field(default_factory=dict)


# Immigration statuses that exist only in Canada: a person who holds one is here.
_STATUSES_IN_CANADA = {
    ImmigrationStatus.TEMPORARY_WORKER,
    ImmigrationStatus.STUDENT,
    ImmigrationStatus.VISITOR,
    ImmigrationStatus.TRP_HOLDER,
    ImmigrationStatus.REFUGEE_CLAIMANT,
    ImmigrationStatus.PROTECTED_PERSON,
    ImmigrationStatus.NO_STATUS,
}
# Forms of exploitation recorded on the case that happen in a job.
_WORK_FORMS = (
    ExploitationForm.LABOUR_TRAFFICKING,
    ExploitationForm.DOMESTIC_SERVITUDE,
    ExploitationForm.WORKER_AT_RISK,
)
# Of those, the ones that are themselves abuse in the context of employment.
_ABUSE_FORMS = (ExploitationForm.LABOUR_TRAFFICKING, ExploitationForm.DOMESTIC_SERVITUDE)
# Screening readings on the adult labour lists that mean abuse in the job
# (coercion, or forced-labour indicators, at work).
_ABUSIVE_READINGS = ("trafficking_indicated", "forced_labour_indicators")


def _forms(case: Case) -> set[str]:
    return {form for form in (case.exploitation_forms or "").split("|") if form}


def facts_from_case(case: Case, screening_reading: str | None) -> Prefill:
    """Every fact the person's record, the case and the latest completed screening
    imply: a temporary foreign worker is in Canada and works here; an
    employer-specific permit is a job in Canada; a recorded labour-trafficking
    form, or a labour screening with trafficking or forced-labour indicators, is
    abuse at work."""
    person = case.person
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    sources: dict[str, Provenance] = {}

    def take(name: str, value: Any, origin: Promise, source: str = "record") -> None:
        if value is not None and value != "" and name not in values:
            values[name] = value
            origins[name] = str(origin)
            sources[name] = Provenance(source)

    forms = _forms(case)
    take("status", _STATUS_FROM_PERSON.get(person.immigration_status), _("person record"))
    take("permit_type", _PERMIT_FROM_PERSON.get(person.permit_type), _("person record"))
    take("permit_expiry", person.permit_expiry, _("person record"))
    if person.immigration_status in _STATUSES_IN_CANADA:
        take("in_canada", True, _("person record: a status held in Canada"))
    if (
        person.immigration_status == ImmigrationStatus.TEMPORARY_WORKER
        or person.permit_type == PermitType.EMPLOYER_SPECIFIC
    ):
        take("works_or_worked_in_canada", True, _("person record: a worker's permit"))
    if forms & set(_WORK_FORMS) or case.sector not in (Sector.UNKNOWN, Sector.SEX_INDUSTRY, ""):
        take("works_or_worked_in_canada", True, _("case: exploitation at work"))
    if forms & set(_ABUSE_FORMS):
        take("abuse_at_work", True, _("case: form of exploitation"))
    if case.province in FACT_SPECS["province"][1]:
        take("province", case.province, _("case"))
    if screening_reading in FACT_SPECS["screening_reading"][1]:
        take(
            "screening_reading",
            screening_reading,
            _("latest completed screening"),
            "screening",
        )
        if screening_reading in _ABUSIVE_READINGS:
            take("abuse_at_work", True, _("latest completed screening"), "screening")
    return Prefill(values, origins, sources)


# --- the stored document ---------------------------------------------------------------

FACTS_DOCUMENT_VERSION = 2


@dataclass(frozen=True)
class StoredFacts:
    """The facts staff entered for a case, each with its provenance."""

    values: dict[str, Any]
    sources: dict[str, Provenance]


def stored_facts(document: Mapping[str, Any]) -> StoredFacts:
    """Read a CaseFacts document of any version. Entries that no longer make
    sense (a retired fact, a bad provenance) are dropped, never fatal: the page
    then asks again."""
    values: dict[str, Any] = {}
    sources: dict[str, Provenance] = {}
    if document.get("version") == FACTS_DOCUMENT_VERSION:
        entries = document.get("facts")
        for name, entry in (entries if isinstance(entries, dict) else {}).items():
            if name not in FACT_SPECS or not isinstance(entry, dict):
                continue
            if entry.get("value") is None:
                continue
            source, document_id = entry.get("source"), entry.get("document")
            if source not in ENTERED_SOURCES:
                source, document_id = "assumed", None
            try:
                provenance = Provenance(source, document_id if source == "documented" else None)
            except ValueError:
                provenance = Provenance("assumed")
            values[name] = entry["value"]
            sources[name] = provenance
        return StoredFacts(values, sources)
    # Version 1: {fact: value}, written before facts had a provenance.
    for name, value in document.items():
        if name in FACT_SPECS and value is not None:
            values[name] = value
            sources[name] = Provenance("assumed")
    return StoredFacts(values, sources)


def facts_document(values: Mapping[str, Any], sources: Mapping[str, Provenance]) -> dict[str, Any]:
    """The current version of the document, from JSON-ready values."""
    return {
        "version": FACTS_DOCUMENT_VERSION,
        "facts": {
            name: {
                "value": value,
                "source": sources.get(name, Provenance("assumed")).source,
                "document": sources.get(name, Provenance("assumed")).document,
            }
            for name, value in sorted(values.items())
        },
    }


# The facts form in the order an intake conversation runs.
FACT_GROUPS: tuple[tuple[Promise, tuple[str, ...]], ...] = (
    (
        _("Where the person is and their status"),
        (
            "in_canada",
            "province",
            "status",
            "permit_type",
            "permit_expiry",
            "needs_status_otherwise",
            "entered_canada_on",
            "status_lost_on",
            "status_lost_reason",
            "meets_initial_requirements",
        ),
    ),
    (
        _("Work, exploitation and family"),
        (
            "screening_reading",
            "abuse_at_work",
            "works_or_worked_in_canada",
            "last_worked_on",
            "family_in_canada",
        ),
    ),
    (
        _("Refugee protection"),
        (
            "fears_persecution_or_risk",
            "prior_refugee_claim",
            "prior_claim_ended_on",
            "refugee_claim_pending",
            "refugee_claim_on",
            "refugee_claim_at",
            "safe_third_country_arrival",
        ),
    ),
    (
        _("Permits, applications and bars"),
        (
            "trp_issued_on",
            "hc_application_pending",
            "hc_bar_exception",
            "removal_order",
            "inadmissibility",
            "inadmissible_since_permit",
            "designated_foreign_national",
        ),
    ),
)
