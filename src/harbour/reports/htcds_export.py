"""HTCDS export services: gather an organisation's own cases, map them
(`htcds_record`), check every record against Harbour's schema (`htcds`), audit,
and hand back the document; grant and revoke identified export.

Which cases: only those whose person's consent to anonymised statistics is in
force today (`with_consent`, purpose `statistics`): a de-identified HTCDS export
is record-level statistics. A record is identified only under an active grant
of the platform admin for the named partner AND while the person's consent to
sharing with another organisation (`referral_sharing`) is in force; a
withdrawal takes the identifiers out of the next export at once.

Nothing is written anywhere before every record passes the schema; the audit
event says how many records, how many identified, for which partner, never a
value.
"""

from __future__ import annotations

import datetime
import io
import json
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from harbour.accounts.models import ORG_WIDE_CASE_ROLES, Organisation, Role
from harbour.audit.services import Actor, record
from harbour.cases.access import membership_of
from harbour.cases.consent import with_consent
from harbour.cases.models import Case, ClosureRequest, ClosureStatus, ConsentPurpose
from harbour.cases.services import NotAllowed
from harbour.core.spreadsheets import escape_row
from harbour.pathways.models import Application
from harbour.reports import htcds
from harbour.reports.htcds_record import (
    CaseInput,
    Identity,
    ProtectionInput,
    columns,
    row,
    to_record,
)
from harbour.reports.models import IdentifiedExportGrant
from harbour.screening.models import Assessment, AssessmentStatus

STATISTICS = ConsentPurpose.STATISTICS
SHARING = ConsentPurpose.REFERRAL_SHARING


class InvalidExport(Exception):
    """Some records fail the schema: nothing was written."""

    def __init__(self, problems: list[htcds.Problem]) -> None:
        self.problems = problems
        super().__init__(
            _("%(count)d problem(s) in the records; nothing was exported.")
            % {"count": len(problems)}
        )


@dataclass(frozen=True)
class ExportResult:
    document: dict[str, Any]
    left_out_without_consent: int
    identified: int
    uncoded: dict[str, int] = field(default_factory=dict)

    @property
    def records(self) -> list[dict[str, Any]]:
        return list(self.document["records"])


@dataclass(frozen=True)
class ExportPreview:
    exportable: int
    left_out_without_consent: int


def can_export(user: Any) -> bool:
    membership = membership_of(user)
    return bool(membership and membership.role in ORG_WIDE_CASE_ROLES)


def is_platform_admin(user: Any) -> bool:
    membership = membership_of(user)
    return bool(membership and membership.role == Role.PLATFORM_ADMIN)


def organisation_of(user: Any) -> Organisation:
    """The caller's own organisation, if they may export it (NotAllowed otherwise)."""
    if not can_export(user):
        raise NotAllowed(_("Only supervisors and organisation admins export to HTCDS."))
    return membership_of(user).organisation  # type: ignore[union-attr]


def active_grants(organisation: Organisation) -> QuerySet[IdentifiedExportGrant]:
    return IdentifiedExportGrant.objects.filter(
        organisation=organisation, revoked_at__isnull=True
    ).select_related("partner")


def preview(organisation: Organisation, on: datetime.date | None = None) -> ExportPreview:
    cases = Case.objects.filter(organisation=organisation)
    exportable = with_consent(cases, STATISTICS, on).count()
    return ExportPreview(exportable, cases.count() - exportable)


def _latest_readings(case_ids: list[Any]) -> dict[Any, str]:
    readings: dict[Any, str] = {}
    completed = Assessment.objects.filter(
        case_id__in=case_ids, status=AssessmentStatus.COMPLETED
    ).order_by("completed_at", "created_at")
    for case_id, code in completed.values_list("case_id", "reading_code"):
        readings[case_id] = code  # later ones overwrite earlier ones
    return readings


def _protections(case_ids: list[Any]) -> dict[Any, list[ProtectionInput]]:
    found: dict[Any, list[ProtectionInput]] = {}
    applications = Application.objects.filter(case_id__in=case_ids).select_related("decision")
    for application in applications:
        decision = getattr(application, "decision", None)
        found.setdefault(application.case_id, []).append(
            ProtectionInput(
                pathway=application.pathway_id,
                submitted_on=application.submitted_on,
                outcome=decision.outcome if decision else None,
                decided_on=decision.decided_on if decision else None,
            )
        )
    return found


def _closure_reasons(case_ids: list[Any]) -> dict[Any, str]:
    reasons: dict[Any, str] = {}
    approved = ClosureRequest.objects.filter(
        case_id__in=case_ids, status=ClosureStatus.APPROVED
    ).order_by("requested_at")
    for request in approved:
        reasons[request.case_id] = request.reason
    return reasons


def _inputs(
    organisation: Organisation, on: datetime.date, identified_for: Organisation | None
) -> tuple[list[CaseInput], int, int]:
    all_cases = Case.objects.filter(organisation=organisation)
    cases = list(
        with_consent(all_cases, STATISTICS, on)
        .select_related("person")
        .order_by("opened_on", "reference")
    )
    left_out = all_cases.count() - len(cases)
    ids = [case.pk for case in cases]
    readings = _latest_readings(ids)
    protections = _protections(ids)
    sharing: set[Any] = set()
    reasons: dict[Any, str] = {}
    if identified_for is not None:
        consenting = with_consent(Case.objects.filter(pk__in=ids), SHARING, on)
        sharing = set(consenting.values_list("pk", flat=True))
        reasons = _closure_reasons(list(sharing))
    inputs = []
    for case in cases:
        person = case.person
        identity = None
        if case.pk in sharing:
            identity = Identity(
                legal_name=person.legal_name,
                date_of_birth=person.date_of_birth,
                phone=person.phone,
                email=person.email,
                identity_document_number=person.identity_document_number,
                summary=case.summary,
                closure_reason=reasons.get(case.pk, ""),
            )
        inputs.append(
            CaseInput(
                organisation_name=organisation.name,
                organisation_province=organisation.province,
                status=case.status,
                province=case.province,
                forms=tuple(case.forms),
                sector=case.sector,
                opened_on=case.opened_on,
                closed_on=case.closed_on,
                date_of_birth=person.date_of_birth,
                gender=getattr(person, "gender", ""),
                nationality=person.nationality,
                languages=person.languages,
                reading=readings.get(case.pk),
                protections=tuple(protections.get(case.pk, ())),
                identity=identity,
            )
        )
    return inputs, left_out, len(sharing)


def export_htcds(
    actor: Actor,
    organisation: Organisation,
    *,
    partner: Organisation | None = None,
    on: datetime.date | None = None,
) -> ExportResult:
    """The organisation's consented cases as a checked HTCDS export document.

    Raises NotAllowed when `partner` holds no active grant, InvalidExport when
    any record fails the schema (then nothing is audited as exported).
    """
    day = on or timezone.localdate()
    with transaction.atomic():
        if partner is not None and not active_grants(organisation).filter(partner=partner).exists():
            raise NotAllowed(
                _("The platform admin has not allowed identified export to this organisation.")
            )
        inputs, left_out, identified = _inputs(organisation, day, partner)
        uncoded: dict[str, int] = {}
        records = []
        for number, case_input in enumerate(inputs, start=1):
            mapped = to_record(case_input, number)
            records.append(mapped.record)
            for key, count in mapped.uncoded.items():
                uncoded[key] = uncoded.get(key, 0) + count
        schema = htcds.build_schema()
        problems = htcds.check_records(records, schema)
        if problems:
            raise InvalidExport(problems)
        document: dict[str, Any] = {
            "standard": "HTCDS",
            "version": schema["properties"]["version"]["const"],
            "schema": htcds.SCHEMA_ID,
            "exported_on": day.isoformat(),
            "organisation": organisation.name,
            "identified": partner is not None,
            "records": records,
        }
        if partner is not None:
            document["partner"] = partner.name
        record(
            actor,
            "htcds.export",
            organisation,
            detail={
                "records": len(records),
                "identified": identified,
                "partner": partner.pk if partner is not None else None,
                "left_out_without_consent": left_out,
            },
        )
    return ExportResult(document, left_out, identified, uncoded)


def document_bytes(result: ExportResult) -> bytes:
    return json.dumps(result.document, ensure_ascii=False, indent=2).encode("utf-8")


def workbook_bytes(result: ExportResult) -> bytes:
    """One sheet in the field sheet's column order: system names on the first
    row and labels on the second, as the official HTCDS workbook has them."""
    from openpyxl import Workbook

    sheet = htcds.load_field_sheet()
    names = columns()
    labels = []
    for name in names:
        try:
            labels.append(sheet.field(name).label)
        except KeyError:
            labels.append(name)
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet("HTCDS")
    worksheet.append(escape_row(names))
    worksheet.append(escape_row(labels))
    for item in result.document["records"]:
        worksheet.append(escape_row(row(item, names)))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- grants -------------------------------------------------------------------------


def _require_platform_admin(actor: Actor) -> None:
    if not is_platform_admin(actor.user_or_none):
        raise NotAllowed(_("Only the platform admin allows identified export."))


def grant_identified_export(
    actor: Actor, organisation: Organisation, partner: Organisation
) -> IdentifiedExportGrant:
    _require_platform_admin(actor)
    if organisation.pk == partner.pk:
        raise ValueError(_("An organisation cannot be its own partner."))
    with transaction.atomic():
        existing = active_grants(organisation).filter(partner=partner).first()
        if existing is not None:
            return existing
        grant = IdentifiedExportGrant.objects.create(
            organisation=organisation, partner=partner, granted_by=actor.user_or_none
        )
        record(
            actor,
            "htcds.grant",
            grant,
            detail={"organisation": organisation.pk, "partner": partner.pk},
        )
    return grant


def revoke_identified_export(actor: Actor, grant: IdentifiedExportGrant) -> None:
    _require_platform_admin(actor)
    with transaction.atomic():
        locked = IdentifiedExportGrant.objects.select_for_update().get(pk=grant.pk)
        if locked.revoked_at is not None:
            return
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor.user_or_none
        locked.save(update_fields=["revoked_at", "revoked_by"])
        record(
            actor,
            "htcds.revoke",
            locked,
            detail={"organisation": locked.organisation_id, "partner": locked.partner_id},
        )
    grant.refresh_from_db()
