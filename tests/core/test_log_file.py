"""HARBOUR_LOG_FILE: Django's log written to a file that rotates by size
(issue 15, finding 11: a probe filled 67 MB of log that nothing trimmed)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

WRITE_TWO_MEGABYTES = """
import logging, django
django.setup()
line = "x" * 1000
for _ in range(2100):
    logging.getLogger("harbour.test").warning(line)
"""


def run_with_log_file(log_file: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("HARBOUR_")},
        "DJANGO_SETTINGS_MODULE": "tests.django_settings",
        "PYTHONPATH": str(REPO_ROOT),
        "HARBOUR_DATA_DIR": str(log_file.parent / "data"),
        "HARBOUR_LOG_FILE": str(log_file),
        **extra,
    }
    return subprocess.run(
        [sys.executable, "-c", WRITE_TWO_MEGABYTES],
        env=environment,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_log_file_rotates_at_its_size_and_keeps_only_the_files_asked_for(tmp_path):
    log_file = tmp_path / "harbour.log"
    done = run_with_log_file(log_file, HARBOUR_LOG_MAX_MB="1", HARBOUR_LOG_FILES="1")
    assert done.returncode == 0, done.stderr
    files = sorted(path.name for path in tmp_path.glob("harbour.log*"))
    assert files == ["harbour.log", "harbour.log.1"]
    for name in files:
        assert (tmp_path / name).stat().st_size <= 1024 * 1024
    assert "harbour.test" in log_file.read_text(encoding="utf-8")


def test_the_log_file_gets_the_same_privacy_filters_as_the_console():
    from django.conf import settings

    from harbour.core.logging import log_handlers

    handlers = log_handlers(log_file="/var/log/harbour/harbour.log", max_mb=10, files=5)
    assert handlers["file"]["filters"] == handlers["console"]["filters"]
    assert handlers["file"]["maxBytes"] == 10 * 1024 * 1024
    assert handlers["file"]["backupCount"] == 5
    assert set(settings.LOGGING["handlers"]) == {"console"}  # no file unless asked
