"""Reading the spreadsheets organisations arrive with, and writing cells back out safely.

One reader for every import (the services directory, cases and people): it
takes the uploaded bytes, decides between CSV and XLSX from the content (not
the name alone), decodes CSV as UTF-8 (with or without a byte-order mark) or
cp1252 (what Excel on Windows writes), sniffs the delimiter, and yields rows
as lists of trimmed strings numbered as the spreadsheet shows them (the
header is row 1).

XLSX goes through openpyxl in read-only mode, which streams rows from the
zipped XML instead of building the whole workbook in memory.

Every file is someone else's: before openpyxl opens a workbook, its ZIP
central directory is checked (no entry flagged encrypted, only stored or
deflated entries, the unzipped total and each large entry's compression ratio
within `Limits`) and its XML parts are scanned for a document type
declaration, which no real workbook has (billion laughs, XXE): refused, never
expanded or resolved. Every row is then checked against the column and cell
limits as it is read, and the rows against the row limit, so a hostile file
stops at its first excess. Every failure is a `SpreadsheetError` whose message
names the problem, the row, the column or the limit, never a cell's content.
The limits are settings (HARBOUR_IMPORT_*, docs/imports.md).

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
import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# 10 MB holds about 100,000 rows of a dozen columns; larger files are split.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_ROWS = 100_000
MB = 1024 * 1024
# An entry smaller than this is never refused for its compression ratio: small
# parts of real workbooks (styles, empty sheets) compress very well.
RATIO_FLOOR = 1 * MB
# Declarations no real workbook part has; XML is case-sensitive. In UTF-8 and
# in UTF-16 (either byte order), which an XML part may also be written in.
DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
XML_PARTS = (".xml", ".rels", ".vml")
EXCEL_MAX_ROWS = 1_048_576
SCAN_CHUNK = 64 * 1024
CSV_DELIMITERS = ",;\t|"
# Enough for the header and some rows; see _sniff_sample.
SNIFF_SAMPLE = 8 * 1024
XLSX_MAGIC = b"PK\x03\x04"
# A compound (OLE) file: old .xls, or an .xlsx saved with a password to open it.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


class SpreadsheetError(ValueError):
    """The file cannot be read as a spreadsheet; the message says why, for people."""


@dataclass(frozen=True)
class Limits:
    """What one spreadsheet may hold; the defaults are the settings' defaults."""

    rows: int = DEFAULT_MAX_ROWS
    columns: int = 500
    cell_chars: int = 32_767
    unzipped_bytes: int = 100 * MB
    zip_ratio: int = 100

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            rows=settings.HARBOUR_IMPORT_MAX_ROWS,
            columns=settings.HARBOUR_IMPORT_MAX_COLUMNS,
            cell_chars=settings.HARBOUR_IMPORT_MAX_CELL_CHARS,
            unzipped_bytes=settings.HARBOUR_IMPORT_MAX_UNZIPPED_MB * MB,
            zip_ratio=settings.HARBOUR_IMPORT_MAX_ZIP_RATIO,
        )

    def at_most(self, rows: int | None) -> Limits:
        return self if rows is None else replace(self, rows=min(self.rows, rows))


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
    if data.startswith(OLE_MAGIC) and name.endswith((".xlsx", ".xlsm")):
        # What Excel writes for a workbook saved with a password to open it.
        raise _encrypted_refusal()
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


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the column as the spreadsheet names it."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _checked(number: int, cells: list[str], limits: Limits) -> list[str]:
    """The record without its empty cells at the end, within the column and
    cell limits; the message names the row, the column and the limit only."""
    while cells and not cells[-1]:
        cells.pop()
    if len(cells) > limits.columns:
        raise SpreadsheetError(
            _("Row %(row)s has more than %(limit)s columns.")
            % {"row": number, "limit": f"{limits.columns:,}"}
        )
    for index, cell in enumerate(cells):
        if len(cell) > limits.cell_chars:
            raise SpreadsheetError(
                _("Row %(row)s, column %(column)s has more than %(limit)s characters.")
                % {"row": number, "column": column_letter(index), "limit": f"{limits.cell_chars:,}"}
            )
    return cells


def _sniff_sample(text: str) -> str:
    """The first lines, at most SNIFF_SAMPLE characters: Python's Sniffer takes
    time quadratic in its sample (64 KB of crafted quotes: over 20 s)."""
    sample = text[:SNIFF_SAMPLE]
    end = sample.rfind("\n")
    return sample[: end + 1] if len(text) > SNIFF_SAMPLE and end > 0 else sample


def _csv_rows(text: str, limits: Limits, *, sniff: bool = True) -> Iterator[list[str]]:
    dialect: Any = csv.excel
    if sniff:
        try:
            dialect = csv.Sniffer().sniff(_sniff_sample(text), delimiters=CSV_DELIMITERS)
        except csv.Error:
            dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    number = 0
    try:
        for record in reader:
            number += 1
            yield _checked(number, [_clean(cell) for cell in record], limits)
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            # Python's reader stops at 131,072 characters, past any cell limit.
            raise SpreadsheetError(
                _("Row %(row)s has a cell of more than %(limit)s characters.")
                % {"row": number + 1, "limit": f"{limits.cell_chars:,}"}
            ) from None
        raise SpreadsheetError(
            _("Row %(row)s of the CSV file cannot be read (%(problem)s).")
            % {"row": number + 1, "problem": str(error)}
        ) from None


def _refuse_archive(data: bytes, limits: Limits) -> None:
    """Check the workbook's ZIP before anything parses it: from the central
    directory, no entry flagged encrypted, only stored or deflated entries,
    the unzipped total and each large entry's ratio within the limits (zipfile
    never unpacks past an entry's recorded size: a part that lies about it
    fails its CRC); then no XML part with a document type declaration."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise SpreadsheetError(_("The .xlsx workbook is damaged or not a workbook.")) from None
    with archive:
        entries = archive.infolist()
        total = 0
        for entry in entries:
            if entry.flag_bits & 0x1:
                raise _encrypted_refusal()
            if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise SpreadsheetError(
                    _(
                        "The .xlsx workbook is compressed in a way Excel does not write: "
                        "save it again from Excel."
                    )
                )
            total += entry.file_size
            if total > limits.unzipped_bytes:
                raise _unpacks_past(limits)
            if entry.file_size > RATIO_FLOOR and entry.file_size > limits.zip_ratio * max(
                entry.compress_size, 1
            ):
                raise SpreadsheetError(
                    _(
                        "The .xlsx workbook is compressed more than %(limit)s to 1, far more "
                        "than a real spreadsheet; it was not opened."
                    )
                    % {"limit": limits.zip_ratio}
                )
        for entry in entries:
            if entry.filename.lower().endswith(XML_PARTS) and _declares_dtd(archive, entry):
                raise _dtd_refusal()


def _dtd_refusal() -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "The .xlsx workbook contains an XML document type declaration (DTD), "
            "which no real workbook has; it was not opened. Save it again from "
            "Excel."
        )
    )


def _encrypted_refusal() -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "The .xlsx workbook is encrypted or password-protected: remove the "
            "password in Excel, save it again and upload that copy."
        )
    )


def _unpacks_past(limits: Limits) -> SpreadsheetError:
    return SpreadsheetError(
        _("The .xlsx workbook unpacks to more than %(limit)s MB.")
        % {"limit": f"{limits.unzipped_bytes // MB:,}"}
    )


def _declares_dtd(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bool:
    """Whether the part holds `<!DOCTYPE` or `<!ENTITY`, read in chunks (the
    unzipped size is already within the limit). In XML text `<` is always
    escaped, so no cell's content can look like either."""
    overlap = max(len(marker) for marker in DTD_MARKERS)
    tail = b""
    try:
        with archive.open(entry) as part:
            while chunk := part.read(SCAN_CHUNK):
                window = tail + chunk
                if any(marker in window for marker in DTD_MARKERS):
                    return True
                tail = window[-overlap:]
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError):
        raise SpreadsheetError(_("The .xlsx workbook is damaged or not a workbook.")) from None
    except Exception as error:  # zlib.error, and whatever else a broken stream raises
        logger.info("xlsx part unreadable: %s", type(error).__name__)
        raise SpreadsheetError(_("The .xlsx workbook is damaged or not a workbook.")) from None
    return False


def _xlsx_problem(error: Exception) -> SpreadsheetError:
    """What openpyxl's failure means, for people; the log names its class only."""
    from xml.etree.ElementTree import ParseError

    logger.info("xlsx refused: %s", type(error).__name__)
    from defusedxml import DefusedXmlException

    if isinstance(error, DefusedXmlException):
        return _dtd_refusal()
    xml_errors: tuple[type[BaseException], ...] = (ParseError,)
    try:
        from lxml.etree import LxmlError

        xml_errors += (LxmlError,)
    except ImportError:  # pragma: no cover - lxml is optional for openpyxl
        pass
    if isinstance(error, xml_errors):
        return SpreadsheetError(
            _("The .xlsx workbook is damaged: the XML of one of its parts is cut short or broken.")
        )
    return SpreadsheetError(_("The .xlsx workbook is damaged or not a workbook."))


def _xlsx_rows(data: bytes, limits: Limits) -> Iterator[list[str]]:
    _refuse_archive(data, limits)
    from openpyxl import load_workbook

    # A hostile workbook can make openpyxl raise almost anything (XML syntax
    # errors, descriptor TypeErrors, KeyErrors of missing parts): every failure
    # while reading it is the file's, and becomes a message.
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:
        raise _xlsx_problem(error) from None
    try:
        try:
            sheet = workbook.worksheets[0]
            # Rows as their cells are, not padded to what <dimension> claims
            # (A1:XFD1048576 would make every row 16,384 cells).
            sheet.reset_dimensions()
            values_by_row = sheet.iter_rows(values_only=True)
        except Exception as error:
            raise _xlsx_problem(error) from None
        number = 0
        text = 0
        while True:
            try:
                values = next(values_by_row)
            except StopIteration:
                break
            except Exception as error:
                raise _xlsx_problem(error) from None
            number += 1
            if number > EXCEL_MAX_ROWS:
                # <row r="2000000000"> would otherwise be preceded by as many
                # empty rows; Excel itself stops at 1,048,576.
                raise SpreadsheetError(_("The .xlsx workbook is damaged or not a workbook."))
            cells = _checked(number, [_clean(value) for value in values], limits)
            # One long shared string can be referenced by every cell: the text
            # read, not only the XML unzipped, stays within the unzipped limit.
            text += sum(len(cell) for cell in cells)
            if text > limits.unzipped_bytes:
                raise _unpacks_past(limits)
            yield cells
    finally:
        workbook.close()


def _records(data: bytes, kind: str, limits: Limits) -> Iterator[list[str]]:
    return _xlsx_rows(data, limits) if kind == "xlsx" else _csv_rows(decode_text(data), limits)


def _check_size(data: bytes, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise SpreadsheetError(
            _("The file is larger than %(limit)s MB.") % {"limit": max_bytes // (1024 * 1024)}
        )
    if not data.strip():
        raise SpreadsheetError(_("The file is empty."))


def canonical_csv(
    data: bytes,
    filename: str = "",
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    limits: Limits | None = None,
) -> bytes:
    """The first sheet of a workbook, or a CSV in any dialect and encoding, as
    plain UTF-8 CSV (comma, double quotes), one record per row, blank rows kept
    so that row numbers stay those of the file. Every limit is checked on the
    way (SpreadsheetError).

    An .xlsx is slow to read (openpyxl parses XML cell by cell); a file that is
    read twice (checked, then imported) is stored in this form after the first
    read. Read it back with `open_sheet(..., canonical=True)`.
    """
    limits = limits or Limits.from_settings()
    _check_size(data, max_bytes)
    out = io.StringIO()
    writer = csv.writer(out, dialect=csv.excel, lineterminator="\n")
    seen = 0
    for record in _records(data, detect_kind(data, filename), limits):
        if any(record):
            seen += 1
            if seen > limits.rows + 1:  # the header is not a row to import
                raise _too_many_rows(limits.rows)
        writer.writerow(record)
    return out.getvalue().encode("utf-8")


def open_sheet(
    data: bytes,
    filename: str = "",
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int | None = None,
    canonical: bool = False,
    limits: Limits | None = None,
) -> Sheet:
    """Read the header now and the rows lazily; blank rows are skipped.

    The limits are the settings' unless given; `max_rows` lowers the row limit.
    `canonical=True` reads what `canonical_csv` wrote (no sniffing, no size
    limit: the original file was checked when it arrived)."""
    limits = (limits or Limits.from_settings()).at_most(max_rows)
    if canonical:
        records = _csv_rows(data.decode("utf-8"), limits, sniff=False)
        return _sheet("csv", records, limits)
    _check_size(data, max_bytes)
    kind = detect_kind(data, filename)
    return _sheet(kind, _records(data, kind, limits), limits)


def _sheet(kind: str, records: Iterator[list[str]], limits: Limits) -> Sheet:
    header: list[str] | None = None
    number = 0
    for record in records:
        number += 1
        if any(record):
            header = record
            break
    if header is None:
        raise SpreadsheetError(_("The file has no header row."))
    return Sheet(kind=kind, headers=header, rows=_numbered(records, number, limits.rows))


def _too_many_rows(limit: int) -> SpreadsheetError:
    return SpreadsheetError(_("The file has more than %(limit)s rows.") % {"limit": f"{limit:,}"})


def _numbered(records: Iterator[list[str]], header_number: int, max_rows: int) -> Iterator[Row]:
    number = header_number
    seen = 0
    for record in records:
        number += 1
        if not any(record):
            continue
        seen += 1
        if seen > max_rows:
            raise _too_many_rows(max_rows)
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
