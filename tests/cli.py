"""Running the `harbour` command as an operator does: a separate process with its
own data folder and none of the test suite's keys or settings."""

from __future__ import annotations

import json
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


def run_engine_command(
    tmp_path: Path, verb: str, payload: object | str, *extra: str
) -> subprocess.CompletedProcess[str]:
    """`harbour screen|pathways FILE`, with the payload written to FILE.

    The environment holds no HARBOUR_* keys and no database: the engine
    commands must not need them.
    """
    path = tmp_path / "input.json"
    path.write_text(payload if isinstance(payload, str) else json.dumps(payload), "utf-8")
    return subprocess.run(
        [sys.executable, "-m", "harbour.cli", verb, str(path), *extra],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
