"""Directory fixtures: a service kept by our organisation, one kept by
another organisation, and helpers to build spreadsheets."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook

from harbour.audit.services import Actor
from harbour.directory import services
from harbour.directory.models import Service
from tests.api.conftest import api_as, token_for  # noqa: F401 - API fixtures

HEADER = "provider,name,needs,provinces,languages,cost,phone,website,last_verified\n"
GOOD_ROWS = (
    "Lakeside Legal Clinic (fictional),Wage claims,legal;employment,ON;QC,en;es,free,"
    "416-555-0150,https://lakeside.example.org,2026-10-01\n"
    "Maison Phare (fictif),Hébergement d'urgence,logement;sécurité,Québec,français,gratuit,"
    "514-555-0151,,\n"
)


def service_data(**changes: Any) -> dict[str, Any]:
    data = {
        "name": "Night shelter",
        "name_fr": "Refuge de nuit",
        "description": "Beds for the night. (Fictional.)",
        "needs": "|housing|safety|",
        "provinces": "|ON|",
        "languages": "|en|es|",
        "cost": "free",
        "phone": "416-555-0190",
        "website": "https://shelter.example.org",
    }
    data.update(changes)
    return data


@pytest.fixture
def our_service(supervisor) -> Service:
    return services.add_service(Actor(user=supervisor), "Harbour House (fictional)", service_data())


@pytest.fixture
def their_service(intruder) -> Service:
    return services.add_service(
        Actor(user=intruder), "Elsewhere Shelter (fictional)", service_data(name="Elsewhere beds")
    )


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def make_service(editor: Any) -> Service:
    """A service kept by the editor's organisation (for other tests' worlds)."""
    return services.add_service(Actor(user=editor), f"{editor.username} House", service_data())


def shared_service() -> Service:
    """A service of the shared directory, made directly (setup, not under test)."""
    from harbour.directory.models import ServiceProvider

    provider = ServiceProvider.objects.create(name="Harbour House (fictional)")
    return Service.objects.create(
        provider=provider, name="Night shelter", needs="|housing|", provinces="|ON|"
    )


# --- Referrals and transfers --------------------------------------------------------------
# Organisation A is the conftest's `organisation` (casey, sue); the receiver B is
# Riverside Shelter (rita, rob); the conftest's intruder belongs to a third
# organisation that takes no part in any referral.


@pytest.fixture
def receiver_organisation(db: Any) -> Any:
    from harbour.accounts.models import Province
    from harbour.accounts.services import create_organisation

    return create_organisation(Actor.system("test"), "Riverside Shelter", Province.ON)


@pytest.fixture
def receiver(make_user: Any, receiver_organisation: Any) -> Any:
    from harbour.accounts.models import Role

    return make_user("rita", Role.CASEWORKER, receiver_organisation)


@pytest.fixture
def receiver_supervisor(make_user: Any, receiver_organisation: Any) -> Any:
    from harbour.accounts.models import Role

    return make_user("rob", Role.SUPERVISOR, receiver_organisation)


def give_sharing_consent(user: Any, case: Any) -> Any:
    from harbour.cases import services as case_services

    return case_services.record_consent(
        Actor(user=user), case.person, "referral_sharing", method="spoken"
    )


def refer(user: Any, case: Any, to: Any, **options: Any) -> Any:
    options.setdefault("need", "housing")
    return services.refer_case(Actor(user=user), case, to, **options)


# Made directly (setup of other tests' worlds, no audit event, not under test).


def _sender_case(label: str) -> Any:
    import datetime
    import uuid

    from harbour.accounts.models import Organisation
    from harbour.cases.models import Case, Person

    sender = Organisation.objects.create(
        name=f"Sender {label} {uuid.uuid4().hex[:6]}", province="ON"
    )
    person = Person.objects.create(organisation=sender, pseudonym="Larch")
    return Case.objects.create(
        organisation=sender,
        person=person,
        reference="HB-2026-0001",
        province="ON",
        opened_on=datetime.date(2026, 3, 1),
    )


def incoming_referral(organisation: Any, *, status: str = "pending", kind: str = "referral") -> Any:
    """A referral (or transfer) from a new organisation's case to `organisation`."""
    from harbour.directory.models import Referral

    case = _sender_case("to " + organisation.name)
    return Referral.objects.create(
        kind=kind,
        case=case,
        from_organisation=case.organisation,
        to_organisation=organisation,
        need="housing",
        province="ON",
        sender_reference=case.reference,
        status=status,
    )


def outgoing_referral(case: Any, *, status: str = "pending", kind: str = "referral") -> Any:
    """A referral (or transfer) of `case` to a new organisation."""
    import uuid

    from harbour.accounts.models import Organisation
    from harbour.directory.models import Referral

    to = Organisation.objects.create(name=f"Receiver {uuid.uuid4().hex[:6]}", province="ON")
    return Referral.objects.create(
        kind=kind,
        case=case,
        from_organisation=case.organisation,
        to_organisation=to,
        need="housing",
        province=case.province,
        sender_reference=case.reference,
        status=status,
    )


def outside_referral(case: Any) -> Any:
    from harbour.directory.models import OutsideReferral

    return OutsideReferral.objects.create(case=case, name="Lakeside food bank", need="income")
