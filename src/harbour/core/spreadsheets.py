"""Reading the spreadsheets organisations arrive with, and writing cells back out safely.

One reader for every import (the services directory, cases and people): it
takes the uploaded bytes, decides between CSV and XLSX from the content (not
the name alone), decodes CSV as UTF-8 (with or without a byte-order mark) or
cp1252 (what Excel on Windows writes), sniffs the delimiter, and yields rows
as lists of trimmed strings numbered as the spreadsheet shows them (the
header is row 1).

XLSX goes through openpyxl in read-only mode, which streams rows from the
zipped XML instead of building the whole workbook in memory.

Headers are normalised (case, accents, punctuation) and matched against
known names in English and French, so "Date de naissance", "date of birth"
and "DOB" can all land on the same field.

Anything written back out to CSV or XLSX (error reports, exports) goes
through `escape_cell`: a cell starting with = + - @ or a control character
would otherwise run as a formula when the file is opened (CSV injection).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

# 10 MB holds about 100,000 rows of a dozen columns; larger files are split.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_ROWS = 100_000
CSV_DELIMITERS = ",;\t|"
XLSX_MAGIC = b"PK\x03\x04"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


class SpreadsheetError(ValueError):
    """The file cannot be read as a spreadsheet; the message says why, for people."""


@dataclass(frozen=True)
class Row:
    number: int  # as the spreadsheet shows it: the header is row 1
    cells: list[str]

    def get(self, index: int | None) -> str:
        if index is None or index >= len(self.cells):
            return ""
        return self.cells[index]


@dataclass
class Sheet:
    kind: str  # "csv" or "xlsx"
    headers: list[str]
    rows: Iterator[Row] = field(repr=False)

    @property
    def keys(self) -> list[str]:
        return [normalise_header(header) for header in self.headers]


def normalise_header(text: str) -> str:
    """`Date de naissance ` -> `date_de_naissance`; `E-mail` -> `e_mail`."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")


def detect_kind(data: bytes, filename: str = "") -> str:
    """ "csv" or "xlsx", from the bytes; a name that says otherwise is refused."""
    name = filename.lower()
    if data.startswith(XLSX_MAGIC):
        if name and not name.endswith((".xlsx", ".xlsm")):
            raise SpreadsheetError(_("The file is a zip archive but not named .xlsx."))
        return "xlsx"
    if name.endswith((".xls", ".ods", ".numbers")):
        raise SpreadsheetError(
            _("Only .csv and .xlsx files can be read: save the sheet as .xlsx or .csv first.")
        )
    if name and not name.endswith((".csv", ".txt", ".tsv")):
        raise SpreadsheetError(_("Only .csv and .xlsx files can be read."))
    if b"\x00" in data[:4096]:
        raise SpreadsheetError(_("The file is not a text (CSV) file or an .xlsx workbook."))
    return "csv"


def decode_text(data: bytes) -> str:
    """UTF-8 (a byte-order mark is dropped), else cp1252; else a clear refusal."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise SpreadsheetError(
            _("The file's text encoding is not UTF-8 or Windows-1252: save it as CSV UTF-8.")
        ) from None


def _clean(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        # A date typed in Excel arrives as midnight of that day.
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\x00", "").strip()


def _csv_rows(text: str, *, sniff: bool = True) -> Iterator[list[str]]:
    dialect: Any = csv.excel
    if sniff:
        try:
            dialect = csv.Sniffer().sniff(text[: 64 * 1024], delimiters=CSV_DELIMITERS)
        except csv.Error:
            dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        for record in reader:
            yield [_clean(cell) for cell in record]
    except csv.Error as error:
        raise SpreadsheetError(
            _("Row %(row)s of the CSV file cannot be read (%(problem)s).")
            % {"row": reader.line_num, "problem": str(error)}
        ) from None


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise SpreadsheetError(_("The .xlsx workbook is damaged or not a workbook.")) from None
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield [_clean(value) for value in values]
    finally:
        workbook.close()


def canonical_csv(data: bytes, filename: str = "") -> bytes:
    """The first sheet of a workbook, or a CSV in any dialect and encoding, as
    plain UTF-8 CSV (comma, double quotes), one record per row, blank rows kept
    so that row numbers stay those of the file.

    An .xlsx is slow to read (openpyxl parses XML cell by cell); a file that is
    read twice (checked, then imported) is stored in this form after the first
    read. Read it back with `open_sheet(..., canonical=True)`.
    """
    kind = detect_kind(data, filename)
    records = _xlsx_rows(data) if kind == "xlsx" else _csv_rows(decode_text(data))
    out = io.StringIO()
    writer = csv.writer(out, dialect=csv.excel, lineterminator="\n")
    for record in records:
        writer.writerow(record)
    return out.getvalue().encode("utf-8")


def open_sheet(
    data: bytes,
    filename: str = "",
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
    canonical: bool = False,
) -> Sheet:
    """Read the header now and the rows lazily; blank rows are skipped.

    `canonical=True` reads what `canonical_csv` wrote (no sniffing, no size
    limit: the original file was checked when it arrived)."""
    if canonical:
        records = _csv_rows(data.decode("utf-8"), sniff=False)
        return _sheet("csv", records)
    if len(data) > max_bytes:
        raise SpreadsheetError(
            _("The file is larger than %(limit)s MB.") % {"limit": max_bytes // (1024 * 1024)}
        )
    if not data.strip():
        raise SpreadsheetError(_("The file is empty."))
    kind = detect_kind(data, filename)
    records = _xlsx_rows(data) if kind == "xlsx" else _csv_rows(decode_text(data))
    return _sheet(kind, records, max_rows)


def _sheet(kind: str, records: Iterator[list[str]], max_rows: int = DEFAULT_MAX_ROWS) -> Sheet:
    header: list[str] | None = None
    number = 0
    for record in records:
        number += 1
        if any(record):
            header = record
            break
    if header is None:
        raise SpreadsheetError(_("The file has no header row."))
    while header and not header[-1]:
        header.pop()
    return Sheet(kind=kind, headers=header, rows=_numbered(records, number, max_rows))


def _numbered(records: Iterator[list[str]], header_number: int, max_rows: int) -> Iterator[Row]:
    number = header_number
    seen = 0
    for record in records:
        number += 1
        if not any(record):
            continue
        seen += 1
        if seen > max_rows:
            raise SpreadsheetError(
                _("The file has more than %(limit)s rows.") % {"limit": f"{max_rows:,}"}
            )
        yield Row(number=number, cells=record)


def guess_mapping(
    headers: Sequence[str], known_names: Mapping[str, Iterable[str]]
) -> dict[str, int]:
    """Field -> column index, from header names; each column used at most once.

    `known_names` lists, for each field, the names (any case or accents) a
    header may have; the field's own name always counts.
    """
    keys = [normalise_header(header) for header in headers]
    mapping: dict[str, int] = {}
    used: set[int] = set()
    for field_name, names in known_names.items():
        wanted = {normalise_header(field_name), *(normalise_header(name) for name in names)}
        for index, key in enumerate(keys):
            if key in wanted and index not in used:
                mapping[field_name] = index
                used.add(index)
                break
    return mapping


def escape_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def escape_row(values: Iterable[Any]) -> list[Any]:
    return [escape_cell(value) for value in values]


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A UTF-8 CSV with a byte-order mark (so that Excel reads accents right)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(escape_row(header))
    for row in rows:
        writer.writerow(escape_row(row))
    return out.getvalue().encode("utf-8-sig")


def write_xlsx(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """An .xlsx written in openpyxl's streaming (write-only) mode."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(escape_row(header))
    for row in rows:
        sheet.append(escape_row(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
