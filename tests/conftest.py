"""Shared fixtures: two organisations, a user of every role in each, and a
client that signs in with a second factor like a real user."""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable, Iterator
from typing import Any

import hypothesis
import pytest
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from harbour.accounts.models import Organisation, Province, Role, User
from harbour.accounts.services import create_organisation, create_staff
from harbour.audit.services import Actor
from harbour.cases import services
from harbour.cases.models import Case

PASSWORD = "correct-horse-battery-staple-42"

# Under CI the property and fuzz tests replay the same examples every run, so
# a red build always means a change broke something; local runs keep exploring
# new examples (and keep any failure they find in .hypothesis/ to replay).
# No deadline anywhere: tests never assert wall time, and the two database
# passes run side by side on two cores, so an example may wait for the CPU.
hypothesis.settings.register_profile("local", deadline=None)
hypothesis.settings.register_profile("ci", derandomize=True, print_blob=True, deadline=None)
hypothesis.settings.load_profile("ci" if os.environ.get("CI") == "true" else "local")


@pytest.fixture(autouse=True)
def every_test_starts_in_the_default_language() -> Iterator[None]:
    """A request through LocaleMiddleware leaves its language active in the
    thread (Django only activates, it never resets); without this, a French
    page in one test would make the next test's texts French."""
    yield
    translation.deactivate()


@pytest.fixture
def organisation(db: Any) -> Organisation:
    return create_organisation(Actor.system("test"), "Home Workers Centre", Province.ON)


@pytest.fixture
def other_organisation(db: Any) -> Organisation:
    return create_organisation(Actor.system("test"), "Elsewhere Legal Clinic", Province.QC)


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    def make(username: str, role: Role, organisation: Organisation) -> User:
        return create_staff(Actor.system("test"), organisation, username, PASSWORD, role)

    return make


@pytest.fixture
def caseworker(make_user: Callable[..., User], organisation: Organisation) -> User:
    return make_user("casey", Role.CASEWORKER, organisation)


@pytest.fixture
def supervisor(make_user: Callable[..., User], organisation: Organisation) -> User:
    return make_user("sue", Role.SUPERVISOR, organisation)


@pytest.fixture
def analyst(make_user: Callable[..., User], organisation: Organisation) -> User:
    return make_user("ana", Role.ANALYST, organisation)


@pytest.fixture
def intruder(make_user: Callable[..., User], other_organisation: Organisation) -> User:
    """A supervisor of another organisation: sees everything there, nothing here."""
    return make_user("intruder", Role.SUPERVISOR, other_organisation)


def sign_in(client: Client, user: User) -> Client:
    """Log in with a confirmed TOTP device, as the two-step login leaves it."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="test", defaults={"confirmed": True}
    )
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def signed_in() -> Callable[[User], Client]:
    return lambda user: sign_in(Client(), user)


def open_demo_case(user: User, pseudonym: str = "Birch", **person: Any) -> Case:
    person_data = {
        "pseudonym": pseudonym,
        "legal_name": "Rosa Example",
        "phone": "416-555-0142",
        "identity_document_number": "AB 123 456",
        **person,
    }
    return services.open_case_for_new_person(
        Actor(user=user, ip_address="127.0.0.1"),
        person_data,
        {"summary": "Passport held by the employer.", "opened_on": datetime.date(2026, 3, 1)},
        forms=["labour_trafficking"],
    )


@pytest.fixture
def case(caseworker: User) -> Case:
    return open_demo_case(caseworker)


@pytest.fixture
def other_case(intruder: User) -> Case:
    return open_demo_case(intruder, pseudonym="Spruce")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under CI nothing may be skipped: a skip there hides a missing part."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if os.environ.get("CI") == "true" and skipped:
        reporter.write_line(f"CI=true: {skipped} test(s) were skipped; failing the run.", red=True)
        session.exitstatus = 1


# --- Pure tests run once -----------------------------------------------------------------
# Engines, normalisation and knowledge never touch the database, so the suite's second
# pass (PostgreSQL) leaves them out with `-m "not pure"` (scripts/test.sh). A module is
# pure when it is listed here or sets `pytestmark = pytest.mark.pure`; a pure test that
# asks for the database is an error, so a wrong entry cannot hide a database test.
PURE_MODULES = (
    "tests/core/test_env.py",
    "tests/core/test_normalise.py",
    "tests/core/test_spreadsheets.py",
    "tests/imports/test_rows.py",
    "tests/knowledge/",
    "tests/networks/test_blocking.py",
    "tests/networks/test_cli.py",
    "tests/networks/test_linkage.py",
    "tests/networks/test_normalise.py",
    "tests/networks/test_public_data.py",
    "tests/networks/test_spark.py",
    "tests/pathways/test_cli.py",
    "tests/pathways/test_engine.py",
    "tests/pathways/test_engine_properties.py",
    "tests/pathways/test_rules.py",
    "tests/pathways/test_scenarios.py",
    "tests/public/test_translations.py",
    "tests/screening/test_catalogue.py",
    "tests/screening/test_cli.py",
    "tests/screening/test_engine.py",
    "tests/screening/test_engine_properties.py",
    "tests/screening/test_worked_cases.py",
    "tests/reports/test_disclosure",
    "tests/reports/test_attacks",
    "tests/reports/test_stats_cli.py",
)
DATABASE_FIXTURES = frozenset({"db", "transactional_db", "django_db_setup", "live_server"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = config.rootpath
    for item in items:
        where = item.path.relative_to(root).as_posix()
        if any(where.startswith(prefix) for prefix in PURE_MODULES):
            item.add_marker(pytest.mark.pure)
        if item.get_closest_marker("pure") is None:
            continue
        wants_database = item.get_closest_marker("django_db") is not None or bool(
            DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        )
        if wants_database:
            raise pytest.UsageError(
                f"{item.nodeid} is marked pure (run once) but uses the database: "
                "remove it from tests/conftest.py PURE_MODULES or drop its database use."
            )
