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
    assert set(done.stdout.split()) == known_ids
