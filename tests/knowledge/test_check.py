"""`harbour knowledge check`: every knowledge file validated on its own, rules
past their review date listed, without Django, a database or keys."""

from __future__ import annotations

import datetime
import shutil
import subprocess
import sys
from pathlib import Path

from harbour.knowledge.check import check_knowledge
from harbour.knowledge.loader import KNOWLEDGE_ROOT
from harbour.pathways.rules import load_pathways

FIXTURES = Path(__file__).resolve().parents[1] / "pathways" / "fixtures"


def knowledge(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harbour.cli", "knowledge", *args],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        cwd=tmp_path,
        timeout=120,
        check=False,
    )


def copy_of_knowledge(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_ROOT, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return root


def test_harbours_own_knowledge_is_valid(tmp_path: Path) -> None:
    result = knowledge(tmp_path, "check", "--as-of", "2025-01-01")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 invalid" in result.stdout
    for pathway in load_pathways():
        assert f"pathway {pathway.id}:" in result.stdout


def test_it_lists_pathways_past_their_review_date_oldest_first() -> None:
    pathways = load_pathways()
    latest = max(p.review_by for p in pathways)
    day_after = latest + datetime.timedelta(days=1)
    report = check_knowledge(as_of=day_after)
    assert {o.what for o in report.overdue} == {f"pathway {p.id}" for p in pathways}
    dates = [o.review_by for o in report.overdue]
    assert dates == sorted(dates)
    earliest = min(p.review_by for p in pathways)
    assert check_knowledge(as_of=earliest).overdue == []


def test_fail_on_overdue_turns_a_due_review_into_a_failure(tmp_path: Path) -> None:
    late = knowledge(tmp_path, "check", "--as-of", "2099-01-01", "--fail-on-overdue")
    assert late.returncode == 1
    assert "Past their review date on 2099-01-01" in late.stdout
    early = knowledge(tmp_path, "check", "--as-of", "2020-01-01", "--fail-on-overdue")
    assert early.returncode == 0


def test_a_broken_file_is_named_and_the_others_are_still_checked(tmp_path: Path) -> None:
    root = copy_of_knowledge(tmp_path)
    bad = FIXTURES / "bad" / "bad_fact_value.yaml"
    (root / "pathways" / "vtip-trp.yaml").write_text(bad.read_text("utf-8"), "utf-8")
    result = knowledge(tmp_path, "check", "--root", str(root), "--as-of", "2025-01-01")
    assert result.returncode == 1
    assert "INVALID" in result.stdout and "vtip-trp.yaml" in result.stdout
    assert "pathway restoration_of_status:" in result.stdout  # the rest was checked
    assert "1 invalid" in result.stdout


def test_a_broken_screening_catalogue_is_named(tmp_path: Path) -> None:
    root = copy_of_knowledge(tmp_path)
    catalogue = next((root / "indicators").glob("*.yaml"))
    catalogue.write_text(catalogue.read_text("utf-8") + "\nunexpected_key: 1\n", "utf-8")
    result = knowledge(tmp_path, "check", "--root", str(root))
    assert result.returncode == 1
    assert catalogue.name in result.stdout


def test_bad_arguments_are_named_with_exit_code_2(tmp_path: Path) -> None:
    assert knowledge(tmp_path).returncode == 2
    bad_date = knowledge(tmp_path, "check", "--as-of", "31/12/2026")
    assert bad_date.returncode == 2 and "--as-of" in bad_date.stderr
    missing = knowledge(tmp_path, "check", "--root", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "is not a folder" in missing.stderr


def test_the_htcds_files_and_the_public_texts_are_checked_too(tmp_path: Path) -> None:
    result = knowledge(tmp_path, "check", "--as-of", "2025-01-01")
    assert "ok       htcds/fields-2.0.yaml: HTCDS field sheet 2.0" in result.stdout
    assert "ok       htcds/harbour-mapping.yaml" in result.stdout
    assert "ok       public/selfcheck.yaml: public self-check" in result.stdout
    assert "ok       public/pages.yaml" in result.stdout


def test_an_htcds_value_the_field_sheet_does_not_list_is_named(tmp_path: Path) -> None:
    root = copy_of_knowledge(tmp_path)
    mapping = root / "htcds" / "harbour-mapping.yaml"
    text = mapping.read_text("utf-8")
    assert "htcds: [ForcedLabour]" in text
    mapping.write_text(text.replace("htcds: [ForcedLabour]", "htcds: [ForcedLabor]", 1), "utf-8")
    result = knowledge(tmp_path, "check", "--root", str(root), "--as-of", "2025-01-01")
    assert result.returncode == 1
    assert "INVALID" in result.stdout and "ForcedLabor" in result.stdout
    assert "1 invalid" in result.stdout


def test_a_self_check_question_naming_an_unknown_indicator_is_named(tmp_path: Path) -> None:
    root = copy_of_knowledge(tmp_path)
    selfcheck = root / "public" / "selfcheck.yaml"
    text = selfcheck.read_text("utf-8")
    marker = "    indicators:\n"
    assert marker in text
    selfcheck.write_text(text.replace(marker, marker + "      - no_such_indicator\n", 1), "utf-8")
    result = knowledge(tmp_path, "check", "--root", str(root), "--as-of", "2025-01-01")
    assert result.returncode == 1
    assert "no_such_indicator" in result.stdout and "selfcheck.yaml" in result.stdout
    assert "1 invalid" in result.stdout


def test_public_texts_are_not_blamed_for_a_broken_pathway(tmp_path: Path) -> None:
    root = copy_of_knowledge(tmp_path)
    bad = FIXTURES / "bad" / "bad_fact_value.yaml"
    (root / "pathways" / "vtip-trp.yaml").write_text(bad.read_text("utf-8"), "utf-8")
    result = knowledge(tmp_path, "check", "--root", str(root), "--as-of", "2025-01-01")
    assert "selfcheck.yaml: public texts: not cross-checked, the pathways are invalid" in (
        result.stdout
    )
    assert "1 invalid" in result.stdout
