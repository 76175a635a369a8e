"""`harbour stats table`: real files through the real command, no database, no keys."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

COLUMNS = ["row", "col", "count", "flag"]


def stats(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command with an environment that holds no HARBOUR_* keys and no database."""
    return subprocess.run(
        [sys.executable, "-m", "harbour.cli", "stats", *args],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        cwd=tmp_path,
        timeout=120,
        check=False,
    )


def write_people(path: Path, groups: dict[tuple[str, str], int]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["person", "province", "sector"])
        number = 0
        for (province, sector), count in groups.items():
            for _ in range(count):
                number += 1
                writer.writerow([f"p{number}", province, sector])
    return path


GROUPS = {
    ("ON", "agriculture"): 40,
    ("ON", "care"): 3,
    ("ON", "hospitality"): 25,
    ("QC", "agriculture"): 30,
    ("QC", "care"): 22,
    ("QC", "hospitality"): 18,
    ("BC", "agriculture"): 27,
    ("BC", "care"): 16,
    ("BC", "hospitality"): 2,
}


def read_output(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == COLUMNS
        return list(reader)


def run_table(tmp_path: Path, *extra: str, name: str = "table.csv") -> list[dict[str, str]]:
    records = write_people(tmp_path / "people.csv", GROUPS)
    done = stats(
        tmp_path, "table", str(records), "--rows", "province", "--cols", "sector",
        "--out", str(tmp_path / name), *extra,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return read_output(tmp_path / name)


def test_a_table_lists_cells_then_margins_with_total_and_hides_small_counts(
    tmp_path: Path,
) -> None:
    rows = run_table(tmp_path, "--seed", "7")
    positions = [(r["row"], r["col"]) for r in rows]
    provinces, sectors = ["BC", "ON", "QC"], ["agriculture", "care", "hospitality"]
    assert positions == (
        [(p, s) for p in provinces for s in sectors]
        + [(p, "Total") for p in provinces]
        + [("Total", s) for s in sectors]
        + [("Total", "Total")]
    )
    by_position = {(r["row"], r["col"]): r for r in rows}
    for small in (("ON", "care"), ("BC", "hospitality")):
        assert by_position[small] == {
            "row": small[0],
            "col": small[1],
            "count": "",
            "flag": "suppressed",
        }
    # a small cell alone in its row would be given away by the margin: more are hidden
    assert sum(1 for r in rows if r["flag"] == "suppressed") >= 4
    for row in rows:
        assert row["flag"] in ("published", "suppressed")
        if row["flag"] == "published":
            assert int(row["count"]) % 5 == 0 and int(row["count"]) >= 10


def test_the_same_seed_gives_the_same_table_and_another_seed_another(tmp_path: Path) -> None:
    first = run_table(tmp_path, "--seed", "42", name="a.csv")
    again = run_table(tmp_path, "--seed", "42", name="b.csv")
    assert first == again
    others = [run_table(tmp_path, "--seed", str(n), name=f"c{n}.csv") for n in range(3)]
    assert any(other != first for other in others)


def test_no_rounding_and_a_lower_threshold_publish_exact_counts(tmp_path: Path) -> None:
    rows = run_table(tmp_path, "--round", "1", "--k", "2", "--seed", "1")
    by_position = {(r["row"], r["col"]): r["count"] for r in rows}
    assert by_position["ON", "agriculture"] == "40"
    assert by_position["Total", "Total"] == str(sum(GROUPS.values()))


def test_differential_privacy_keeps_the_format_and_the_same_seed_its_answer(
    tmp_path: Path,
) -> None:
    rows = run_table(tmp_path, "--epsilon", "1", "--seed", "3")
    assert all(r["flag"] in ("published", "suppressed") for r in rows)
    assert {r["flag"] for r in rows} == {"published", "suppressed"}
    assert run_table(tmp_path, "--epsilon", "1", "--seed", "3", name="again.csv") == rows


def test_a_missing_option_is_named_and_exits_2(tmp_path: Path) -> None:
    records = write_people(tmp_path / "people.csv", GROUPS)
    done = stats(tmp_path, "table", str(records), "--rows", "province", "--out", "t.csv")
    assert done.returncode == 2 and "--cols" in done.stderr
    assert not (tmp_path / "t.csv").exists()


def test_an_output_that_cannot_be_written_is_named_and_exits_2(tmp_path: Path) -> None:
    records = write_people(tmp_path / "people.csv", GROUPS)
    out = tmp_path / "no such folder" / "t.csv"
    done = stats(
        tmp_path, "table", str(records), "--rows", "province", "--cols", "sector",
        "--out", str(out),
    )  # fmt: skip
    assert done.returncode == 2 and f"cannot write {out}" in done.stderr


def test_every_entry_is_a_cell_or_a_margin_and_margins_say_total(tmp_path: Path) -> None:
    rows = run_table(tmp_path, "--seed", "9")
    provinces = {r["row"] for r in rows} - {"Total"}
    sectors = {r["col"] for r in rows} - {"Total"}
    assert provinces == {"BC", "ON", "QC"} and sectors == {"agriculture", "care", "hospitality"}
    assert sum(1 for r in rows if r["col"] == "Total") == len(provinces) + 1
    assert sum(1 for r in rows if r["row"] == "Total") == len(sectors) + 1
    for row in rows:  # count empty exactly when suppressed
        assert (row["count"] == "") == (row["flag"] == "suppressed")


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (None, [], "cannot read"),
        ("", [], "the file is empty"),
        ("person,province,sector\n", [], "no records"),
        ("person,province\np1,ON\n", [], "no column 'sector'"),
        (b"\xff\xfe\x00binary", [], "not UTF-8"),
        ('person,province,sector\n"p1,ON,care\n', [], "not a readable CSV"),
        ("person,province,sector\np1,ON,care\n", ["--k", "0"], "k must be at least 1"),
        (
            "person,province,sector\np1,ON,care\n",
            ["--round", "zero"],
            "rounding base must be a whole",
        ),
        (
            "person,province,sector\np1,ON,care\n",
            ["--round", "0"],
            "rounding base must be at least 1",
        ),
        ("person,province,sector\np1,ON,care\n", ["--epsilon", "-1"], "epsilon must be above 0"),
        ("person,province,sector\np1,Total,care\n", [], "named 'Total'"),
        ("person,province,sector\np1,ON\n", [], "row 2: fewer values than the header"),
        ("person,province,sector\np1,ON,care,x\n", [], "row 2: more values than the header"),
        ("person,province,sector\np1,ON,care\n", ["--seed", "abc"], "seed must be a whole"),
        ("person,province,sector\np1,ON,care\n", ["--seed", "-3"], "seed must be at least 0"),
        ("person,province,sector\np1,ON,care\n", ["--rows", "sector"], "the same column"),
    ],
)
def test_bad_input_is_named_and_exits_2(
    tmp_path: Path, content: str | bytes | None, args: list[str], message: str
) -> None:
    records = tmp_path / "people.csv"
    if isinstance(content, bytes):
        records.write_bytes(content)
    elif content is not None:
        records.write_text(content, encoding="utf-8")
    done = stats(
        tmp_path, "table", str(records), "--rows", "province", "--cols", "sector",
        "--out", str(tmp_path / "out.csv"), *args,
    )  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    assert message in done.stderr
    assert not (tmp_path / "out.csv").exists()


def test_the_output_never_says_why_a_count_is_hidden(tmp_path: Path) -> None:
    run_table(tmp_path, "--seed", "5")
    text = (tmp_path / "table.csv").read_text(encoding="utf-8")
    for word in ("small", "complementary", "whole-line", "held", "shared", "reason"):
        assert word not in text
