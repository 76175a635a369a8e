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

import datetime
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
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
from harbour.accounts.services import create_staff
from harbour.audit.services import Actor
from harbour.cases import services
from harbour.cases.models import Case, ClosureRequest, Consent, Document, Need, Person, Task
from harbour.directory.models import OutsideReferral, Referral
from harbour.networks.models import Mention
from harbour.networks.services import add_mention
from harbour.pathways.applications import record_application
from harbour.pathways.models import Application
from harbour.screening.models import Assessment
from harbour.screening.services import start_assessment
from tests.api.conftest import bearer
from tests.conftest import PASSWORD, open_demo_case
from tests.directory.conftest import (
    incoming_referral,
    outgoing_referral,
    outside_referral,
    shared_service,
)

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
    own_task: Any = None
    other_task: Any = None
    own_consent: Any = None
    other_consent: Any = None
    own_document: Any = None
    other_document: Any = None
    own_closure: Any = None
    other_closure: Any = None
    # Referrals sent to A (one per answer a test may give), one A sent, and
    # one B sent to a third organisation; referrals outside Harbour of each.
    own_referrals: dict[str, Any] = field(default_factory=dict)
    other_referral: Any = None
    own_outside: Any = None
    other_outside: Any = None
    own_transferable: Any = None
    own_need: Any = None
    other_need: Any = None
    # A linked party on each organisation's case (its entity, its network).
    own_mention: Any = None
    other_mention: Any = None
    # An application for protection on each organisation's case.
    own_application: Any = None
    other_application: Any = None

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
            | {
                str(pk)
                for pk in Task.objects.filter(case__organisation=organisation).values_list(
                    "pk", flat=True
                )
            }
            | {
                str(pk)
                for pk in Consent.objects.filter(person__organisation=organisation).values_list(
                    "pk", flat=True
                )
            }
            | {
                str(pk)
                for model in (Document, ClosureRequest, OutsideReferral, Need)
                for pk in model.objects.filter(case__organisation=organisation).values_list(
                    "pk", flat=True
                )
            }
            | {
                str(pk)
                for pk in Application.objects.filter(case__organisation=organisation).values_list(
                    "pk", flat=True
                )
            }
            | {
                str(pk)
                for pk in Referral.objects.filter(from_organisation=organisation).values_list(
                    "pk", flat=True
                )
            }
            | {
                str(pk)
                for row in Mention.objects.filter(organisation=organisation).values_list(
                    "pk", "entity_id", "entity__network_id"
                )
                for pk in row
                if pk is not None
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
    tasks = [
        (
            t.pk,
            t.title,
            t.details,
            t.due_on,
            t.status,
            t.assigned_to_id,
            t.reminder_days,
            t.updated_at,
        )
        for t in Task.objects.filter(case__organisation=organisation).order_by("pk")
    ]
    consents = [
        (c.pk, c.purpose, c.method, c.given_on, c.withdrawn_on, c.withdrawn_by_id)
        for c in Consent.objects.filter(person__organisation=organisation).order_by("pk")
    ]
    documents = [
        (d.pk, d.original_name, d.size)
        for d in Document.objects.filter(case__organisation=organisation).order_by("pk")
    ]
    closures = [
        (c.pk, c.status, c.decided_at)
        for c in ClosureRequest.objects.filter(case__organisation=organisation).order_by("pk")
    ]
    referrals = [
        (r.pk, r.status, r.answered_at, r.revoked_at)
        for r in Referral.objects.filter(from_organisation=organisation).order_by("pk")
    ]
    outside = [
        (o.pk, o.status, o.status_changed_at)
        for o in OutsideReferral.objects.filter(case__organisation=organisation).order_by("pk")
    ]
    needs = [
        (n.pk, n.domain, n.priority, n.status, n.note, n.updated_at)
        for n in Need.objects.filter(case__organisation=organisation).order_by("pk")
    ]
    mentions = [
        (m.pk, m.role, m.name, m.other_name, m.phones, m.address, m.notes, m.entity_id)
        for m in Mention.objects.filter(organisation=organisation).order_by("pk")
    ]
    applications = [
        (
            a.pk,
            a.pathway_id,
            a.submitted_on,
            a.submitted_by,
            a.reference_number,
            a.documents_sent,
            a.updated_at,
            *(
                (d.outcome, d.decided_on, d.valid_until, d.conditions, d.updated_at)
                if (d := getattr(a, "decision", None))
                else ()
            ),
        )
        for a in Application.objects.filter(case__organisation=organisation)
        .select_related("decision")
        .order_by("pk")
    ]
    return [
        applications,
        people,
        cases,
        tasks,
        consents,
        documents,
        closures,
        referrals,
        outside,
        needs,
        mentions,
    ]


@pytest.fixture
def world(
    caseworker: User, make_user: Any, organisation: Organisation, intruder: User, token_for: Any
) -> World:
    """Organisation A: a caseworker with two cases, and a supervisor. Organisation B
    (the intruder's): a case, and a person with no case."""
    supervisor = make_user("fuzz-supervisor", Role.SUPERVISOR, organisation)
    own = open_demo_case(caseworker, pseudonym="Birch")
    cedar = open_demo_case(caseworker, pseudonym="Cedar")
    other = open_demo_case(intruder, pseudonym="Spruce", legal_name="Other Organisation Person")
    services.register_person(Actor(user=intruder), {"pseudonym": "Tamarack"})
    own_assessment = start_assessment(Actor(user=caseworker), own)
    other_assessment = start_assessment(Actor(user=intruder), other)
    due = {"title": "Call", "due_on": datetime.date(2026, 6, 1)}
    own_task = services.add_task(Actor(user=caseworker), own, due, assigned_to=caseworker)
    other_task = services.add_task(Actor(user=intruder), other, due, assigned_to=intruder)
    own_consent = services.record_consent(
        Actor(user=caseworker), own.person, "statistics", method="spoken"
    )
    other_consent = services.record_consent(
        Actor(user=intruder), other.person, "statistics", method="spoken"
    )
    pdf = b"%PDF-1.7\n%%EOF\n"
    own_document = services.upload_document(Actor(user=caseworker), own, pdf, "own.pdf")
    other_document = services.upload_document(Actor(user=intruder), other, pdf, "other.pdf")
    own_closure = services.request_closure(Actor(user=caseworker), own)
    other_closure = ClosureRequest.objects.create(case=other)
    # Cedar consents to sharing, so that a transfer of that case can be asked for.
    services.record_consent(
        Actor(user=caseworker), cedar.person, "referral_sharing", method="spoken"
    )
    own_referrals = {
        "accept": incoming_referral(organisation),
        "decline": incoming_referral(organisation),
        "complete": incoming_referral(organisation, status="accepted"),
        "revoke": outgoing_referral(own),
    }
    own_need = services.identify_need(Actor(user=caseworker), own, {"domain": "housing"})
    other_need = services.identify_need(Actor(user=intruder), other, {"domain": "housing"})
    linked = {}
    for user, case_, name in (
        (caseworker, own, "Sunrise Farms"),
        (intruder, other, "Spruce Farms"),
    ):
        services.record_consent(Actor(user=user), case_.person, "network_linkage", method="spoken")
        linked[user.pk] = add_mention(Actor(user=user), case_, {"role": "employer", "name": name})
    submitted = {"pathway_id": "vtip_trp", "submitted_on": datetime.date(2026, 1, 5)}
    own_application = record_application(
        Actor(user=caseworker), own, {**submitted, "submitted_by": "lawyer"}
    )
    other_application = record_application(
        Actor(user=intruder), other, {**submitted, "submitted_by": "person"}
    )
    return World(
        own_application=own_application,
        other_application=other_application,
        own_mention=linked[caseworker.pk],
        other_mention=linked[intruder.pk],
        own_need=own_need,
        other_need=other_need,
        own_transferable=cedar,
        own_referrals=own_referrals,
        other_referral=outgoing_referral(other),
        own_outside=outside_referral(own),
        other_outside=outside_referral(other),
        own_document=own_document,
        other_document=other_document,
        own_closure=own_closure,
        other_closure=other_closure,
        own_assessment=own_assessment,
        other_assessment=other_assessment,
        caseworker_token=token_for(caseworker),
        supervisor_token=token_for(supervisor),
        own_case=own,
        own_person=own.person,
        other_case=other,
        other_person=other.person,
        own_task=own_task,
        other_task=other_task,
        own_consent=own_consent,
        other_consent=other_consent,
    )


def aim_at(
    case: Any,
    case_id: Any,
    person_id: Any,
    assessment_id: Any,
    task_id: Any = None,
    consent_id: Any = None,
    document_id: Any = None,
    closure_id: Any = None,
    referral_id: Any = None,
    outside_id: Any = None,
    need_id: Any = None,
    mention: Any = None,
    application_id: Any = None,
) -> bool:
    """Point the generated request at the given records; True if it names one."""
    aimed = False
    path = case.path_parameters or {}
    for name, value in (
        ("document_id", document_id),
        ("closure_id", closure_id),
        ("referral_id", referral_id),
        ("outside_id", outside_id),
        ("need_id", need_id),
        ("application_id", application_id),
        ("mention_id", mention.pk if mention else None),
        ("entity_id", mention.entity_id if mention else None),
        ("network_id", mention.entity.network_id if mention else None),
    ):
        if name in path and value is not None:
            path[name] = str(value)
            aimed = True
    if "consent_id" in path and consent_id is not None:
        path["consent_id"] = str(consent_id)
        aimed = True
    if "task_id" in path and task_id is not None:
        path["task_id"] = str(task_id)
        aimed = True
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
        aim_at(
            case,
            world.own_case.pk,
            world.own_person.pk,
            world.own_assessment.pk,
            world.own_task.pk,
            world.own_consent.pk,
            world.own_document.pk,
            world.own_closure.pk,
            world.own_referrals["accept"].pk,
            world.own_outside.pk,
            need_id=world.own_need.pk,
            mention=world.own_mention,
            application_id=world.own_application.pk,
        )
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_tokens_of_one_organisation_never_reach_another_organisations_records(
    case: Any, world: World
) -> None:
    organisation_b = world.other_case.organisation
    before = snapshot(organisation_b)
    aimed = aim_at(
        case,
        world.other_case.pk,
        world.other_person.pk,
        world.other_assessment.pk,
        world.other_task.pk,
        world.other_consent.pk,
        world.other_document.pk,
        world.other_closure.pk,
        world.other_referral.pk,
        world.other_outside.pk,
        need_id=world.other_need.pk,
        mention=world.other_mention,
        application_id=world.other_application.pk,
    )
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
            # of the request itself (unparsable body, wrong method, invalid field),
            # or of the role (a caseworker reads no network, not even its own).
            assert response.status_code in (400, 403, 404, 405, 422), response.text
        text = response.text
        leaked = {pk for pk in world.other_ids() if pk in text}
        assert not leaked, f"{case.method} {case.formatted_path} returned B's ids {leaked}"
        for secret in ("Spruce", "Tamarack", "Other Organisation Person"):
            assert secret not in text
    assert snapshot(organisation_b) == before


def published_release(world: World) -> Any:
    """A release of the installation, published through the service by a
    platform admin of the own organisation (setup, not under test)."""
    from harbour.reports.models import Release
    from harbour.reports.services import publish_release

    existing = Release.objects.first()
    if existing is not None:
        return existing
    admin = create_staff(
        Actor.system("test"),
        world.own_case.organisation,
        "fuzz-release-admin",
        PASSWORD,
        Role.PLATFORM_ADMIN,
    )
    return publish_release(Actor(user=admin), "Fuzz release", run_now=True)


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
        if "{task_id}" in op.path:
            case.path_parameters = {"task_id": str(world.own_task.pk)}
        if "{consent_id}" in op.path:
            case.path_parameters = {"consent_id": str(world.own_consent.pk)}
        if "{document_id}" in op.path:
            case.path_parameters = {"document_id": str(world.own_document.pk)}
        if "{closure_id}" in op.path:
            case.path_parameters = {"closure_id": str(world.own_closure.pk)}
        if "{service_id}" in op.path:
            case.path_parameters = {"service_id": str(shared_service().pk)}
        if "{referral_id}" in op.path:
            step = op.path.rsplit("/", 1)[-1]
            referral = world.own_referrals.get(step, world.own_referrals["accept"])
            case.path_parameters = {"referral_id": str(referral.pk)}
        if "{outside_id}" in op.path:
            case.path_parameters = {"outside_id": str(world.own_outside.pk)}
        if "{need_id}" in op.path:
            case.path_parameters = {"need_id": str(world.own_need.pk)}
        if "{mention_id}" in op.path:
            mention = world.own_mention
            if op.method.upper() == "DELETE":  # a party of its own, so the others stay
                mention = add_mention(
                    Actor(user=world.own_mention.created_by),
                    world.own_case,
                    {"role": "housing", "address": "1 Main St, Leamington ON"},
                )
            case.path_parameters = {"mention_id": str(mention.pk)}
        if "{entity_id}" in op.path:
            case.path_parameters = {"entity_id": str(world.own_mention.entity_id)}
        if "{network_id}" in op.path:
            case.path_parameters = {"network_id": str(world.own_mention.entity.network_id)}
        if "{pathway_id}" in op.path:
            case.path_parameters = {"pathway_id": "vtip_trp"}
        if "{application_id}" in op.path:
            case.path_parameters = {"application_id": str(world.own_application.pk)}
        if "{release_id}" in op.path:
            case.path_parameters = {"release_id": str(published_release(world).pk)}
        if "{table}" in op.path:
            case.path_parameters = {**(case.path_parameters or {}), "table": "people_by_age_gender"}
        token_headers = headers
        if op.path.endswith(("/decision", "/assignment")) or "/networks" in op.path:
            # Supervisors and organisation admins only (and analysts, for networks).
            token_headers = bearer(world.supervisor_token)
        if op.path.endswith("/htcds/export") or "/reports/" in op.path:
            # HTCDS export and statistics: supervisors and organisation admins
            # (and analysts, for statistics); never caseworkers.
            token_headers = bearer(world.supervisor_token)
        if op.method.upper() in ("POST", "PATCH", "PUT"):
            body: dict[str, Any] = {}
            if op.path.endswith("/cases") and op.method.upper() == "POST":
                body = {"person_id": str(world.own_person.pk)}
            elif op.path.endswith("/people") and op.method.upper() == "POST":
                body = {"pseudonym": "Willow"}
            elif op.path.endswith("/tasks") and op.method.upper() == "POST":
                body = {"title": "Call", "due_on": "2026-06-01"}
            elif op.path.endswith("/consents") and op.method.upper() == "POST":
                body = {"purpose": "research", "method": "spoken"}
            elif op.path.endswith("/documents"):
                body = {"file_name": "note.txt", "content_base64": "aGVsbG8="}
            elif op.path.endswith("/applications"):
                body = {"pathway_id": "refugee_claim", "submitted_on": "2026-02-01"}
                body["submitted_by"] = "person"
            elif "/applications/" in op.path:
                body = {"outcome": "refused", "decided_on": "2026-03-01"}
            elif op.path.endswith("/decision"):
                body = {"approve": False}
            elif op.path.endswith("/assignment"):
                body = {"staff": ["casey"]}
            elif op.path.endswith(("/referrals", "/transfers")):
                if op.path.endswith("/transfers"):
                    case.path_parameters = {"case_id": str(world.own_transferable.pk)}
                receiver = world.own_referrals["accept"].from_organisation
                body = {"to_organisation": receiver.pk, "need": "housing"}
            elif op.path.endswith("/needs"):
                body = {"domain": "safety"}
            elif op.path.endswith("/mentions"):
                body = {"role": "recruiter", "name": "Bob Smith"}
            elif "/mentions/" in op.path:
                body = {"notes": "Call first."}
            elif op.path.endswith("/actions"):
                body = {"title": "Call", "due_on": "2026-06-01"}
            elif op.path.endswith("/decline"):
                body = {"reason": "No room this month."}
            elif op.path.endswith("/outside-referrals"):
                body = {"name": "Lakeside food bank"}
            elif "/outside-referrals/" in op.path:
                body = {"status": "contacted"}
            elif op.path.endswith("/closure-requests"):
                # One request already waits on the own case; ask on the other one.
                # (the earliest other one: POST /cases may have opened more by now)
                other_own = (
                    Case.objects.exclude(pk=world.own_case.pk)
                    .filter(organisation=world.own_case.organisation)
                    .order_by("created_at")
                    .first()
                )
                assert other_own is not None
                case.path_parameters = {"case_id": str(other_own.pk)}
            case.body = body
        response = case.call(headers=token_headers)
        assert 200 <= response.status_code < 300, (op.label, response.status_code, response.text)
        if response.status_code != 204:
            json.loads(response.text)
