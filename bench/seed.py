"""Seed the benchmark database `harbour_bench` with fictional cases.

    .venv/bin/python bench/seed.py [--cases 100000] [--reset]

Creates the PostgreSQL database if it is missing, creates keys in
bench/.data/keys (`harbour init`), migrates, and loads N fictional people and
cases spread over a few fictional organisations. A second run with the same
count reuses what is there; a different count (or keys that no longer decrypt
the data) drops and re-creates the database.

Everything is invented: phone numbers are in the 555-01xx range reserved for
fiction, document numbers start with DEMO, names say "(fictional)".

Speed: rows are written with bulk_create in batches, not through the
services. Values still go through the model fields, so every identifying value
is really encrypted, and blind indexes are computed with
Person.refresh_blind_indexes() exactly as Person.save() does. The per-row audit
events that the services write ("person.create", "case.create", ...) are left
out on purpose: seeding is not a user action, and 300,000 events through the
single locked chain head would take far longer than the data itself. The
organisations and staff are created through the real services (with their
events), and one "bench.seed" event records the seed, so the audit chain and
its head exist and verify like in a real installation.

This module imports Django only inside functions, so that run.py can import
its constants without configuring Django.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "bench" / ".data"
DB_NAME = "harbour_bench"
PG_SERVER = os.environ.get("HARBOUR_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DATABASE_URL = f"{PG_SERVER}/{DB_NAME}"
DEFAULT_CASES = 100_000
BATCH = 2_000
SEED = 2026

PASSWORD = "harbour-bench-2026"  # fictional benchmark accounts only
ORGANISATIONS = [
    ("Bench organisation 1 (fictional)", "ON"),
    ("Bench organisation 2 (fictional)", "QC"),
    ("Bench organisation 3 (fictional)", "BC"),
    ("Bench organisation 4 (fictional)", "AB"),
    ("Bench organisation 5 (fictional)", "MB"),
]
CASEWORKERS_PER_ORG = 3


def supervisor_name(org: int) -> str:
    return f"bench{org + 1}-supervisor"


def caseworker_name(org: int, number: int) -> str:
    return f"bench{org + 1}-caseworker{number + 1}"


def all_usernames() -> list[tuple[str, str]]:
    """(username, role) of every benchmark account: 5 x (1 supervisor + 3 caseworkers)."""
    names = []
    for org in range(len(ORGANISATIONS)):
        names.append((supervisor_name(org), "supervisor"))
        names.extend(
            (caseworker_name(org, number), "caseworker") for number in range(CASEWORKERS_PER_ORG)
        )
    return names


# Real Canadian area codes; the 555-0100..0199 block is reserved for fiction.
AREA_CODES = [
    "204",
    "236",
    "250",
    "289",
    "306",
    "343",
    "365",
    "403",
    "416",
    "418",
    "431",
    "437",
    "438",
    "450",
    "506",
    "514",
    "519",
    "548",
    "579",
    "581",
    "587",
    "604",
    "613",
    "639",
    "647",
]
SUMMARY = (
    "Recruited abroad with a fee; documents held by the employer; told they would be "
    "deported if they complained. Wants unpaid wages and a safe place to stay. (Fictional.)"
)
NOTE = "Met with an interpreter; safety plan discussed; follow-up next week. (Fictional.)"


def fictional_phone(rng: random.Random) -> str:
    """A phone number in the 555-01xx range, in one of the ways people type them."""
    area, line = rng.choice(AREA_CODES), rng.randrange(100)
    style = rng.randrange(3)
    if style == 0:
        return f"+1 {area} 555 01{line:02d}"
    if style == 1:
        return f"({area}) 555-01{line:02d}"
    return f"1-{area}-555-01{line:02d}"


def environment() -> dict[str, str]:
    """The environment for Django (this process, `harbour init` and the server)."""
    env = dict(os.environ)
    env.update(
        {
            "HARBOUR_ENV": "development",
            "HARBOUR_DATA_DIR": str(DATA_DIR),
            "DATABASE_URL": DATABASE_URL,
            "DJANGO_SETTINGS_MODULE": "harbour.settings",
            "HARBOUR_LOG_LEVEL": "WARNING",
        }
    )
    return env


def _admin_connection() -> Any:
    import psycopg

    return psycopg.connect(
        PG_SERVER.replace("postgres://", "postgresql://", 1) + "/postgres", autocommit=True
    )


def create_database(*, drop: bool = False) -> None:
    from psycopg import sql

    with _admin_connection() as conn:
        if drop:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DB_NAME))
            )
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB_NAME)))
            print(f"Created database {DB_NAME}.")


def harbour_init() -> None:
    """Create bench/.data and its key files, as an operator would."""
    subprocess.run(
        [sys.executable, "-m", "harbour.cli", "init"], env=environment(), check=True, cwd=ROOT
    )


def _setup_django() -> None:
    os.environ.update(environment())
    import django

    django.setup()


def seeded_count() -> int | None:
    """Cases of the benchmark organisations if the data is complete and readable, else None."""
    from django.db import DatabaseError

    from harbour.accounts.models import User
    from harbour.audit.models import AuditChainHead, AuditEvent
    from harbour.cases.models import Case, Person
    from harbour.core.crypto import DecryptionError

    try:
        if not AuditEvent.objects.filter(action="bench.seed").exists():
            return None
        if not AuditChainHead.objects.filter(singleton=1).exists():
            return None
        names = [name for name, _role in all_usernames()]
        if User.objects.filter(username__in=names).count() != len(names):
            return None
        person = Person.objects.exclude(legal_name="").first()
        if person is None:
            return None
        _ = person.legal_name  # decrypted by from_db_value: raises with other keys
        return Case.objects.filter(organisation__name__in=[n for n, _ in ORGANISATIONS]).count()
    except (DatabaseError, DecryptionError):
        return None


def _staff(system: Any) -> list[tuple[Any, Any, list[Any]]]:
    from harbour.accounts.models import Role
    from harbour.accounts.services import create_organisation, create_staff

    result = []
    for index, (name, province) in enumerate(ORGANISATIONS):
        org = create_organisation(system, name, province)
        supervisor = create_staff(
            system, org, supervisor_name(index), PASSWORD, Role.SUPERVISOR, validate=False
        )
        caseworkers = [
            create_staff(
                system,
                org,
                caseworker_name(index, number),
                PASSWORD,
                Role.CASEWORKER,
                validate=False,
            )
            for number in range(CASEWORKERS_PER_ORG)
        ]
        result.append((org, supervisor, caseworkers))
    return result


def seed(count: int) -> None:
    from django.db import connection, transaction

    from harbour.audit.services import Actor, record

    # The demo's fictional names serve here too (30 pseudonym words).
    from harbour.cases.demo import FAMILY, GIVEN, LANGUAGES, NATIONALITIES
    from harbour.cases.demo import PSEUDONYMS as WORDS
    from harbour.cases.models import (
        Case,
        CaseStatus,
        ExploitationForm,
        ImmigrationStatus,
        Note,
        PermitType,
        Person,
        Sector,
    )

    rng = random.Random(SEED)
    system = Actor.system("bench-seed")
    with connection.cursor() as cursor:
        # Durability of the seed itself does not matter: a crash means re-seeding.
        cursor.execute("SET synchronous_commit TO off")
    staff = _staff(system)
    through = Case.assigned_to.through
    forms = [choice.value for choice in ExploitationForm]
    sectors = [choice.value for choice in Sector]
    statuses = (
        [CaseStatus.INTAKE] * 15
        + [CaseStatus.ACTIVE] * 45
        + [CaseStatus.ON_HOLD] * 10
        + [CaseStatus.CLOSED] * 30
    )
    numbers = [0] * len(staff)
    today = datetime.date(2026, 11, 29)
    started = time.monotonic()
    for start in range(0, count, BATCH):
        people, cases, links, notes = [], [], [], []
        for i in range(start, min(start + BATCH, count)):
            org_index = i % len(staff)
            org, _supervisor, caseworkers = staff[org_index]
            worker = caseworkers[(i // len(staff)) % len(caseworkers)]
            numbers[org_index] += 1
            permit = rng.random() < 0.6
            person = Person(
                organisation=org,
                created_by=worker,
                pseudonym=f"{rng.choice(WORDS)} {rng.randrange(1000, 10000)}",
                legal_name=f"{rng.choice(GIVEN)} {rng.choice(FAMILY)} (fictional)",
                date_of_birth=datetime.date(
                    1960 + rng.randrange(45), rng.randint(1, 12), rng.randint(1, 28)
                ),
                phone=fictional_phone(rng),
                email=f"person{i}@example.org" if rng.random() < 0.3 else "",
                contact_notes="Text only, after 8 pm. (Fictional.)",
                identity_document_number=f"DEMO{i:07d}",
                permit_number=f"DEMO-WP-{i:07d}" if permit else "",
                nationality=rng.choice(NATIONALITIES),
                languages=rng.choice(LANGUAGES),
                immigration_status=ImmigrationStatus.TEMPORARY_WORKER
                if permit
                else rng.choice([ImmigrationStatus.VISITOR, ImmigrationStatus.NO_STATUS]),
                permit_type=PermitType.EMPLOYER_SPECIFIC if permit else PermitType.NONE,
                permit_expiry=today + datetime.timedelta(days=rng.randrange(-60, 700))
                if permit
                else None,
            )
            person.refresh_blind_indexes()  # what Person.save() would do
            people.append(person)
            status = rng.choice(statuses)
            opened_on = today - datetime.timedelta(days=rng.randrange(1, 6 * 365))
            case = Case(
                organisation=org,
                person=person,
                reference=f"HB-{opened_on.year}-{numbers[org_index]:04d}",
                status=status,
                province=org.province,
                sector=rng.choice(sectors),
                summary=SUMMARY,
                opened_on=opened_on,
                closed_on=opened_on + datetime.timedelta(days=rng.randrange(10, 300))
                if status == CaseStatus.CLOSED
                else None,
            )
            case.forms = rng.sample(forms, rng.choice([1, 1, 1, 2]))
            cases.append(case)
            links.append(through(case_id=case.pk, user_id=worker.pk))
            if i % 5 == 0:
                notes.extend(Note(case=case, author=worker, body=NOTE) for _ in range(2))
        with transaction.atomic():
            Person.objects.bulk_create(people)
            Case.objects.bulk_create(cases)
            through.objects.bulk_create(links)
            Note.objects.bulk_create(notes)
        done = start + len(cases)
        print(f"seeded {done}/{count} ({time.monotonic() - started:.0f} s)", flush=True)
    for index, (org, _supervisor, _caseworkers) in enumerate(staff):
        org.next_case_number = numbers[index] + 1
        org.save(update_fields=["next_case_number"])
    record(system, "bench.seed", detail={"cases": count, "organisations": len(staff)})
    print("Analysing tables…", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def ensure_seeded(count: int, *, reset: bool = False) -> None:
    harbour_init()
    create_database(drop=reset)
    _setup_django()
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", interactive=False, verbosity=0)
    current = seeded_count()
    if current == count:
        print(f"{DB_NAME} already holds {count} benchmark cases; reusing them.")
        return
    if current is not None or _has_cases():
        print(f"{DB_NAME} holds other data ({current} cases); re-creating it.")
        connections.close_all()
        create_database(drop=True)
        call_command("migrate", interactive=False, verbosity=0)
    print(f"Seeding {count} fictional cases into {DB_NAME}…", flush=True)
    started = time.monotonic()
    seed(count)
    print(f"Seeded {count} cases in {time.monotonic() - started:.0f} s.")


def _has_cases() -> bool:
    from harbour.accounts.models import Organisation

    return Organisation.objects.exists()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=DEFAULT_CASES)
    parser.add_argument("--reset", action="store_true", help="drop and re-create the database")
    args = parser.parse_args()
    ensure_seeded(args.cases, reset=args.reset)


if __name__ == "__main__":
    main()
