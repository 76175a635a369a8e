"""Hostile spreadsheets sent to /imports/: every one is refused with a clear,
translated message (400), never a server error, and the limits (columns, cell
length, rows, unzipped size, compression ratio) are checked before the heavy
work (issue 15, findings 1 and 2).

The hostile files are built here with zipfile and openpyxl; the builders are
shared with tests/directory/test_hostile_import.py.
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from harbour.audit.services import Actor
from harbour.core.spreadsheets import SpreadsheetError, canonical_csv, open_sheet
from harbour.imports import services
from harbour.imports.models import ImportJob

ROOT = Path(__file__).resolve().parents[2]
SHEET = "xl/worksheets/sheet1.xml"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


# --- Builders ---------------------------------------------------------------------------


def workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def replaced(data: bytes, name: str, content: bytes) -> bytes:
    """The workbook with one part's content replaced, or added (deflated, as Excel writes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = content if info.filename == name else source.read(info.filename)
            target.writestr(info.filename, body, compress_type=zipfile.ZIP_DEFLATED)
        if name not in source.namelist():
            target.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def with_shared_strings(data: bytes, strings: bytes) -> bytes:
    """The workbook with a shared-strings part (openpyxl writes its strings inline)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml")
    override = (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    data = replaced(data, "[Content_Types].xml", types.replace(b"</Types>", override.encode()))
    return replaced(data, "xl/sharedStrings.xml", strings)


def sheet_xml(cells: str, prolog: str = "") -> bytes:
    """A first sheet with a header row (A1 "Pseudonym") and the given second row."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        f'<worksheet xmlns="{MAIN_NS}"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Pseudonym</t></is></c></row>'
        f'<row r="2">{cells}</row>'
        "</sheetData></worksheet>"
    ).encode()


def inline(text: str, ref: str = "A2") -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def base() -> bytes:
    return workbook([["Pseudonym"], ["Tree1"]])


def unclosed_sheet() -> bytes:
    """The sheet's XML stops in the middle of a row."""
    return replaced(base(), SHEET, sheet_xml(inline("Tree1")).split(b"</row>")[0] + b"<row")


def billion_laughs() -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{level} "{("&lol" + (str(level - 1) if level > 1 else "") + ";") * 10}">'
        for level in range(1, 10)
    )
    return replaced(
        base(), SHEET, sheet_xml(inline("&lol9;"), prolog=f"<!DOCTYPE lolz [{entities}]>")
    )


def external_entity() -> bytes:
    """XXE: an entity that would read a file of the server."""
    prolog = '<!DOCTYPE w [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    return replaced(base(), SHEET, sheet_xml(inline("&secret;"), prolog=prolog))


def flagged_encrypted(data: bytes | None = None, name: str = SHEET) -> bytes:
    """The entry's "encrypted" flag set, in its local header and the central directory."""
    data = data or base()
    buffer = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        buffer[archive.getinfo(name).header_offset + 6] |= 0x1
    encoded = name.encode()
    position = buffer.find(b"PK\x01\x02")
    while position != -1:
        length = int.from_bytes(buffer[position + 28 : position + 30], "little")
        if buffer[position + 46 : position + 46 + length] == encoded:
            buffer[position + 8] |= 0x1
            break
        position = buffer.find(b"PK\x01\x02", position + 4)
    return bytes(buffer)


def one_huge_cell(size: int) -> bytes:
    """A small file holding one cell of `size` characters (it deflates ~1000:1)."""
    return replaced(base(), SHEET, sheet_xml(inline("A" * size)))


def wide_csv(columns: int = 20_000) -> bytes:
    header = ",".join(f"c{index}" for index in range(columns))
    return f"Pseudonyme,{header}\nTree1\n".encode()


def long_cell_csv(size: int = 131_073) -> bytes:
    return f"Pseudonyme,Résumé\nTree1,{'x' * size}\n".encode()


HOSTILE_XLSX = {
    "unclosed sheet XML": (unclosed_sheet, "XML"),
    "billion laughs": (billion_laughs, "DTD"),
    "external entity": (external_entity, "DTD"),
    "entry flagged encrypted": (flagged_encrypted, "encrypted"),
}


def upload(client, data: bytes, name: str):
    return client.post(reverse("imports:import_new"), {"file": SimpleUploadedFile(name, data)})


# --- The upload page --------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(HOSTILE_XLSX))
def test_a_hostile_xlsx_is_refused_with_a_message_and_no_job(signed_in, supervisor, kind):
    build, words = HOSTILE_XLSX[kind]
    response = upload(signed_in(supervisor), build(), "people.xlsx")
    assert response.status_code == 400
    assert words in response.context["form"].errors["file"][0]
    assert not ImportJob.objects.exists()
    assert b"root:" not in response.content, "no entity is ever resolved"


def test_an_xlsx_with_a_dtd_entity_is_refused_with_a_message():
    with pytest.raises(SpreadsheetError, match="document type declaration"):
        open_sheet(billion_laughs(), "people.xlsx")


def test_an_xlsx_whose_sheet_xml_is_not_closed_is_refused_as_damaged():
    with pytest.raises(SpreadsheetError, match="damaged"):
        canonical_csv(unclosed_sheet(), "people.xlsx")


def test_an_xlsx_with_an_entry_flagged_encrypted_is_refused_as_password_protected():
    with pytest.raises(SpreadsheetError, match="encrypted or password-protected"):
        open_sheet(flagged_encrypted(), "people.xlsx")


def test_a_csv_cell_longer_than_the_csv_reader_allows_is_refused_naming_the_row(
    signed_in, supervisor
):
    response = upload(signed_in(supervisor), long_cell_csv(), "people.csv")
    assert response.status_code == 400
    message = response.context["form"].errors["file"][0]
    assert "row 2" in message.lower() and "32,767 characters" in message
    assert "xxxx" not in message
    assert not ImportJob.objects.exists()


def test_the_refusals_are_translated_into_french(signed_in, supervisor):
    client = signed_in(supervisor)
    french = {"HTTP_ACCEPT_LANGUAGE": "fr"}
    for data, name, words in (
        (billion_laughs(), "people.xlsx", "déclaration de type de document"),
        (flagged_encrypted(), "people.xlsx", "chiffré"),
        (unclosed_sheet(), "people.xlsx", "endommagé"),
        (long_cell_csv(), "people.csv", "caractères"),
        (wide_csv(), "people.csv", "colonnes"),
    ):
        response = client.post(
            reverse("imports:import_new"), {"file": SimpleUploadedFile(name, data)}, **french
        )
        assert response.status_code == 400
        assert words in response.context["form"].errors["file"][0], name


# --- Limits, checked before the heavy work -----------------------------------------------


def test_a_csv_with_twenty_thousand_columns_is_refused_at_upload(signed_in, supervisor):
    response = upload(signed_in(supervisor), wide_csv(), "people.csv")
    assert response.status_code == 400
    assert "more than 500 columns" in response.context["form"].errors["file"][0]
    assert not ImportJob.objects.exists(), "no job, so no column-mapping page to build"


def test_a_small_xlsx_holding_one_huge_cell_is_refused_before_openpyxl_opens_it(
    supervisor, monkeypatch
):
    data = one_huge_cell(3 * 1024 * 1024)
    assert len(data) < 64 * 1024

    def must_not_parse(*args, **kwargs):
        raise AssertionError("the workbook was parsed before its ZIP sizes were checked")

    monkeypatch.setattr("openpyxl.load_workbook", must_not_parse)
    with pytest.raises(services.ImportRefused, match="compressed more than 100 to 1"):
        services.upload_spreadsheet(Actor(user=supervisor), data, "people.xlsx")
    assert not ImportJob.objects.exists()


@override_settings(HARBOUR_IMPORT_MAX_UNZIPPED_MB=1)
def test_an_xlsx_that_unpacks_past_the_limit_is_refused_from_its_zip_directory(monkeypatch):
    data = replaced(base(), SHEET, sheet_xml(inline(secrets.token_hex(600_000))))
    monkeypatch.setattr("openpyxl.load_workbook", lambda *a, **k: pytest.fail("parsed"))
    with pytest.raises(SpreadsheetError, match="unpacks to more than 1 MB"):
        open_sheet(data, "people.xlsx")


def test_an_xlsx_cell_over_the_cell_limit_is_refused_naming_its_row_and_column():
    data = replaced(base(), SHEET, sheet_xml(inline("ok") + inline("y" * 40_000, "B2")))
    with pytest.raises(SpreadsheetError, match=r"Row 2, column B has more than 32,767") as error:
        canonical_csv(data, "people.xlsx")
    assert "yyy" not in str(error.value)


@override_settings(HARBOUR_IMPORT_MAX_COLUMNS=3)
def test_a_row_wider_than_the_column_limit_is_refused_even_under_a_narrow_header():
    with pytest.raises(SpreadsheetError, match="Row 3 has more than 3 columns"):
        canonical_csv(b"a,b\n1,2\n1,2,3,4\n", "people.csv")
    assert canonical_csv(b"a,b\n1,2,,,,,,\n", "people.csv") == b"a,b\n1,2\n", (
        "empty cells at the end of a row do not count"
    )


@override_settings(HARBOUR_IMPORT_MAX_ROWS=3)
def test_more_rows_than_the_row_limit_are_refused_at_upload(supervisor):
    data = ("Pseudonyme\n" + "".join(f"Tree{i}\n" for i in range(4))).encode()
    with pytest.raises(services.ImportRefused, match="more than 3 rows"):
        services.upload_spreadsheet(Actor(user=supervisor), data, "people.csv")
    assert not ImportJob.objects.exists()


def test_a_sheet_whose_dimension_claims_the_whole_grid_is_read_by_its_cells_only():
    """A `<dimension ref="A1:XFD1048576">` would otherwise pad every row to 16,384 cells."""
    prolog_sheet = sheet_xml(inline("Tree1")).replace(
        b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>'
    )
    data = replaced(base(), SHEET, prolog_sheet)
    assert canonical_csv(data, "people.xlsx") == b"Pseudonym\nTree1\n"


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("HARBOUR_IMPORT_MAX_COLUMNS", "many", "whole number"),
        ("HARBOUR_IMPORT_MAX_ROWS", "0", "at least 1"),
        ("HARBOUR_IMPORT_MAX_CELL_CHARS", "200000", "at most 131072"),
        ("HARBOUR_IMPORT_MAX_ZIP_RATIO", "1", "at least 2"),
    ],
)
def test_a_bad_limit_setting_stops_the_process_at_start(name, value, words):
    env = {**os.environ, name: value, "DJANGO_SETTINGS_MODULE": "tests.django_settings"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and name in result.stderr
    assert words in result.stderr


def test_the_limits_default_to_documented_values():
    from django.conf import settings

    assert settings.HARBOUR_IMPORT_MAX_ROWS == 100_000
    assert settings.HARBOUR_IMPORT_MAX_COLUMNS == 500
    assert settings.HARBOUR_IMPORT_MAX_CELL_CHARS == 32_767
    assert settings.HARBOUR_IMPORT_MAX_UNZIPPED_MB == 100
    assert settings.HARBOUR_IMPORT_MAX_ZIP_RATIO == 100
    docs = (ROOT / "docs" / "imports.md").read_text(encoding="utf-8")
    for name in (
        "HARBOUR_IMPORT_MAX_ROWS",
        "HARBOUR_IMPORT_MAX_COLUMNS",
        "HARBOUR_IMPORT_MAX_CELL_CHARS",
        "HARBOUR_IMPORT_MAX_UNZIPPED_MB",
        "HARBOUR_IMPORT_MAX_ZIP_RATIO",
    ):
        assert name in docs


def test_a_good_xlsx_still_imports_after_the_checks(supervisor):
    with translation.override("en"):
        data = workbook([["Pseudonyme", "Province"], ["Tree1", "ON"], ["Tree2", "QC"]])
        job = services.upload_spreadsheet(Actor(user=supervisor), data, "people.xlsx")
    assert job.kind == "xlsx"
    assert [row.cells for row in services.open_job_sheet(job).rows] == [
        ["Tree1", "ON"],
        ["Tree2", "QC"],
    ]


def test_a_row_numbered_past_excels_last_row_is_refused_without_reading_the_gap():
    far = sheet_xml(inline("Tree1")).replace(b'<row r="2">', b'<row r="2000000000">')
    far = far.replace(b'r="A2"', b'r="A2000000000"')
    with pytest.raises(SpreadsheetError, match="damaged"):
        canonical_csv(replaced(base(), SHEET, far), "people.xlsx")


@override_settings(HARBOUR_IMPORT_MAX_UNZIPPED_MB=1)
def test_one_long_shared_string_in_every_cell_is_stopped_at_the_unzipped_limit():
    """Each cell is a few bytes of XML, but the text it stands for is 30,000 characters."""
    strings = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}" count="2" uniqueCount="2">'
        f"<si><t>Pseudonym</t></si><si><t>{secrets.token_hex(15_000)}</t></si></sst>"
    ).encode()
    rows = "".join(
        f'<row r="{row}"><c r="A{row}" t="s"><v>1</v></c></row>' for row in range(2, 200)
    )
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>'
        f'<row r="1"><c r="A1" t="s"><v>0</v></c></row>{rows}</sheetData></worksheet>'
    ).encode()
    data = with_shared_strings(replaced(base(), SHEET, sheet), strings)
    with pytest.raises(SpreadsheetError, match="unpacks to more than 1 MB"):
        canonical_csv(data, "people.xlsx")


def test_the_delimiter_is_guessed_from_the_first_8_kb_only(supervisor, monkeypatch):
    """Python's Sniffer is quadratic: 64 KB of crafted quotes kept a worker 20 s."""
    import csv

    samples: list[int] = []
    sniff = csv.Sniffer.sniff

    def measured(self, sample, delimiters=None):
        samples.append(len(sample))
        return sniff(self, sample, delimiters)

    monkeypatch.setattr(csv.Sniffer, "sniff", measured)
    crafted = ("Pseudonyme\n" + ('"' + "," * 10 + "\n") * 6000).encode()
    with contextlib.suppress(services.ImportRefused):  # refused or read: either way, quickly
        services.upload_spreadsheet(Actor(user=supervisor), crafted, "people.csv")
    assert samples and max(samples) <= 8 * 1024
    semicolons = ("Pseudonyme;Province\n" + "Tree1;ON\n" * 2000).encode()
    assert open_sheet(semicolons, "people.csv").headers == ["Pseudonyme", "Province"]


@pytest.mark.filterwarnings("ignore::UserWarning")  # openpyxl's remarks on broken parts
def test_a_few_hundred_mangled_workbooks_give_messages_never_other_errors():
    """Bytes flipped, cut or added, in the ZIP or in one XML part: a message each time."""
    import random

    rng = random.Random(15)
    good = workbook([["Pseudonym", "Born"], ["Tree1", 3], ["Tree2", "x"]])
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}

    def mangled(data: bytes) -> bytes:
        buffer = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(buffer))
            choice = rng.random()
            if choice < 0.4:
                buffer[at] = rng.randrange(256)
            elif choice < 0.7:
                del buffer[at : at + rng.randint(1, 20)]
            else:
                buffer[at:at] = bytes(rng.choice(b'<>"=/ &;#x0aA9') for _ in range(5))
        return bytes(buffer)

    for _ in range(300):
        name = rng.choice([None, *parts])
        if name is None:
            data = b"PK\x03\x04" + mangled(good)[4:]
        else:
            data = replaced(good, name, mangled(parts[name]))
        with contextlib.suppress(SpreadsheetError):
            canonical_csv(data, "people.xlsx")


def test_an_xlsx_saved_with_a_password_to_open_it_is_refused_as_password_protected():
    """Excel writes such a workbook as an encrypted compound (OLE) file, not a ZIP."""
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    with pytest.raises(SpreadsheetError, match="encrypted or password-protected"):
        open_sheet(ole, "people.xlsx")
