"""Running the `harbour` command as an operator does: a separate process with its
own data folder and none of the test suite's keys or settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def cli_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("HARBOUR_")
        and name not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update({"HARBOUR_DATA_DIR": str(data_dir), "HARBOUR_ENV": "development", **extra})
    return env


def harbour(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return python(env, cwd, "-m", "harbour.cli", *args)


def python(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
