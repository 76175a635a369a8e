"""Uploads stay in memory, within a size limit (the only upload handler,
settings.FILE_UPLOAD_HANDLERS).

Django writes uploads larger than 2.5 MB to a temporary file: for a case
document that would put the plaintext on disk before Harbour encrypts it.
This handler keeps every upload in memory and stops reading once it passes
the largest file Harbour accepts (HARBOUR_UPLOAD_MAX_MB for documents, the
spreadsheet limit for imports), marking the request so the view can say why.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import MemoryFileUploadHandler, StopUpload

from harbour.cases.documents import max_bytes
from harbour.core.spreadsheets import DEFAULT_MAX_BYTES


def upload_limit() -> int:
    return max(max_bytes(), DEFAULT_MAX_BYTES)


class LimitedMemoryUploadHandler(MemoryFileUploadHandler):
    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.received = 0

    def handle_raw_input(self, input_data: Any, META: Any, content_length: int, *args: Any) -> Any:
        # Always in memory, whatever FILE_UPLOAD_MAX_MEMORY_SIZE says.
        self.activated = True
        if content_length > upload_limit() + 64 * 1024:
            setattr(self.request, "upload_too_large", True)  # noqa: B010
            raise StopUpload(connection_reset=False)
        return None

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > upload_limit():
            setattr(self.request, "upload_too_large", True)  # noqa: B010
            raise StopUpload(connection_reset=False)
        return super().receive_data_chunk(raw_data, start)
