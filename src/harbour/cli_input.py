"""Reading a JSON input file for the engine commands (`harbour screen`,
`harbour pathways`), with messages that name what is wrong."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


class InputProblem(Exception):
    """Bad input: the message names the file and the problem; exit code 2."""


def read_json(source: str) -> Any:
    """Parse a file, or standard input for "-"."""
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as error:
        raise InputProblem(f"cannot read {source}: {error.strerror}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputProblem(
            f"{source} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
