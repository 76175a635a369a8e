"""API schemas. `extra="forbid"` rejects unknown fields (ASVS 15.3.3: no
mass assignment), and lengths mirror the model columns."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from harbour.accounts.models import Province
from harbour.cases.models import CaseStatus, ExploitationForm, ImmigrationStatus, PermitType, Sector



def _no_nul(value: str) -> str:
    # PostgreSQL cannot store NUL in text; refuse it here with a clear 422.
    if "\x00" in value:
        raise ValueError("text may not contain the NUL character")
    return value


NoNul = AfterValidator(_no_nul)
ShortText = Annotated[str, StringConstraints(max_length=200), NoNul]
LongText = Annotated[str, StringConstraints(max_length=20_000), NoNul]
Email = Annotated[str, StringConstraints(max_length=254, pattern=r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Pseudonym = Annotated[str, StringConstraints(min_length=1, max_length=80, strip_whitespace=True), NoNul]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PersonOut(BaseModel):
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
    immigration_status: ImmigrationStatus
    permit_type: PermitType
    permit_expiry: datetime.date | None


class PersonSummaryOut(BaseModel):
    id: uuid.UUID
    pseudonym: str
    immigration_status: ImmigrationStatus
    permit_expiry: datetime.date | None


class PersonIn(Strict):
    pseudonym: Pseudonym
    legal_name: ShortText = ""
    date_of_birth: datetime.date | None = None
    phone: Annotated[str, StringConstraints(max_length=40), NoNul] = ""
    email: Email = ""
    contact_notes: LongText = ""
    identity_document_number: Annotated[str, StringConstraints(max_length=60), NoNul] = ""
    permit_number: Annotated[str, StringConstraints(max_length=60), NoNul] = ""
    nationality: ShortText = ""
    languages: ShortText = ""
    immigration_status: ImmigrationStatus = ImmigrationStatus.UNKNOWN
    permit_type: PermitType = PermitType.NONE
    permit_expiry: datetime.date | None = None


class PersonPatch(Strict):
    pseudonym: Pseudonym | None = None
    legal_name: ShortText | None = None
    date_of_birth: datetime.date | None = None
    phone: Annotated[str, StringConstraints(max_length=40), NoNul] | None = None
    email: Email | None = None
    contact_notes: LongText | None = None
    identity_document_number: Annotated[str, StringConstraints(max_length=60), NoNul] | None = None
    permit_number: Annotated[str, StringConstraints(max_length=60), NoNul] | None = None
    nationality: ShortText | None = None
    languages: ShortText | None = None
    immigration_status: ImmigrationStatus | None = None
    permit_type: PermitType | None = None
    permit_expiry: datetime.date | None = None


class CaseOut(BaseModel):
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


class CaseIn(Strict):
    person_id: uuid.UUID
    status: CaseStatus = CaseStatus.INTAKE
    province: Province | None = None
    sector: Sector = Sector.UNKNOWN
    forms_of_exploitation: list[ExploitationForm] = Field(default_factory=list, max_length=10)
    summary: LongText = ""
    opened_on: datetime.date | None = None


class CasePatch(Strict):
    status: CaseStatus | None = None
    province: Province | None = None
    sector: Sector | None = None
    forms_of_exploitation: list[ExploitationForm] | None = Field(default=None, max_length=10)
    summary: LongText | None = None
    closed_on: datetime.date | None = None


class Page(BaseModel):
    count: int
    limit: int
    offset: int


class CasePage(Page):
    items: list[CaseOut]


class PersonPage(Page):
    items: list[PersonSummaryOut]


class ErrorOut(BaseModel):
    detail: str
