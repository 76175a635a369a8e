"""`make audit` says plainly when the advisory data cannot be reached, and fails
only on a known vulnerability (issue 15, finding 16)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit.py"
_spec = importlib.util.spec_from_file_location("harbour_audit_script", SCRIPT)
assert _spec and _spec.loader
audit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(audit)


def report(*dependencies: dict[str, object]) -> str:
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


def test_a_connection_failure_is_said_plainly_and_is_not_a_failed_audit():
    assert audit.verdict(1, "Traceback ... ConnectionError") == (0, audit.UNREACHABLE)


def test_every_package_not_found_reads_as_unreachable_not_as_clean():
    skipped = {"name": "django", "skip_reason": "Dependency not found on PyPI"}
    assert audit.verdict(0, report(skipped, skipped)) == (0, audit.UNREACHABLE)


def test_a_known_vulnerability_fails_and_is_named():
    status, sentence = audit.verdict(
        1, report({"name": "django", "version": "5.2.0", "vulns": [{"id": "PYSEC-1"}]})
    )
    assert status == 1
    assert "django 5.2.0: PYSEC-1" in sentence


def test_a_clean_audit_counts_what_was_checked_and_what_was_not():
    status, sentence = audit.verdict(
        0,
        report(
            {"name": "django", "version": "5.2.19", "vulns": []},
            {"name": "harbour", "skip_reason": "not on PyPI"},
        ),
    )
    assert status == 0
    assert "1 packages checked" in sentence
    assert "1 could not be checked" in sentence
