"""The navigator's facts as staff see them: labels, and what a case already tells.

The engine names facts and values in code (`rules.FACT_SPECS`); staff pages show
them in English or French through these labels. `facts_from_case` fills what the
person's record, the case and the latest completed screening already say, so a
caseworker confirms rather than retypes; anything those records cannot say is
left unknown, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from harbour.cases.models import Case, ImmigrationStatus, PermitType
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
}

VALUE_LABELS: dict[str, dict[str, Promise]] = {
    "status": {
        "citizen": _("Canadian citizen"),
        "permanent_resident": _("Permanent resident"),
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

# Case records use their own vocabulary (chosen for intake); these map the
# unambiguous values onto the engine's. "Citizen or permanent resident" is two
# different facts to the engine, so it stays unknown and staff choose.
_STATUS_FROM_PERSON: dict[str, str] = {
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


@dataclass(frozen=True)
class Prefill:
    """Facts a case's records already give, and which record gave each."""

    values: dict[str, Any]
    origins: dict[str, str]


def facts_from_case(case: Case, screening_reading: str | None) -> Prefill:
    person = case.person
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}

    def take(name: str, value: Any, origin: Promise) -> None:
        if value is not None and value != "":
            values[name] = value
            origins[name] = str(origin)

    take("status", _STATUS_FROM_PERSON.get(person.immigration_status), _("person record"))
    take("permit_type", _PERMIT_FROM_PERSON.get(person.permit_type), _("person record"))
    take("permit_expiry", person.permit_expiry, _("person record"))
    if case.province in FACT_SPECS["province"][1]:
        take("province", case.province, _("case"))
    if screening_reading in FACT_SPECS["screening_reading"][1]:
        take("screening_reading", screening_reading, _("latest completed screening"))
    return Prefill(values, origins)


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
            "entered_canada_on",
            "status_lost_on",
            "status_lost_reason",
            "meets_initial_requirements",
        ),
    ),
    (
        _("Work, exploitation and family"),
        ("screening_reading", "abuse_at_work", "works_or_worked_in_canada", "family_in_canada"),
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
