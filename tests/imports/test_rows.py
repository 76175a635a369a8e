"""One spreadsheet row to the data cases.services takes (imports.rows)."""

from __future__ import annotations

import datetime

from harbour.core.spreadsheets import guess_mapping
from harbour.imports.rows import known_headers, parse_row


def test_a_complete_row_becomes_person_and_case_data():
    parsed = parse_row(
        2,
        {
            "pseudonym": "Birch",
            "date_of_birth": "1990-05-01",
            "immigration_status": "Temporary foreign worker",
            "province": "Ontario",
            "forms": "labour_trafficking; domestic servitude",
            "closed_on": "2026-03-01",
            "opened_on": "2026-01-01",
        },
    )
    assert not parsed.problems
    assert parsed.person == {
        "pseudonym": "Birch",
        "date_of_birth": datetime.date(1990, 5, 1),
        "immigration_status": "temporary_worker",
    }
    assert parsed.case["province"] == "ON"
    assert parsed.case["status"] == "closed"
    assert parsed.forms == ["labour_trafficking", "domestic_servitude"]


def test_problems_name_the_row_and_column_but_never_the_value():
    parsed = parse_row(
        7,
        {
            "pseudonym": "",
            "date_of_birth": "01/05/1990",
            "province": "Atlantis",
            "email": "not-an-address",
            "forms": "labour_trafficking; secret plan",
        },
    )
    found = {(p.row, p.column) for p in parsed.problems}
    assert found == {
        (7, "pseudonym"),
        (7, "date_of_birth"),
        (7, "province"),
        (7, "email"),
        (7, "forms"),
    }
    text = " ".join(p.problem for p in parsed.problems)
    for value in ("01/05/1990", "Atlantis", "not-an-address", "secret plan"):
        assert value not in text


def test_a_case_cannot_close_before_it_opened():
    parsed = parse_row(3, {"pseudonym": "A", "opened_on": "2026-02-01", "closed_on": "2026-01-01"})
    assert [(p.column) for p in parsed.problems] == ["closed_on"]


def test_french_and_english_headers_map_by_default():
    headers = ["Pseudonyme", "Nom", "Date de naissance", "Courriel", "Phone", "Secteur", "Other"]
    mapping = guess_mapping(headers, known_headers())
    assert mapping == {
        "pseudonym": 0,
        "legal_name": 1,
        "date_of_birth": 2,
        "email": 3,
        "phone": 4,
        "sector": 5,
    }
