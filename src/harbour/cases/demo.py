"""Fictional demo data: organisations, one account per role, ~30 cases.

Everything here is invented. Phone numbers use the 555-01xx range reserved
for fiction; document numbers start with DEMO.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from harbour.accounts.models import Organisation, Province, Role, User
from harbour.accounts.services import create_organisation, create_staff
from harbour.audit.services import Actor
from harbour.cases import services
from harbour.cases.models import CaseStatus, ExploitationForm, ImmigrationStatus, PermitType, Sector

DEMO_PASSWORD = "harbour-demo-2026"  # noqa: S105 - fictional demo accounts only


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    organisation: str


ORGANISATIONS = [
    ("Niagara Migrant Worker Centre (fictional)", Province.ON),
    ("Clinique juridique Saint-Laurent (fictive)", Province.QC),
    ("Prairie Coalition Against Trafficking (fictional)", Province.MB),
]
ACCOUNTS = [
    DemoAccount("caseworker", Role.CASEWORKER, ORGANISATIONS[0][0]),
    DemoAccount("caseworker2", Role.CASEWORKER, ORGANISATIONS[0][0]),
    DemoAccount("supervisor", Role.SUPERVISOR, ORGANISATIONS[0][0]),
    DemoAccount("orgadmin", Role.ORG_ADMIN, ORGANISATIONS[0][0]),
    DemoAccount("intervenante", Role.CASEWORKER, ORGANISATIONS[1][0]),
    DemoAccount("superviseure", Role.SUPERVISOR, ORGANISATIONS[1][0]),
    DemoAccount("analyst", Role.ANALYST, ORGANISATIONS[2][0]),
    DemoAccount("platformadmin", Role.PLATFORM_ADMIN, ORGANISATIONS[2][0]),
]
PSEUDONYMS = [
    "Birch",
    "Cedar",
    "Maple",
    "Aspen",
    "Willow",
    "Spruce",
    "Tamarack",
    "Juniper",
    "Alder",
    "Hazel",
    "Larch",
    "Rowan",
    "Sumac",
    "Linden",
    "Poplar",
    "Hemlock",
    "Elm",
    "Ash",
    "Oak",
    "Pine",
    "Fir",
    "Yew",
    "Holly",
    "Sage",
    "Clover",
    "Fern",
    "Heron",
    "Loon",
    "Otter",
    "Wren",
]
GIVEN = ["Ana", "Luis", "Maria", "Jose", "Rosa", "Marlon", "Grace", "Joy", "Ramon", "Liza"]
FAMILY = ["Ejemplo", "Ficticio", "Demo", "Muestra", "Sample", "Exemple"]
NATIONALITIES = ["Mexico", "Guatemala", "Jamaica", "Philippines", "Honduras", "India", "Ukraine"]
LANGUAGES = ["Spanish", "Tagalog", "English", "Punjabi", "Ukrainian", "K'iche' (interpreter)"]
STORIES = {
    ExploitationForm.LABOUR_TRAFFICKING: "Recruited abroad with a fee; passport held by the "
    "employer; told they would be deported if they complained. (Fictional.)",
    ExploitationForm.SEXUAL_EXPLOITATION: "Moved between cities by a 'boyfriend' who kept all "
    "earnings and phone. (Fictional.)",
    ExploitationForm.DOMESTIC_SERVITUDE: "Live-in caregiver working 16-hour days, not allowed "
    "out alone, wages withheld. (Fictional.)",
    ExploitationForm.WORKER_AT_RISK: "Unpaid overtime and unsafe housing on a farm; afraid to "
    "lose an employer-specific permit. (Fictional.)",
    ExploitationForm.FORCED_CRIMINALITY: "Made to transport packages to pay a debt. (Fictional.)",
}
CASE_PLAN = [
    (ExploitationForm.LABOUR_TRAFFICKING, Sector.AGRICULTURE),
    (ExploitationForm.WORKER_AT_RISK, Sector.AGRICULTURE),
    (ExploitationForm.LABOUR_TRAFFICKING, Sector.FOOD_PROCESSING),
    (ExploitationForm.SEXUAL_EXPLOITATION, Sector.SEX_INDUSTRY),
    (ExploitationForm.DOMESTIC_SERVITUDE, Sector.CARE_WORK),
    (ExploitationForm.WORKER_AT_RISK, Sector.CONSTRUCTION),
    (ExploitationForm.LABOUR_TRAFFICKING, Sector.CLEANING),
    (ExploitationForm.WORKER_AT_RISK, Sector.HOSPITALITY),
    (ExploitationForm.FORCED_CRIMINALITY, Sector.OTHER),
    (ExploitationForm.WORKER_AT_RISK, Sector.TRUCKING),
]


# Hand-made tasks on open demo cases, some already overdue (days from today).
# Permit expiry warnings come by themselves from the permit dates.
DEMO_TASKS = [
    ("Book an interpreter for the next meeting (fictional)", -3),
    ("Ask the clinic about a trafficking-victim TRP (fictional)", 2),
    ("Gather pay stubs and the work schedule (fictional)", 6),
    ("Check in by text about housing (fictional)", -1),
    ("Prepare the employment standards claim (fictional)", 20),
]


# Needs on some open demo cases: (domain, priority, status, action title or
# None, action due in days). They spread the cases over the stages.
DEMO_NEEDS: list[list[tuple[str, str, str, str | None, int]]] = [
    [
        ("safety", "urgent", "in_progress", "Agree a safety plan with the person (fictional)", 1),
        ("housing", "high", "identified", "Ask the shelter about a room (fictional)", 4),
    ],
    [("income", "normal", "identified", None, 0)],
    [
        ("immigration", "high", "in_progress", "Prepare the TRP application (fictional)", 14),
        ("mental_health", "normal", "identified", "Refer to trauma counselling (fictional)", 10),
    ],
    [("language", "low", "identified", "Enrol in English classes (fictional)", 30)],
    [("employment", "normal", "met", None, 0), ("legal", "high", "identified", None, 0)],
]


class DemoRefused(Exception):
    """Demo accounts share a published password: never in production."""


def demo_loaded() -> bool:
    return Organisation.objects.filter(name=ORGANISATIONS[0][0]).exists()


@transaction.atomic
def load_demo(seed: int = 2019) -> int:
    """Load the demo set once; returns the number of cases created."""
    if settings.PRODUCTION:
        raise DemoRefused(
            "Demo data is refused in production: its accounts share a published password."
        )
    if demo_loaded():
        return 0
    rng = random.Random(seed)  # noqa: S311 - fictional data, not security
    system = Actor.system("demo")
    organisations = {
        name: create_organisation(system, name, province) for name, province in ORGANISATIONS
    }
    users: dict[str, User] = {}
    for account in ACCOUNTS:
        users[account.username] = create_staff(
            system,
            organisations[account.organisation],
            account.username,
            DEMO_PASSWORD,
            account.role,
            validate=False,
        )
    handlers = {
        ORGANISATIONS[0][0]: [users["caseworker"], users["caseworker2"], users["supervisor"]],
        ORGANISATIONS[1][0]: [users["intervenante"], users["superviseure"]],
    }
    today = datetime.date.today()
    created = 0
    for index, pseudonym in enumerate(PSEUDONYMS):
        org_name = ORGANISATIONS[0][0] if index % 3 else ORGANISATIONS[1][0]
        staff = handlers[org_name]
        opener = staff[(index // 3) % len(staff)]
        form, sector = CASE_PLAN[index % len(CASE_PLAN)]
        status = ImmigrationStatus.TEMPORARY_WORKER
        permit = PermitType.EMPLOYER_SPECIFIC
        if form == ExploitationForm.SEXUAL_EXPLOITATION:
            status, permit = ImmigrationStatus.VISITOR, PermitType.NONE
        elif index % 7 == 0:
            status, permit = ImmigrationStatus.TRP_HOLDER, PermitType.TRP
        person_data = {
            "pseudonym": pseudonym,
            "legal_name": f"{rng.choice(GIVEN)} {rng.choice(FAMILY)} (fictional)",
            "date_of_birth": datetime.date(
                1975 + rng.randrange(30), rng.randint(1, 12), rng.randint(1, 28)
            ),
            "phone": f"+1 416 555 01{index:02d}",
            "email": "",
            "contact_notes": "Text only, after 8 pm. (Fictional.)",
            "identity_document_number": f"DEMO{100000 + index}",
            "permit_number": f"DEMO-WP-{200000 + index}" if permit else "",
            "nationality": rng.choice(NATIONALITIES),
            "languages": rng.choice(LANGUAGES),
            "immigration_status": status,
            "permit_type": permit,
            "permit_expiry": today + datetime.timedelta(days=rng.randrange(-30, 400))
            if permit
            else None,
        }
        case_data = {
            "status": [CaseStatus.INTAKE, CaseStatus.ACTIVE, CaseStatus.ACTIVE, CaseStatus.CLOSED][
                index % 4
            ],
            "sector": sector,
            "summary": STORIES.get(form, "Details to be gathered. (Fictional.)"),
            "opened_on": today - datetime.timedelta(days=rng.randrange(5, 700)),
        }
        actor = Actor(user=opener, ip_address="demo")
        case = services.open_case_for_new_person(
            actor, person_data, case_data, forms=[form], assigned_to=[opener]
        )
        services.add_note(
            actor, case, "First meeting with an interpreter; safety plan discussed. (Fictional.)"
        )
        if case_data["status"] != CaseStatus.CLOSED and index % 2 == 0:
            for domain, priority, need_status, action, action_due in DEMO_NEEDS[
                (index // 2) % len(DEMO_NEEDS)
            ]:
                need = services.identify_need(
                    actor,
                    case,
                    {
                        "domain": domain,
                        "priority": priority,
                        "status": need_status,
                        "note": "Raised at the first meeting. (Fictional.)",
                    },
                )
                if action:
                    services.add_plan_action(
                        actor,
                        need,
                        {"title": action, "due_on": today + datetime.timedelta(days=action_due)},
                    )
        if case_data["status"] != CaseStatus.CLOSED:
            title, due_in = DEMO_TASKS[index % len(DEMO_TASKS)]
            services.add_task(
                actor,
                case,
                {"title": title, "due_on": today + datetime.timedelta(days=due_in)},
                assigned_to=opener,
            )
        created += 1
    return created
