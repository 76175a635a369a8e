"""Schemathesis fuzzes the API in-process, through the real WSGI application
and its middleware, from the OpenAPI document the API serves.

Two properties:
- every generated request, valid or not, gets a documented answer that
  matches the schema, never a server error, and never one that ignores the
  missing or wrong token;
- a token of organisation A never reaches anything of organisation B: a
  request naming B's case or person (in the path, or as `person_id` in the
  body) is never served (404, or a refusal of the request itself), no
  response contains an id of B, and B's records are unchanged afterwards.

`test_the_fuzzer_reaches_real_records` keeps the first honest: aimed at A's
own records, every operation does succeed, so the fuzzing gets past the
access checks rather than only collecting 404s.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import checks

from harbour.accounts.models import Organisation, Role, User
from harbour.audit.services import Actor
from harbour.cases import services
from harbour.cases.models import Case, Person
from harbour.screening.models import Assessment
from harbour.screening.services import start_assessment
from tests.api.conftest import bearer
from tests.conftest import open_demo_case

# Modest by default: the suite runs twice (SQLite, PostgreSQL) on small
# machines. HARBOUR_FUZZ_EXAMPLES=500 makes a deeper run.
EXAMPLES = int(os.environ.get("HARBOUR_FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
    checks.positive_data_acceptance,
    checks.missing_required_header,
    checks.unsupported_method,
    checks.ignored_auth,
    checks.use_after_free,
    checks.ensure_resource_availability,
]


@pytest.fixture
def api_schema(world: World) -> Iterator[Any]:
    """The schema as the running app serves it, bound to the WSGI app, with
    the caseworker's token as the credentials for its bearer scheme.

    Schemathesis then sends the token itself, and leaves it out on purpose
    when it tests what happens without one. Like Django's test client, keep
    the request signals from closing the connection, which holds the test's
    transaction.
    """
    config = schemathesis.Config.from_dict(
        {"auth": {"openapi": {"TokenAuth": {"bearer": world.caseworker_token}}}}
    )
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(
            "/api/v1/openapi.json", get_wsgi_application(), config=config
        )
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@dataclass
class World:
    caseworker_token: str
    supervisor_token: str
    own_case: Case
    own_person: Person
    other_case: Case
    other_person: Person
    own_assessment: Assessment
    other_assessment: Assessment

    def other_ids(self) -> set[str]:
        organisation = self.other_case.organisation
        return (
            {
                str(pk)
                for pk in Case.objects.filter(organisation=organisation).values_list(
                    "pk", flat=True
                )
            }
            | {
                str(pk)
                for pk in Person.objects.filter(organisation=organisation).values_list(
                    "pk", flat=True
                )
            }
            | {
                str(pk)
                for pk in Assessment.objects.filter(case__organisation=organisation).values_list(
                    "pk", flat=True
                )
            }
        )


def snapshot(organisation: Organisation) -> list[Any]:
    """Everything of an organisation's people and cases that the API could change."""
    people = [
        (
            p.pk,
            p.pseudonym,
            p.legal_name,
            p.phone,
            p.email,
            p.date_of_birth,
            p.permit_expiry,
            p.immigration_status,
            p.updated_at,
        )
        for p in Person.objects.filter(organisation=organisation).order_by("pk")
    ]
    cases = [
        (
            c.pk,
            c.reference,
            c.person_id,
            c.status,
            c.province,
            c.sector,
            c.summary,
            c.exploitation_forms,
            c.opened_on,
            c.closed_on,
            c.updated_at,
            sorted(c.assigned_to.values_list("pk", flat=True)),
        )
        for c in Case.objects.filter(organisation=organisation).order_by("pk")
    ]
    return [people, cases]


@pytest.fixture
def world(
    caseworker: User, make_user: Any, organisation: Organisation, intruder: User, token_for: Any
) -> World:
    """Organisation A: a caseworker with two cases, and a supervisor. Organisation B
    (the intruder's): a case, and a person with no case."""
    supervisor = make_user("fuzz-supervisor", Role.SUPERVISOR, organisation)
    own = open_demo_case(caseworker, pseudonym="Birch")
    open_demo_case(caseworker, pseudonym="Cedar")
    other = open_demo_case(intruder, pseudonym="Spruce", legal_name="Other Organisation Person")
    services.register_person(Actor(user=intruder), {"pseudonym": "Tamarack"})
    own_assessment = start_assessment(Actor(user=caseworker), own)
    other_assessment = start_assessment(Actor(user=intruder), other)
    return World(
        own_assessment=own_assessment,
        other_assessment=other_assessment,
        caseworker_token=token_for(caseworker),
        supervisor_token=token_for(supervisor),
        own_case=own,
        own_person=own.person,
        other_case=other,
        other_person=other.person,
    )


def aim_at(case: Any, case_id: Any, person_id: Any, assessment_id: Any) -> bool:
    """Point the generated request at the given records; True if it names one."""
    aimed = False
    path = case.path_parameters or {}
    if "assessment_id" in path:
        path["assessment_id"] = str(assessment_id)
        aimed = True
    if "case_id" in path:
        path["case_id"] = str(case_id)
        aimed = True
    if "person_id" in path:
        path["person_id"] = str(person_id)
        aimed = True
    if isinstance(case.body, dict) and "person_id" in case.body:
        case.body["person_id"] = str(person_id)
        aimed = True
    return aimed


@schema.parametrize()
@schema.given(target=st.sampled_from(["generated", "own"]))
@FUZZ
def test_fuzzed_requests_get_documented_answers_and_never_a_server_error(
    case: Any, target: str, world: World
) -> None:
    # Half the valid examples aim at real records of the caller, so that
    # reads, updates and case creation run their whole path, not just the
    # 404. (Invalid ones stay as generated: the checks judge them by what
    # was made invalid, which aiming could undo.)
    negative = case.meta is not None and case.meta.generation.mode.is_negative
    if target == "own" and not negative:
        aim_at(case, world.own_case.pk, world.own_person.pk, world.own_assessment.pk)
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_tokens_of_one_organisation_never_reach_another_organisations_records(
    case: Any, world: World
) -> None:
    organisation_b = world.other_case.organisation
    before = snapshot(organisation_b)
    aimed = aim_at(case, world.other_case.pk, world.other_person.pk, world.other_assessment.pk)
    # The caseworker's cases are filtered twice (organisation, assignment);
    # a supervisor sees the whole organisation, so for that token only the
    # organisation boundary stands between it and B's records.
    for token in (world.caseworker_token, world.supervisor_token):
        response = case.call(headers=bearer(token))

        assert response.status_code < 500, response.text
        if response.request.headers.get("Authorization") != f"Bearer {token}":
            # Negative examples may drop the required header: then 401.
            assert response.status_code == 401, response.text
        elif aimed:
            # "Not found" as for a record that does not exist, or a refusal
            # of the request itself (unparsable body, wrong method, invalid field).
            assert response.status_code in (400, 404, 405, 422), response.text
        text = response.text
        leaked = {pk for pk in world.other_ids() if pk in text}
        assert not leaked, f"{case.method} {case.formatted_path} returned B's ids {leaked}"
        for secret in ("Spruce", "Tamarack", "Other Organisation Person"):
            assert secret not in text
    assert snapshot(organisation_b) == before


def test_the_fuzzer_reaches_real_records(api_schema: Any, world: World) -> None:
    """A guard for the fuzz tests above: aimed at A's own records with A's
    token, each operation gets past the 404, so the fuzzing exercises more
    than the access check."""
    headers = bearer(world.caseworker_token)
    for operation in api_schema.get_all_operations():
        op = operation.ok()
        case = op.Case(media_type="application/json")
        if "{case_id}" in op.path:
            case.path_parameters = {"case_id": str(world.own_case.pk)}
        if "{person_id}" in op.path:
            case.path_parameters = {"person_id": str(world.own_person.pk)}
        if "{assessment_id}" in op.path:
            case.path_parameters = {"assessment_id": str(world.own_assessment.pk)}
        if op.method.upper() in ("POST", "PATCH"):
            body: dict[str, Any] = {}
            if op.path.endswith("/cases") and op.method.upper() == "POST":
                body = {"person_id": str(world.own_person.pk)}
            elif op.path.endswith("/people") and op.method.upper() == "POST":
                body = {"pseudonym": "Willow"}
            case.body = body
        response = case.call(headers=headers)
        assert 200 <= response.status_code < 300, (op.label, response.status_code, response.text)
        json.loads(response.text)
