"""`harbour link mentions.csv --out clusters.csv`, run as an operator runs it."""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

import pytest

from tests.cli import python

from .parties import employers, pairwise_f1

HEADER = "mention_id,case_id,org,role,name,phone,address"


def harbour_link(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real command in a separate process, with no HARBOUR_* keys and no database."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    return python(env, tmp_path, "-m", "harbour.cli", "link", *args)


def write(tmp_path: Path, text: str, name: str = "mentions.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def read_clusters(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_it_writes_one_row_per_mention_in_the_fixed_format(tmp_path):
    source = write(
        tmp_path,
        f"{HEADER}\n"
        'm1,c1,org-a,employer,1234567 Ontario Inc.,(519) 555-0142,"12 Talbot St, Leamington ON"\n'
        "m2,c2,org-b,employer,1234567 ONTARIO LIMITED,1-519-555-0142,\n"
        'm3,c2,org-b,recruiter,"Smith, Bob",,\n'
        'm4,c3,org-a,housing,,,"Apt 4, 9 Mill St, Simcoe, ON N3Y 1A1"\n'
        'm5,c4,org-a,housing,,,"4-9 Mill Street Simcoe Ontario n3y1a1"\n'
        "m6,c4,org-a,transporter,,,\n",
    )
    result = harbour_link(tmp_path, str(source), "--out", "clusters.csv")
    assert result.returncode == 0, result.stderr
    rows = read_clusters(tmp_path / "clusters.csv")
    assert list(rows[0]) == ["mention_id", "entity_id", "role", "match_probability"]
    assert [row["mention_id"] for row in rows] == ["m1", "m2", "m3", "m4", "m5", "m6"]
    by_id = {row["mention_id"]: row for row in rows}
    assert by_id["m1"]["entity_id"] == by_id["m2"]["entity_id"]
    assert by_id["m4"]["entity_id"] == by_id["m5"]["entity_id"]
    assert by_id["m1"]["role"] == "employer" and by_id["m4"]["role"] == "housing"
    assert float(by_id["m1"]["match_probability"]) == 1.0
    assert by_id["m3"]["match_probability"] == ""
    assert len({row["entity_id"] for row in rows}) == 4


def test_it_shows_progress_on_standard_error_and_nothing_on_standard_output(tmp_path):
    source = write(tmp_path, f"{HEADER}\nm1,c1,o,employer,Acme Farms,,\n")
    result = harbour_link(tmp_path, str(source), "--out", "clusters.csv")
    assert result.returncode == 0
    assert result.stdout == ""
    assert "normalising 1 mentions" in result.stderr
    assert "wrote 1 mentions in 1 entities" in result.stderr


def test_it_links_a_set_large_enough_for_the_model(tmp_path):
    mentions, truth = employers(parties=110, mentions_each=5)
    lines = [HEADER] + [
        ",".join(
            f'"{value}"'
            for value in (m.mention_id, m.case_id, m.org, m.role, m.name, m.phone, m.address)
        )
        for m in mentions
    ]
    source = write(tmp_path, "\n".join(lines) + "\n")
    result = harbour_link(tmp_path, str(source), "--out", "clusters.csv", "--threshold", "0.9")
    assert result.returncode == 0, result.stderr
    assert "employer: estimating the model (550 mentions)" in result.stderr
    assigned = {
        row["mention_id"]: row["entity_id"] for row in read_clusters(tmp_path / "clusters.csv")
    }
    assert pairwise_f1(assigned, truth)[2] >= 0.97


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "mention_id,case_id,org,role,name,phone\nm1,c,o,employer,A,1\n",
            "missing column(s) address",
        ),
        ("id,role\n", "missing column(s) mention_id, case_id, org, name, phone, address"),
        ("", "missing column(s) mention_id"),
        (f"{HEADER}\nm1,c,o,employer,A,,\nm2,c,o,landlord,B,,\n", "row 3: unknown role 'landlord'"),
        (f"{HEADER}\nm1,c,o,,A,,\n", "row 2: unknown role ''"),
        (f"{HEADER}\nm1,c,o,employer,A,,\nm1,c,o,employer,B,,\n", "row 3: mention_id m1 repeats"),
        (f"{HEADER}\n,c,o,employer,A,,\n", "row 2: mention_id is empty"),
    ],
)
def test_bad_input_is_named_and_exits_with_status_2(tmp_path, text, message):
    source = write(tmp_path, text)
    result = harbour_link(tmp_path, str(source), "--out", "clusters.csv")
    assert result.returncode == 2
    assert message in result.stderr
    assert not (tmp_path / "clusters.csv").exists()


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    source = tmp_path / "mentions.csv"
    source.write_bytes(f"{HEADER}\nm1,c,o,employer,Côté Ltée,,\n".encode("latin-1"))
    result = harbour_link(tmp_path, str(source), "--out", "clusters.csv")
    assert result.returncode == 2
    assert "is not UTF-8 text" in result.stderr


def test_a_missing_file_is_named(tmp_path):
    result = harbour_link(tmp_path, "nowhere.csv", "--out", "clusters.csv")
    assert result.returncode == 2
    assert "cannot read nowhere.csv" in result.stderr


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--threshold", "high"], "--threshold: not a number: 'high'"),
        (["--threshold", "0"], "--threshold: must be above 0 and at most 1, not 0"),
        (["--threshold", "1.2"], "--threshold: must be above 0 and at most 1, not 1.2"),
        (["--engine", "sqlite"], "--engine: invalid choice: 'sqlite'"),
    ],
)
def test_bad_options_are_named_and_exit_with_status_2(tmp_path, option, message):
    source = write(tmp_path, f"{HEADER}\nm1,c,o,employer,A,,\n")
    result = harbour_link(tmp_path, str(source), "--out", "clusters.csv", *option)
    assert result.returncode == 2
    assert message in result.stderr


def test_the_output_option_is_required(tmp_path):
    source = write(tmp_path, f"{HEADER}\nm1,c,o,employer,A,,\n")
    result = harbour_link(tmp_path, str(source))
    assert result.returncode == 2
    assert "--out" in result.stderr
