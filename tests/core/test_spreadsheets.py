"""The shared spreadsheet reader and writer (harbour.core.spreadsheets).

No database: bytes in, rows out.
"""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from openpyxl import Workbook, load_workbook

from harbour.core.spreadsheets import (
    SpreadsheetError,
    escape_cell,
    guess_mapping,
    normalise_header,
    open_sheet,
    write_csv,
    write_xlsx,
)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def read_all(data: bytes, filename: str = "data.csv") -> tuple[list[str], list[tuple[int, list]]]:
    sheet = open_sheet(data, filename)
    return sheet.headers, [(row.number, row.cells) for row in sheet.rows]


def test_it_reads_a_utf8_csv_with_a_byte_order_mark():
    data = "\ufeffNom,Langue\nMaison Écluse,français\n".encode()
    headers, rows = read_all(data)
    assert headers == ["Nom", "Langue"]
    assert rows == [(2, ["Maison Écluse", "français"])]


def test_it_reads_a_cp1252_csv_as_excel_on_windows_writes_it():
    data = "Nom;Ville\nCentre Québécois;Montréal\n".encode("cp1252")
    headers, rows = read_all(data)
    assert headers == ["Nom", "Ville"]
    assert rows == [(2, ["Centre Québécois", "Montréal"])]


def test_it_sniffs_semicolons_and_tabs():
    assert read_all(b"a;b\n1;2\n")[1] == [(2, ["1", "2"])]
    assert read_all(b"a\tb\n1\t2\n", "data.tsv")[1] == [(2, ["1", "2"])]


def test_it_numbers_rows_as_the_spreadsheet_shows_them_and_skips_blank_ones():
    _, rows = read_all(b"name\nfirst\n\n,\nsecond\n")
    assert rows == [(2, ["first"]), (5, ["second"])]


def test_it_reads_an_xlsx_with_dates_and_numbers_as_text():
    data = xlsx_bytes([["Name", "Born", "Count"], ["Birch", datetime.date(1990, 5, 1), 3.0]])
    sheet = open_sheet(data, "people.xlsx")
    assert sheet.kind == "xlsx"
    assert sheet.headers == ["Name", "Born", "Count"]
    assert [row.cells for row in sheet.rows] == [["Birch", "1990-05-01", "3"]]


def test_it_refuses_a_file_whose_content_is_not_what_its_name_says():
    with pytest.raises(SpreadsheetError, match="zip archive"):
        open_sheet(xlsx_bytes([["a"]]), "data.csv")
    with pytest.raises(SpreadsheetError, match=r"\.csv and \.xlsx"):
        open_sheet(b"a,b\n", "photo.png")
    with pytest.raises(SpreadsheetError, match=r"save the sheet as \.xlsx"):
        open_sheet(b"\xd0\xcf\x11\xe0 old excel", "old.xls")
    with pytest.raises(SpreadsheetError, match="not a text"):
        open_sheet(b"\x89PNG\r\n\x1a\n\x00\x00\x00", "")


def test_it_refuses_a_damaged_workbook():
    with pytest.raises(SpreadsheetError, match="damaged"):
        open_sheet(b"PK\x03\x04 not really a zip", "data.xlsx")


def test_it_refuses_too_large_empty_or_headerless_files():
    with pytest.raises(SpreadsheetError, match="larger than 1 MB"):
        open_sheet(b"a\n" * (600 * 1024), "big.csv", max_bytes=1024 * 1024)
    with pytest.raises(SpreadsheetError, match="empty"):
        open_sheet(b"  \n", "empty.csv")
    with pytest.raises(SpreadsheetError, match="no header"):
        open_sheet(xlsx_bytes([[None], [None]]), "blank.xlsx")


def test_it_stops_at_the_row_limit():
    sheet = open_sheet(b"a\n1\n2\n3\n", "data.csv", max_rows=2)
    with pytest.raises(SpreadsheetError, match="more than 2 rows"):
        list(sheet.rows)


def test_it_refuses_text_in_neither_utf8_nor_cp1252():
    with pytest.raises(SpreadsheetError, match="encoding"):
        open_sheet(b"name\n\x81\x8d\x8f\x90\n", "data.csv")


def test_headers_are_normalised_across_case_accents_and_punctuation():
    assert normalise_header(" Date de Naissance ") == "date_de_naissance"
    assert normalise_header("Téléphone") == "telephone"
    assert normalise_header("E-mail") == "e_mail"


def test_columns_are_guessed_from_english_or_french_headers_each_used_once():
    known = {"name": ["nom"], "phone": ["telephone", "tel"], "email": ["courriel"]}
    headers = ["Téléphone", "Nom", "Tel", "Notes"]
    assert guess_mapping(headers, known) == {"name": 1, "phone": 0}


@pytest.mark.parametrize("dangerous", ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=cmd", "\r=cmd"])
def test_cells_that_would_run_as_formulas_are_escaped(dangerous):
    assert escape_cell(dangerous) == "'" + dangerous


def test_harmless_cells_and_numbers_are_left_alone():
    assert escape_cell("Birch") == "Birch"
    assert escape_cell(-3) == -3
    assert escape_cell("") == ""


def test_written_csv_and_xlsx_carry_escaped_cells():
    rows = [['=HYPERLINK("http://example.org")', "fine"]]
    text = write_csv(["problem", "note"], rows).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[1] == ['\'=HYPERLINK("http://example.org")', "fine"]
    workbook = load_workbook(io.BytesIO(write_xlsx(["problem", "note"], rows)))
    cell = workbook.active["A2"]
    assert cell.data_type == "s"
    assert cell.value.startswith("'=")
