"""Uploaded photos lose their metadata before they are stored (issue 15, finding 7).

A phone's JPEG carries EXIF: GPS position, time, device and serial number, and
often a thumbnail of the uncropped picture. Harbour re-encodes every JPEG and PNG
through Pillow with no metadata at all (EXIF, XMP, IPTC, comments, PNG text
chunks); only the colour profile is kept. The EXIF orientation is applied to the
pixels first, so the photo stays upright. The original is not kept. A file whose
first bytes say it is an image but which Pillow cannot read is refused.
HEIC files are kept as they came (Pillow cannot read them): see threat-model.md.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from harbour.cases.documents import KINDS, DocumentRefused

CLEANED_KINDS = {"jpeg": "JPEG", "png": "PNG"}


def without_metadata(data: bytes, code: str) -> bytes:
    """The image re-encoded upright and without metadata; other kinds unchanged."""
    if code not in CLEANED_KINDS:
        return data
    refused = DocumentRefused(
        _("The file says it is a %(kind)s image but cannot be read as one.")
        % {"kind": KINDS[code].label}
    )
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > (Image.MAX_IMAGE_PIXELS or 0):
                raise refused
            image.load()
            profile = image.info.get("icc_profile")
            upright = ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise refused from None
    upright.info = {}
    options: dict[str, object] = {"icc_profile": profile} if profile else {}
    if code == "jpeg":
        options["quality"] = 95
    out = io.BytesIO()
    upright.save(out, CLEANED_KINDS[code], **options)
    return out.getvalue()
