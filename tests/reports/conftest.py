"""Helpers for the reports tests: people who consent to statistics, with
cases, in bulk enough to pass the threshold k."""

from __future__ import annotations

import datetime
from typing import Any

from harbour.accounts.models import User
from harbour.audit.services import Actor
from harbour.cases import services
from harbour.cases.models import Case, Consent

GIVEN = datetime.date(2026, 1, 5)


def consent_to_statistics(case: Case, on: datetime.date = GIVEN) -> Consent:
    return Consent.objects.create(
        person=case.person, purpose="statistics", method="spoken", given_on=on
    )


def open_counted_cases(
    user: User,
    number: int,
    *,
    prefix: str = "P",
    consent: bool = True,
    forms: list[str] | None = None,
    opened_on: datetime.date = datetime.date(2026, 3, 1),
    **person: Any,
) -> list[Case]:
    """`number` new people with one case each, consenting to statistics."""
    cases = []
    for index in range(number):
        case = services.open_case_for_new_person(
            Actor(user=user),
            {"pseudonym": f"{prefix}{index:03d}", **person},
            {"opened_on": opened_on, "sector": "agriculture"},
            forms=forms if forms is not None else ["labour_trafficking"],
        )
        if consent:
            consent_to_statistics(case)
        cases.append(case)
    return cases
