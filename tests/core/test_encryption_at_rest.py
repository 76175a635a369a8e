"""The raw SQLite file and a pg_dump of the PostgreSQL test database contain
none of the plaintext values of encrypted fields.

The SQLite check runs in every pass, on a file database built by the real
`harbour` command in a separate process (the suite's own database lives in
memory). The pg_dump check is only collected when the suite runs on PostgreSQL
(scripts/test.sh runs it twice), so it is never a skip.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from harbour.audit.services import Actor
from harbour.cases import services
from harbour.cases.demo import STORIES
from harbour.cases.models import Person
from tests.cli import cli_env, python

# Distinctive values that appear nowhere else: if any shows up in the raw
# database, an encrypted field leaked.
CANARY_PERSON = {
    "pseudonym": "Pseudocanary",
    "legal_name": "Zyxwv Plaintextcanary",
    "date_of_birth": "1911-11-11",
    "phone": "(416) 555-0187",
    "email": "zyxwv.canary@example.org",
    "contact_notes": "Behind the Quetzalcanary bakery",
    "identity_document_number": "QX 481-516 CANARY",
    "permit_number": "WP/777 CANARYPERMIT",
    "nationality": "Canarystan",
    "languages": "Canarylang",
    "immigration_status": "temporary_worker",
}
CANARY_CASE_SUMMARY = "Passport held at the Xylocanary farm"
CANARY_NOTE = "Met at the Wombatcanary library"
CANARY_RENAMED = "Qwerty Renamedcanary"

PLAINTEXTS = [
    *(
        value
        for key, value in CANARY_PERSON.items()
        if key not in ("pseudonym", "immigration_status")
    ),
    CANARY_CASE_SUMMARY,
    CANARY_NOTE,
    CANARY_RENAMED,
    # What the blind indexes are computed from must not be stored either.
    "+14165550187",
    "4165550187",
    "555-0187",
    "QX481516CANARY",
    "WP777CANARYPERMIT",
    "Plaintextcanary",
    "Quetzalcanary",
]

# Runs inside the `harbour` environment against the file database.
SCRIPT = """
import datetime, json, sys
import django
django.setup()
from harbour.accounts.models import Province, Role
from harbour.accounts.services import create_organisation, create_staff
from harbour.audit.services import Actor
from harbour.cases import services

values = json.loads(sys.argv[1])
person = dict(values["person"], date_of_birth=datetime.date.fromisoformat(
    values["person"]["date_of_birth"]))
system = Actor.system("test")
organisation = create_organisation(system, "Canary Centre", Province.ON)
user = create_staff(system, organisation, "canary", "unused", Role.CASEWORKER, validate=False)
actor = Actor(user=user, ip_address="127.0.0.1")
case = services.open_case_for_new_person(
    actor, person, {"summary": values["summary"]}, forms=["labour_trafficking"]
)
services.add_note(actor, case, values["note"])
# The first legal name is replaced: neither the old nor the new may be stored.
services.update_person(actor, case.person, {"legal_name": values["renamed"]})
services.update_person(actor, case.person, {"legal_name": person["legal_name"]})
found = list(services.find_cases_by_identifier(actor, "phone", "1-416-555-0187"))
assert found == [case], found
found = list(services.find_cases_by_identifier(actor, "document", "qx481516canary"))
assert found == [case], found
print("canaries written")
"""


def run(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = python(env, cwd, *args)
    assert done.returncode == 0, f"{args}\nstdout: {done.stdout}\nstderr: {done.stderr}"
    return done


def leaked(raw: bytes, values: list[str]) -> list[str]:
    return [value for value in values if value.encode("utf-8") in raw]


@pytest.fixture(scope="module")
def sqlite_file(tmp_path_factory) -> tuple[bytes, Path]:
    """A file database filled by `harbour migrate`, `harbour demo` and canary
    records; returns the raw bytes of the database and its WAL."""
    root = tmp_path_factory.mktemp("at-rest")
    database = root / "x.sqlite3"
    env = cli_env(root / "data", DATABASE_URL=f"sqlite:///{database}")
    run(env, root, "-m", "harbour.cli", "init")
    run(env, root, "-m", "harbour.cli", "migrate", "-v0")
    run(env, root, "-m", "harbour.cli", "demo")
    values = {
        "person": CANARY_PERSON,
        "summary": CANARY_CASE_SUMMARY,
        "note": CANARY_NOTE,
        "renamed": CANARY_RENAMED,
    }
    env["DJANGO_SETTINGS_MODULE"] = "harbour.settings"
    assert "canaries written" in run(env, root, "-c", SCRIPT, json.dumps(values)).stdout
    # Read whatever is on disk: the main file and the write-ahead log, if any.
    raw = b"".join(path.read_bytes() for path in sorted(root.glob("x.sqlite3*")) if path.is_file())
    return raw, database


def test_the_sqlite_file_holds_no_plaintext_of_encrypted_fields(sqlite_file):
    raw, _ = sqlite_file
    assert leaked(raw, PLAINTEXTS) == []


def test_the_sqlite_file_holds_no_plaintext_of_the_demo_data(sqlite_file):
    raw, _ = sqlite_file
    demo_values = [
        *(str(story) for story in STORIES.values()),
        "(Fictional.)",
        "safety plan",
        "Text only, after 8 pm",
        *(f"DEMO{100000 + index}" for index in range(30)),
        *(f"DEMO-WP-{200000 + index}" for index in range(30)),
        *(f"555 01{index:02d}" for index in range(30)),
        *(f"+1416555{index + 100:04d}" for index in range(30)),
    ]
    assert leaked(raw, demo_values) == []


def test_the_sqlite_file_does_hold_the_pseudonyms_and_encrypted_tokens(sqlite_file):
    """The search above is meaningful: it finds what is stored in clear by design."""
    raw, _ = sqlite_file
    assert b"Pseudocanary" in raw
    assert b"Birch" in raw
    assert b"Canary Centre" in raw
    assert b"hb1:gAAAAA" in raw


def test_the_sqlite_file_was_written_through_the_wal_and_is_consistent(sqlite_file):
    _, database = sqlite_file
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        (legal_name,) = db.execute(
            "SELECT legal_name FROM cases_person WHERE pseudonym = 'Pseudocanary'"
        ).fetchone()
    assert legal_name.startswith("hb1:")


if connection.vendor == "postgresql":

    @pytest.mark.django_db(transaction=True)
    def test_a_pg_dump_holds_no_plaintext_of_encrypted_fields(caseworker):
        actor = Actor(user=caseworker, ip_address="127.0.0.1")
        person_data = dict(CANARY_PERSON, date_of_birth=datetime.date.fromisoformat("1911-11-11"))
        case = services.open_case_for_new_person(
            actor, person_data, {"summary": CANARY_CASE_SUMMARY}, forms=["labour_trafficking"]
        )
        services.add_note(actor, case, CANARY_NOTE)
        services.update_person(actor, case.person, {"legal_name": CANARY_RENAMED})
        services.update_person(actor, case.person, {"legal_name": CANARY_PERSON["legal_name"]})
        assert Person.objects.get(pk=case.person.pk).legal_name == "Zyxwv Plaintextcanary"
        found = services.find_cases_by_identifier(actor, "phone", "+1 416 555 0187")
        assert list(found) == [case]

        pg_dump = shutil.which("pg_dump") or "/usr/bin/pg_dump"
        database = connection.settings_dict
        env = dict(os.environ)
        if database.get("PASSWORD"):
            env["PGPASSWORD"] = database["PASSWORD"]
        done = subprocess.run(
            [
                pg_dump,
                "--host",
                database.get("HOST") or "127.0.0.1",
                "--port",
                str(database.get("PORT") or 5432),
                "--username",
                database.get("USER") or "postgres",
                "--no-password",
                database["NAME"],
            ],
            env=env,
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr.decode()
        dump = done.stdout
        assert b"Pseudocanary" in dump
        assert b"hb1:gAAAAA" in dump
        assert leaked(dump, PLAINTEXTS) == []
