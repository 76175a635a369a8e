"""Checking a directory spreadsheet before anything is written.

`check_file` reads the whole file through core.spreadsheets and returns a
report: a problem with the file itself, the required columns it lacks, and
every row's problems by row number and column. Only a report without any
problem may be imported (directory.services.import_services), and then as
one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from harbour.core.spreadsheets import SpreadsheetError, guess_mapping, open_sheet
from harbour.directory.records import COLUMNS, REQUIRED, RowProblem, ServiceRecord, parse_row

MAX_SERVICES = 20_000


@dataclass
class ImportReport:
    file_problem: str = ""
    headers: list[str] = field(default_factory=list)
    mapping: dict[str, int] = field(default_factory=dict)
    missing_columns: list[str] = field(default_factory=list)
    records: list[ServiceRecord] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    rows_read: int = 0

    @property
    def ok(self) -> bool:
        return (
            not self.file_problem
            and not self.missing_columns
            and not self.problems
            and bool(self.records)
        )

    @property
    def ignored_columns(self) -> list[str]:
        used = set(self.mapping.values())
        return [header for index, header in enumerate(self.headers) if index not in used and header]


def check_file(data: bytes, filename: str) -> ImportReport:
    report = ImportReport()
    try:
        # The directory's own row cap, under HARBOUR_IMPORT_MAX_ROWS; the other
        # limits (columns, cells, an .xlsx's ZIP) are the settings'.
        sheet = open_sheet(data, filename, max_rows=MAX_SERVICES)
        report.headers = sheet.headers
        report.mapping = guess_mapping(sheet.headers, COLUMNS)
        report.missing_columns = [name for name in REQUIRED if name not in report.mapping]
        if report.missing_columns:
            return report
        for row in sheet.rows:
            report.rows_read += 1
            cells = {name: row.get(index) for name, index in report.mapping.items()}
            result = parse_row(row.number, cells)
            if result.record is not None:
                report.records.append(result.record)
            report.problems.extend(result.problems)
    except SpreadsheetError as error:
        report.file_problem = str(error)
        return report
    if not report.rows_read:
        report.file_problem = _("The file has a header row but no services.")
    return report
