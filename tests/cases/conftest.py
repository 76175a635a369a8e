"""Each test keeps its documents in a folder of its own, so that what a test
finds on disk is what it wrote."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def document_root(tmp_path: Any, settings: Any) -> Any:
    settings.DOCUMENT_ROOT = tmp_path / "documents"
    return settings.DOCUMENT_ROOT
