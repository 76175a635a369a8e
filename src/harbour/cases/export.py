"""The case file as an archive that can leave Harbour (docs/case-export.md).

`case_files` gathers everything on a case (person, case, notes, screenings
with their answers, tasks, needs, consents, closure requests, documents) as plain
files: one JSON document with all of it, a workbook with a sheet per kind of
record, a CSV per kind for tools that read no workbook, and the documents
themselves. Every spreadsheet cell goes through `core.spreadsheets.escape_cell`
(formula injection). The files are then sealed in an AES-256 ZIP (`zipaes`)
by `cases.services.export_case`, which checks who asks and audits it.

File names inside the archive are generic: ZIP encryption leaves names
readable, so no name there says anything about the person.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from harbour.cases import documents as case_documents
from harbour.cases.models import PERSON_FIELDS, Case
from harbour.core.spreadsheets import escape_row, write_csv

README = """Harbour case export
===================

This archive holds one case file, exported from Harbour on {exported_at}
for transfer outside the platform. Treat it like the paper file: it names a
person who may be in danger.

case.json      everything below, in one JSON document
case.xlsx      one sheet per kind of record
*.csv          the same records, one file per kind (UTF-8)
documents/     the files kept on the case; documents.csv gives their
               original names

Cells that a spreadsheet would run as a formula start with an apostrophe.
"""


def _text(value: Any) -> Any:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _username(user: Any) -> str:
    return user.get_username() if user is not None else ""


def _table(header: Sequence[str], rows: list[list[Any]]) -> dict[str, Any]:
    return {"header": list(header), "rows": [[_text(cell) for cell in row] for row in rows]}


def case_tables(case: Case) -> dict[str, dict[str, Any]]:
    """Every record of the case as named tables of text cells."""
    person = case.person
    tables = {
        "person": _table(
            list(PERSON_FIELDS),
            [[getattr(person, name) for name in PERSON_FIELDS]],
        ),
        "case": _table(
            [
                "reference",
                "status",
                "province",
                "sector",
                "forms_of_exploitation",
                "summary",
                "opened_on",
                "closed_on",
                "assigned_staff",
            ],
            [
                [
                    case.reference,
                    case.status,
                    case.province,
                    case.sector,
                    ", ".join(case.forms),
                    case.summary,
                    case.opened_on,
                    case.closed_on,
                    ", ".join(u.get_username() for u in case.assigned_to.order_by("username")),
                ]
            ],
        ),
        "notes": _table(
            ["written_at", "author", "note"],
            [
                [note.created_at, _username(note.author), note.body]
                for note in case.notes.select_related("author").order_by("created_at")
            ],
        ),
        "tasks": _table(
            ["task", "details", "due_on", "status", "assigned_to", "completed_at"],
            [
                [
                    task.title,
                    task.details,
                    task.due_on,
                    task.status,
                    _username(task.assigned_to),
                    task.completed_at,
                ]
                for task in case.tasks.select_related("assigned_to").order_by("due_on")
            ],
        ),
        "needs": _table(
            ["need", "priority", "status", "identified_on", "identified_by", "note", "actions"],
            [
                [
                    need.domain,
                    need.priority,
                    need.status,
                    need.identified_on,
                    _username(need.identified_by),
                    need.note,
                    need.actions.count(),
                ]
                for need in case.needs.select_related("identified_by").order_by("created_at")
            ],
        ),
        "consents": _table(
            ["purpose", "given_on", "method", "withdrawn_on"],
            [
                [consent.purpose, consent.given_on, consent.method, consent.withdrawn_on]
                for consent in person.consents.order_by("purpose", "given_on")
            ],
        ),
        "screening_answers": _table(
            [
                "assessment",
                "started_at",
                "status",
                "reading",
                "catalogue_version",
                "indicator",
                "answer",
                "evidence",
                "given_by",
            ],
            [
                [
                    str(assessment.pk),
                    assessment.created_at,
                    assessment.status,
                    assessment.reading_code,
                    assessment.catalogue_version,
                    answer.indicator_id,
                    answer.value,
                    answer.evidence,
                    answer.given_by,
                ]
                for assessment in case.assessments.order_by("created_at")
                for answer in assessment.answers.order_by("indicator_id")
            ],
        ),
        "closure_requests": _table(
            ["requested_at", "requested_by", "reason", "status", "decided_by", "decision_note"],
            [
                [
                    request.requested_at,
                    _username(request.requested_by),
                    request.reason,
                    request.status,
                    _username(request.decided_by),
                    request.decision_note,
                ]
                for request in case.closure_requests.order_by("requested_at")
            ],
        ),
    }
    tables["applications"] = _table(
        [
            "pathway",
            "submitted_on",
            "submitted_by",
            "reference_number",
            "documents_sent",
            "outcome",
            "decided_on",
            "valid_until",
            "conditions",
        ],
        [_application_row(application) for application in _applications(case)],
    )
    try:
        facts = case.pathway_facts
    except ObjectDoesNotExist:
        facts = None
    if facts is not None:
        tables["navigator_facts"] = _table(
            ["fact", "value"],
            [[name, json.dumps(value)] for name, value in sorted(facts.values.items())],
        )
    return tables


def _applications(case: Case) -> list[Any]:
    # Imported here: pathways builds on cases, not the other way round.
    from harbour.pathways.models import Application

    return list(
        Application.objects.filter(case=case)
        .select_related("decision")
        .order_by("submitted_on", "created_at")
    )


def _application_row(application: Any) -> list[Any]:
    decision = getattr(application, "decision", None)
    return [
        application.pathway_id,
        application.submitted_on,
        application.submitted_by,
        application.reference_number,
        application.documents_sent,
        decision.outcome if decision else "",
        decision.decided_on if decision else None,
        decision.valid_until if decision else None,
        decision.conditions if decision else "",
    ]


def _workbook(tables: dict[str, dict[str, Any]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for name, table in tables.items():
        sheet = workbook.create_sheet(title=name[:31])
        sheet.append(escape_row(table["header"]))
        for row in table["rows"]:
            sheet.append(escape_row(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def case_files(case: Case) -> list[tuple[str, bytes]]:
    """The archive's files, in order, as (name inside the archive, bytes)."""
    tables = case_tables(case)
    documents = []
    document_rows = []
    for number, document in enumerate(case.documents.order_by("uploaded_at", "pk"), start=1):
        kind = case_documents.KINDS.get(document.kind)
        extension = kind.extensions[0] if kind else ".bin"
        inside = f"documents/{number:02d}{extension}"
        documents.append((inside, case_documents.read(document.storage_name)))
        document_rows.append(
            [inside, document.original_name, document.description, document.uploaded_at]
        )
    tables["documents"] = _table(
        ["file_in_archive", "original_name", "description", "uploaded_at"], document_rows
    )
    exported_at = timezone.now().isoformat(timespec="seconds")
    files = [
        ("README.txt", README.format(exported_at=exported_at).encode("utf-8")),
        (
            "case.json",
            json.dumps(
                {"format": "harbour-case-export-1", "exported_at": exported_at, **tables},
                ensure_ascii=False,
                indent=2,
            ).encode("utf-8"),
        ),
        ("case.xlsx", _workbook(tables)),
    ]
    for name, table in tables.items():
        files.append((f"{name}.csv", write_csv(table["header"], table["rows"])))
    return files + documents
