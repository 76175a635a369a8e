"""`harbour screen answers.json`: explained JSON out, exit 2 on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli import run_engine_command

HARBOUR = [sys.executable, "-m", "harbour.cli", "screen"]

TRAFFICKING = {
    "adult_labour.deceptive_recruitment.nature_of_job": "yes",
    "adult_labour.deceptive_recruitment.conditions_of_work": "yes",
    "adult_labour.exploitative_conditions.excessive_working_days_or_hours": "yes",
    "adult_labour.exploitative_conditions.low_or_no_salary": "yes",
    "adult_labour.coercion_at_destination.confiscation_of_documents": "yes",
    "adult_labour.coercion_at_destination.debt_bondage": "yes",
}


def screen(tmp_path: Path, payload: object | str, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_engine_command(tmp_path, "screen", payload, *extra)


@pytest.fixture
def known_ids() -> set[str]:
    from harbour.screening.catalogue import load_catalogue

    return set(load_catalogue().indicator_ids())


def test_the_payload_uses_real_indicator_ids(known_ids):
    assert set(TRAFFICKING) <= known_ids


def test_it_prints_the_explained_reading_as_json(tmp_path):
    done = screen(tmp_path, {"answers": TRAFFICKING})
    assert done.returncode == 0, done.stderr
    reading = json.loads(done.stdout)
    assert reading["code"] == "trafficking_indicated"
    assert reading["catalogue_version"]
    assert reading["legal_elements"]
    assert "consistent with" in reading["title"]["en"] + reading["summary"]["en"]


def test_it_accepts_a_list_of_answers_with_evidence(tmp_path):
    answers = [
        {"indicator_id": key, "value": value, "evidence": "Told by the person", "given_by": "her"}
        for key, value in TRAFFICKING.items()
    ]
    done = screen(tmp_path, {"answers": answers, "facts": {"under_18": False}})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["code"] == "trafficking_indicated"


def test_an_unknown_indicator_is_named_and_exits_2(tmp_path):
    done = screen(tmp_path, {"answers": {"adult_labour.no_such_thing": "yes"}})
    assert done.returncode == 2
    assert "adult_labour.no_such_thing" in done.stderr
    assert done.stdout == ""


def test_a_bad_value_is_named_and_exits_2(tmp_path):
    key = next(iter(TRAFFICKING))
    done = screen(tmp_path, {"answers": {key: "maybe"}})
    assert done.returncode == 2
    assert "maybe" in done.stderr
    assert key in done.stderr


def test_broken_json_names_the_line_and_exits_2(tmp_path):
    done = screen(tmp_path, '{"answers": {\n  "x": yes}\n}')
    assert done.returncode == 2
    assert "not valid JSON" in done.stderr
    assert "line 2" in done.stderr


@pytest.mark.parametrize(
    ("payload", "named"),
    [
        ([], "top level"),
        ({"answers": "yes"}, '"answers" must be'),
        ({"answers": {}, "colour": 1}, "colour"),
        ({"answers": {}, "facts": {"age": 17}}, "age"),
        ({"answers": {}, "facts": {"under_18": "no"}}, "under_18"),
        ({"answers": [{"value": "yes"}]}, "answer 1"),
        ({"answers": {}, "catalogue": "ilo-ec-1999.v9"}, "ilo-ec-1999.v9"),
    ],
)
def test_malformed_files_get_a_message_naming_the_problem(tmp_path, payload, named):
    done = screen(tmp_path, payload)
    assert done.returncode == 2
    assert named in done.stderr


def test_a_missing_file_exits_2(tmp_path):
    done = subprocess.run(
        [*HARBOUR, str(tmp_path / "nowhere.json")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "cannot read" in done.stderr


def test_it_lists_the_indicator_ids(tmp_path, known_ids):
    done = subprocess.run(
        [*HARBOUR, "--list-indicators"], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0
    from harbour.screening.catalogue import load_catalogue
    from harbour.screening.engine.law_first import compile_law_first

    law = compile_law_first(load_catalogue())
    assert law is not None
    assert set(done.stdout.split()) == known_ids | set(law.ids)


# --- every bad field at once, as typed, and the law-first path ---------------------------


def test_every_bad_field_is_reported_at_once_with_values_as_typed(tmp_path):
    done = screen(
        tmp_path,
        {
            "answers": {
                "adult_labour.no_such_thing": "yes",
                "adult_labour.deceptive_recruitment.nature_of_job": True,
                "law.act.recruited": None,
            },
            "facts": {"under_18": "no", "came_to_canada_from_abroad": 1, "age": 17},
            "colour": "blue",
        },
    )
    assert done.returncode == 2
    assert done.stdout == ""
    err = done.stderr
    for named in (
        "adult_labour.no_such_thing",
        "answers.adult_labour.deceptive_recruitment.nature_of_job: true is not one of",
        "answers.law.act.recruited: null is not one of",
        'facts.under_18 must be true, false or null, not "no"',
        "facts.came_to_canada_from_abroad must be true, false or null, not 1",
        'unknown fact "age"',
        'unknown key "colour"',
    ):
        assert named in err, named
    assert "True" not in err and "None" not in err


def test_an_empty_file_is_said_to_be_empty(tmp_path):
    done = screen(tmp_path, "   \n")
    assert done.returncode == 2
    assert "the file is empty" in done.stderr


def test_as_of_reads_the_law_of_that_day_and_a_bad_date_is_named(tmp_path):
    answers = {"law.exploitation.labour_or_service": "yes", "law.act.recruited": "yes"}
    done = screen(tmp_path, {"answers": answers}, "--as-of", "2008-01-01")
    assert done.returncode == 0, done.stderr
    elements = {e["id"] for e in json.loads(done.stdout)["law_first"]["elements"]}
    assert "cc_279_01.act" in elements and "cc_279_04.exploitation" not in elements
    bad = screen(tmp_path, {"answers": answers}, "--as-of", "2008-02-30")
    assert bad.returncode == 2
    assert '--as-of must be a date written YYYY-MM-DD, not "2008-02-30"' in bad.stderr
    in_file = screen(tmp_path, {"answers": answers, "as_of": "yesterday"})
    assert in_file.returncode == 2 and "as_of must be a date" in in_file.stderr


def test_a_child_gets_the_law_first_reading_from_the_command_line(tmp_path):
    answers = {
        "law.act.controlled_movements": "yes",
        "law.exploitation.labour_or_service": "yes",
        "law.exploitation.threat_to_person": "yes",
        "law.purpose.to_exploit": "yes",
    }
    done = screen(tmp_path, {"answers": answers, "facts": {"under_18": True}})
    assert done.returncode == 0, done.stderr
    reading = json.loads(done.stdout)
    assert reading["path"] == "law_first"
    assert reading["law_first"]["code"] == "all_elements_supported"
    offences = {o["id"]: o for o in reading["law_first"]["offences"]}
    assert offences["cc_279_011"]["status"] == "supported"
    assert any(
        "Children: trafficking for labour exploitation" in n["en"] for n in reading["notices"]
    )
