"""Pydantic building blocks shared by every knowledge file.

Screening catalogues and pathway rules are both dated, referenced, bilingual data;
these pieces are the common vocabulary: strict models (unknown keys are errors),
texts in English and French, `verified` with its note, and dates written
`YYYY-MM-DD` that must exist.
"""

from __future__ import annotations

import datetime
import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SLUG_PATTERN = r"^[a-z][a-z0-9_]*$"


def iso_date(value: Any) -> datetime.date:
    """Dates are written `YYYY-MM-DD` and must exist; nothing else is accepted."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError(f"must be a date written YYYY-MM-DD, not {value!r}")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise ValueError(f"{value!r} is not a real date ({error})") from error


IsoDate = Annotated[datetime.date, BeforeValidator(iso_date)]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]
NonEmpty = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    """Unknown keys are errors, types are not coerced, instances are immutable."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Text(Strict):
    """A text in English and French; both are required and non-empty."""

    en: NonEmpty
    fr: NonEmpty


class Verifiable(Strict):
    """`verified: false` must say, in `verification_note`, what to check."""

    verified: bool
    verification_note: str | None = None

    @model_validator(mode="after")
    def _unverified_needs_a_note(self) -> Verifiable:
        if not self.verified and not (self.verification_note or "").strip():
            raise ValueError("verified is false, so verification_note must say what to check")
        return self
