"""API schemas. `extra="forbid"` rejects unknown fields (ASVS 15.3.3: no
mass assignment), and lengths mirror the model columns."""

from __future__ import annotations

import datetime
import re
import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from django.db import models
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StringConstraints,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from harbour.accounts.models import Province
from harbour.cases.models import (
    CaseStatus,
    ExploitationForm,
    Gender,
    ImmigrationStatus,
    PermitType,
    Sector,
)


def _clean_text(value: str) -> str:
    # PostgreSQL cannot store NUL in text, and a lone surrogate (legal in JSON
    # escapes, not in UTF-8) cannot be encrypted or stored: refuse both with 422.
    if "\x00" in value:
        raise ValueError("text may not contain the NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text must be valid Unicode (no lone surrogates)") from None
    return value


NO_NUL = r"^[^\x00]*$"


@dataclass(frozen=True)
class CleanText:
    """Validate with `_clean_text` and declare the NUL ban as a pattern, so
    that the OpenAPI document says what the server accepts."""

    pattern: str = NO_NUL

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(_clean_text, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["pattern"] = self.pattern
        return json_schema


ShortText = Annotated[str, StringConstraints(max_length=200), CleanText()]
LongText = Annotated[str, StringConstraints(max_length=20_000), CleanText()]
Phone = Annotated[str, StringConstraints(max_length=40), CleanText()]
DocumentNumber = Annotated[str, StringConstraints(max_length=60), CleanText()]
EMAIL_PATTERN = r"^$|^[^@\s\x00]+@[^@\s\x00]+\.[^@\s\x00]+$"
Email = Annotated[
    str, StringConstraints(max_length=254, pattern=EMAIL_PATTERN), CleanText(EMAIL_PATTERN)
]


def _iso_date(value: Any) -> Any:
    # Pydantic would also take 0 (a Unix time) or "2026-03-01T00:00"; the
    # schema says `format: date`, so only YYYY-MM-DD is a date here.
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return value
    raise ValueError("expected a date as YYYY-MM-DD")


def _canonical_uuid(value: Any) -> Any:
    # Likewise only the hyphenated form that `format: uuid` describes.
    if isinstance(value, uuid.UUID):
        return value
    if isinstance(value, str) and re.fullmatch(
        r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", value
    ):
        return value
    raise ValueError("expected a UUID such as 3fa85f64-5717-4562-b3fc-2c963f66afa6")


IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date)]
Uuid = Annotated[uuid.UUID, BeforeValidator(_canonical_uuid)]


def _trimmed_not_blank(value: str) -> str:
    # Trimmed after the length check, so that the limits in the schema hold
    # for the text as sent.
    value = value.strip()
    if not value:
        raise ValueError("must not be blank")
    return value


Pseudonym = Annotated[
    str,
    StringConstraints(min_length=1, max_length=80),
    CleanText(r"^[^\x00]*[^\s\x00][^\x00]*$"),
    AfterValidator(_trimmed_not_blank),
]


class Strict(BaseModel):
    """Request bodies. A boolean field is `StrictBool`: JSON true or false only,
    never 0, 1 or "yes" (pydantic's lax mode would read them; a client sending
    them has a bug the 422 should name). tests/api/test_api_strict_booleans.py
    checks every subclass."""

    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    """Responses are read from model instances (ninja validates what we return)."""

    model_config = ConfigDict(from_attributes=True)


class PersonOut(Out):
    id: uuid.UUID
    pseudonym: str
    legal_name: str
    date_of_birth: datetime.date | None
    phone: str
    email: str
    contact_notes: str
    identity_document_number: str
    permit_number: str
    nationality: str
    languages: str
    gender: Gender
    immigration_status: ImmigrationStatus
    permit_type: PermitType
    permit_expiry: datetime.date | None


class PersonSummaryOut(Out):
    id: uuid.UUID
    pseudonym: str
    immigration_status: ImmigrationStatus
    permit_expiry: datetime.date | None


class PersonIn(Strict):
    pseudonym: Pseudonym
    legal_name: ShortText = ""
    date_of_birth: IsoDate | None = None
    phone: Phone = ""
    email: Email = ""
    contact_notes: LongText = ""
    identity_document_number: DocumentNumber = ""
    permit_number: DocumentNumber = ""
    nationality: ShortText = ""
    languages: ShortText = ""
    gender: Gender = Gender.NOT_RECORDED
    immigration_status: ImmigrationStatus = ImmigrationStatus.UNKNOWN
    permit_type: PermitType = PermitType.NONE
    permit_expiry: IsoDate | None = None


class PersonPatch(Strict):
    pseudonym: Pseudonym | None = None
    legal_name: ShortText | None = None
    date_of_birth: IsoDate | None = None
    phone: Phone | None = None
    email: Email | None = None
    contact_notes: LongText | None = None
    identity_document_number: DocumentNumber | None = None
    permit_number: DocumentNumber | None = None
    nationality: ShortText | None = None
    languages: ShortText | None = None
    gender: Gender | None = None
    immigration_status: ImmigrationStatus | None = None
    permit_type: PermitType | None = None
    permit_expiry: IsoDate | None = None


class CaseOut(Out):
    id: uuid.UUID
    reference: str
    person: PersonSummaryOut
    status: CaseStatus
    province: Province
    sector: Sector
    forms_of_exploitation: list[ExploitationForm]
    opened_on: datetime.date
    closed_on: datetime.date | None


class CaseDetailOut(CaseOut):
    summary: str
    assigned_staff: list[str]


class OpeningStatus(models.TextChoices):
    """A case is opened in one of these; closing is a later change (PATCH),
    which also records when it closed."""

    INTAKE = CaseStatus.INTAKE.value, CaseStatus.INTAKE.label
    ACTIVE = CaseStatus.ACTIVE.value, CaseStatus.ACTIVE.label
    ON_HOLD = CaseStatus.ON_HOLD.value, CaseStatus.ON_HOLD.label


class CaseIn(Strict):
    person_id: Uuid
    status: OpeningStatus = OpeningStatus.INTAKE
    province: Province | None = None
    sector: Sector = Sector.UNKNOWN
    forms_of_exploitation: list[ExploitationForm] = Field(default_factory=list, max_length=10)
    summary: LongText = ""
    opened_on: IsoDate | None = None


class CasePatch(Strict):
    status: CaseStatus | None = None
    province: Province | None = None
    sector: Sector | None = None
    forms_of_exploitation: list[ExploitationForm] | None = Field(default=None, max_length=10)
    summary: LongText | None = None
    closed_on: IsoDate | None = None


class Page(Out):
    count: int
    limit: int
    offset: int


class CasePage(Page):
    items: list[CaseOut]


class PersonPage(Page):
    items: list[PersonSummaryOut]


class ErrorOut(Out):
    detail: str


class ValidationIssue(Out):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Out):
    """422: what was wrong and where, never echoing the submitted value."""

    detail: list[ValidationIssue]
