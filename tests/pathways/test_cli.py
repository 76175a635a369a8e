"""`harbour pathways facts.json [--as-of DATE]`: JSON out, exit 2 on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.cli import run_engine_command

HARBOUR = [sys.executable, "-m", "harbour.cli", "pathways"]

LOST_STATUS = {
    "in_canada": True,
    "status": "out_of_status",
    "permit_type": "visitor",
    "status_lost_reason": "length_of_stay",
    "status_lost_on": "2025-01-10",
    "meets_initial_requirements": True,
}


def pathways(
    tmp_path: Path, payload: object | str, *extra: str
) -> subprocess.CompletedProcess[str]:
    return run_engine_command(tmp_path, "pathways", payload, *extra)


def by_id(output: str) -> dict[str, dict]:
    return {p["id"]: p for p in json.loads(output)["pathways"]}


def test_it_prints_every_pathway_as_json_with_computed_deadlines(tmp_path):
    done = pathways(tmp_path, {"as_of": "2025-04-10", "facts": LOST_STATUS})
    assert done.returncode == 0, done.stderr
    restoration = by_id(done.stdout)["restoration_of_status"]
    assert restoration["status"] == "likely_eligible"
    assert restoration["dates"][0]["date"] == "2025-04-10"
    assert restoration["explanation"]["fr"]


def test_the_as_of_option_overrides_the_file(tmp_path):
    done = pathways(
        tmp_path, {"as_of": "2025-04-10", "facts": LOST_STATUS}, "--as-of", "2025-04-11"
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["as_of"] == "2025-04-11"
    assert by_id(done.stdout)["restoration_of_status"]["status"] == "not_eligible"


def test_a_bare_object_of_facts_is_accepted(tmp_path):
    done = pathways(tmp_path, LOST_STATUS, "--as-of", "2025-02-01")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ask_next"]


def test_an_unknown_fact_is_named_and_exits_2(tmp_path):
    done = pathways(tmp_path, {"facts": {"citizenship": "MX"}})
    assert done.returncode == 2
    assert "citizenship" in done.stderr and done.stdout == ""


def test_a_bad_value_is_named_and_exits_2(tmp_path):
    done = pathways(tmp_path, {"facts": {"status_lost_on": "10/01/2025"}})
    assert done.returncode == 2
    assert "status_lost_on" in done.stderr


def test_a_bad_as_of_is_named_and_exits_2(tmp_path):
    done = pathways(tmp_path, {"facts": {}}, "--as-of", "tomorrow")
    assert done.returncode == 2
    assert "--as-of" in done.stderr


def test_an_unknown_top_level_key_is_named_and_exits_2(tmp_path):
    done = pathways(tmp_path, {"facts": {}, "answers": {}})
    assert done.returncode == 2
    assert "answers" in done.stderr


def test_invalid_json_exits_2_with_the_position(tmp_path):
    done = pathways(tmp_path, "{not json")
    assert done.returncode == 2
    assert "not valid JSON" in done.stderr and "line 1" in done.stderr


def test_a_missing_file_exits_2(tmp_path):
    done = subprocess.run(
        [*HARBOUR, str(tmp_path / "absent.json")],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "cannot read" in done.stderr


def test_list_facts_prints_every_fact_name_and_its_values(tmp_path):
    done = subprocess.run(
        [*HARBOUR, "--list-facts"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        timeout=60,
        check=False,
    )
    assert done.returncode == 0
    assert "province: AB | BC" in done.stdout
    assert "status_lost_on: date" in done.stdout


def test_a_citizen_is_not_applicable_and_provenance_is_shown_beside_the_criteria(tmp_path):
    payload = {
        "as_of": "2026-06-01",
        "facts": {"status": "citizen", "in_canada": True, "province": "ON"},
        "provenance": {"status": {"source": "documented", "document": "passport-scan"}},
    }
    done = pathways(tmp_path, payload)
    assert done.returncode == 0, done.stderr
    trp = by_id(done.stdout)["vtip_trp"]
    assert trp["status"] == "not_applicable" and trp["not_applicable_on"] == ["status"]
    condition = next(c for c in trp["criteria"] if c["id"] == "foreign_national")
    assert condition["provenance"] == [
        {"fact": "status", "source": "documented", "document": "passport-scan"}
    ]


def test_brief_prints_one_line_per_pathway_with_not_yet_dates_and_caps(tmp_path):
    facts = {
        "status": "temporary_resident",
        "permit_type": "temporary_resident_permit",
        "trp_issued_on": "2022-06-01",
        "inadmissibility": "other",
        "inadmissible_since_permit": False,
        "province": "ON",
        "works_or_worked_in_canada": True,
    }
    done = pathways(tmp_path, {"as_of": "2026-12-01", "facts": facts}, "--brief")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert any(line.startswith("pr_permit_holders: not_yet (from 2027-06-01)") for line in lines)
    assert any(
        line.startswith("on_esa_claim: possibly_eligible (capped by unverified: works_in_province")
        and "[review overdue]" in line
        for line in lines
    )


def test_every_bad_provenance_is_named_at_once_with_exit_2(tmp_path):
    payload = {
        "facts": {"in_canada": "perhaps"},
        "provenance": {
            "in_canada": {"source": "rumour"},
            "shoe_size": {"source": "stated"},
            "status": {"source": "documented"},
        },
    }
    done = pathways(tmp_path, payload)
    assert done.returncode == 2
    for named in ("in_canada", "rumour", "shoe_size", "status"):
        assert named in done.stderr
