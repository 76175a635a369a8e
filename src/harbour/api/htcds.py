"""HTCDS endpoints: Harbour's JSON Schema of HTCDS v2.0 (any token: it names
fields, never data) and the export of the caller's own organisation
(supervisors and organisation admins; every other role 403)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError
from pydantic import Field

from harbour.accounts.models import Organisation
from harbour.api.common import Errors, actor_of, only_query
from harbour.api.schemas import ErrorOut, Out
from harbour.reports import htcds, htcds_export

router = Router(tags=["htcds"])


class HtcdsSchemaOut(Out):
    """A JSON Schema document (draft 2020-12)."""

    model_config = {"extra": "allow"}


class HtcdsExportOut(Out):
    standard: str
    version: str
    schema_: str = Field(alias="schema")
    exported_on: str
    organisation: str
    identified: bool
    partner: str | None = None
    records: list[dict[str, Any]]
    left_out_without_consent: int

    model_config = {"populate_by_name": True}


@router.get("/htcds/schema", response={200: HtcdsSchemaOut, **Errors})
def htcds_schema(request: HttpRequest) -> Any:
    """Harbour's JSON Schema (draft 2020-12) of HTCDS v2.0, built from the
    official field sheet."""
    only_query(request)
    return htcds.build_schema()


@router.get(
    "/htcds/export",
    response={200: HtcdsExportOut, 409: ErrorOut, **Errors},
    by_alias=True,
    exclude_none=True,
)
def htcds_export_records(request: HttpRequest, partner: int | None = None) -> Any:
    """The caller's organisation's consented cases as HTCDS records, each
    checked against the schema. `partner` (an organisation number) asks for
    identified records under the platform admin's grant; 403 without one."""
    user = request.auth  # type: ignore[attr-defined]
    if not htcds_export.can_export(user):
        raise HttpError(403, "Only supervisors and organisation admins export to HTCDS.")
    only_query(request, "partner")
    organisation = htcds_export.organisation_of(user)
    partner_organisation = None
    if partner is not None:
        partner_organisation = (
            Organisation.objects.filter(pk=partner).first() if 0 < partner < 2**31 else None
        )
        if partner_organisation is None:
            # Same answer as an organisation without a grant: the number confirms nothing.
            raise HttpError(403, "No identified export is allowed to that organisation.")
    try:
        result = htcds_export.export_htcds(
            actor_of(request), organisation, partner=partner_organisation
        )
    except htcds_export.InvalidExport as invalid:
        detail = "; ".join(str(problem) for problem in invalid.problems[:20])
        raise HttpError(409, f"{invalid} {detail}") from invalid
    return {**result.document, "left_out_without_consent": result.left_out_without_consent}
