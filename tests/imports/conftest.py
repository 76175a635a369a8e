"""Import fixtures: fictional spreadsheets of people and cases."""

from __future__ import annotations

from typing import Any

import pytest

from harbour.audit.services import Actor
from harbour.imports import services
from harbour.imports.models import ImportJob

HEADER = "Pseudonyme,Nom,Date de naissance,Téléphone,Statut,Province,Forms of exploitation,Résumé\n"


def rows(count: int, start: int = 0) -> str:
    return "".join(
        f"Tree{i},Fictional Person {i},1990-01-{1 + i % 28:02d},416-555-01{i % 100:02d},"
        f"temporary_worker,ON,labour_trafficking,Fictional story {i}\n"
        for i in range(start, start + count)
    )


def csv_bytes(count: int = 3) -> bytes:
    return (HEADER + rows(count)).encode()


@pytest.fixture
def checked_job(supervisor: Any) -> ImportJob:
    actor = Actor(user=supervisor)
    job = services.upload_spreadsheet(actor, csv_bytes(5), "people.csv")
    return services.check_import(actor, job, job.mapping)


@pytest.fixture
def their_job(intruder: Any) -> ImportJob:
    actor = Actor(user=intruder)
    job = services.upload_spreadsheet(actor, csv_bytes(2), "people.csv")
    return services.check_import(actor, job, job.mapping)


def make_checked_job(user: Any) -> ImportJob:
    """A checked import of the user's organisation (for other tests' worlds)."""
    actor = Actor(user=user)
    job = services.upload_spreadsheet(actor, csv_bytes(2), "people.csv")
    return services.check_import(actor, job, job.mapping)
