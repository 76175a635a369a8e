"""Token authentication, roles and the OpenAPI document of /api/v1/."""

from __future__ import annotations

import datetime
import hashlib
import io
import re
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from harbour.accounts.models import Organisation, Role
from harbour.api.models import ApiToken
from harbour.audit.models import AuditEvent
from harbour.audit.services import Actor
from harbour.cases.models import ClosureRequest, Consent, Document, Task
from harbour.cli import main as harbour_cli
from harbour.screening.catalogue import load_catalogue
from harbour.screening.models import Assessment
from tests.api.conftest import ApiClient, bearer
from tests.conftest import PASSWORD
from tests.directory.conftest import (
    incoming_referral,
    outgoing_referral,
    outside_referral,
    shared_service,
)

ENDPOINTS = [
    ("get", "/api/v1/cases"),
    ("post", "/api/v1/cases"),
    ("get", "/api/v1/cases/{case}"),
    ("patch", "/api/v1/cases/{case}"),
    ("get", "/api/v1/people"),
    ("post", "/api/v1/people"),
    ("get", "/api/v1/people/{person}"),
    ("patch", "/api/v1/people/{person}"),
    ("post", "/api/v1/screening/evaluate"),
    ("get", "/api/v1/cases/{case}/assessments"),
    ("post", "/api/v1/cases/{case}/assessments"),
    ("get", "/api/v1/assessments/{assessment}"),
    ("get", "/api/v1/cases/{case}/tasks"),
    ("post", "/api/v1/cases/{case}/tasks"),
    ("get", "/api/v1/tasks"),
    ("get", "/api/v1/tasks/{task}"),
    ("patch", "/api/v1/tasks/{task}"),
    ("get", "/api/v1/people/{person}/consents"),
    ("post", "/api/v1/people/{person}/consents"),
    ("post", "/api/v1/consents/{consent}/withdraw"),
    ("post", "/api/v1/pathways/evaluate"),
    ("get", "/api/v1/cases/{case}/pathways"),
    ("get", "/api/v1/cases/{case}/applications"),
    ("post", "/api/v1/cases/{case}/applications"),
    ("get", "/api/v1/applications/{application}"),
    ("put", "/api/v1/applications/{application}/decision"),
    ("get", "/api/v1/directory/services"),
    ("get", "/api/v1/directory/services/{service}"),
    ("get", "/api/v1/cases/{case}/documents"),
    ("post", "/api/v1/cases/{case}/documents"),
    ("get", "/api/v1/documents/{document}"),
    ("get", "/api/v1/cases/{case}/timeline"),
    ("post", "/api/v1/cases/{case}/closure-requests"),
    ("post", "/api/v1/closure-requests/{closure}/decision"),
    ("put", "/api/v1/cases/{case}/assignment"),
    ("get", "/api/v1/cases/{case}/referrals"),
    ("post", "/api/v1/cases/{case}/referrals"),
    ("post", "/api/v1/cases/{case}/transfers"),
    ("get", "/api/v1/referrals"),
    ("get", "/api/v1/referrals/{referral}"),
    ("post", "/api/v1/referrals/{referral}/accept"),
    ("post", "/api/v1/referrals/{referral}/decline"),
    ("post", "/api/v1/referrals/{referral}/complete"),
    ("post", "/api/v1/referrals/{revocable}/revoke"),
    ("get", "/api/v1/cases/{case}/outside-referrals"),
    ("post", "/api/v1/cases/{case}/outside-referrals"),
    ("patch", "/api/v1/outside-referrals/{outside}"),
    ("get", "/api/v1/cases/{case}/needs"),
    ("post", "/api/v1/cases/{case}/needs"),
    ("patch", "/api/v1/needs/{need}"),
    ("post", "/api/v1/needs/{need}/actions"),
    ("get", "/api/v1/cases/{case}/stage"),
    ("get", "/api/v1/cases/{case}/mentions"),
    ("post", "/api/v1/cases/{case}/mentions"),
    ("get", "/api/v1/mentions/{mention}"),
    ("patch", "/api/v1/mentions/{mention}"),
    ("delete", "/api/v1/mentions/{mention}"),
    ("get", "/api/v1/entities/{entity}"),
]
# Supervisors and organisation admins only: an assigned caseworker gets 403.
SUPERVISOR_ONLY = {
    ("post", "/api/v1/closure-requests/{closure}/decision"),
    ("put", "/api/v1/cases/{case}/assignment"),
}
# Networks (docs/networks.md): supervisors, organisation admins and coalition
# analysts (counts only); caseworkers and platform admins get 403.
NETWORK_READERS = [
    ("get", "/api/v1/networks"),
    ("get", "/api/v1/networks/alerts"),
    ("get", "/api/v1/networks/{network}"),
]
# Public law, not case files: every token reads the rules, analysts included.
OPEN_TO_EVERY_TOKEN = [
    ("get", "/api/v1/pathways/rules"),
    ("get", "/api/v1/pathways/rules/vtip_trp"),
    # Harbour's HTCDS schema names fields, never data.
    ("get", "/api/v1/htcds/schema"),
]
# Statistics (docs/reports.md): releases for analysts, supervisors, organisation
# admins and platform admins; the live dashboard tables without platform admins.
RELEASE_READERS = [
    ("get", "/api/v1/reports/releases"),
    ("get", "/api/v1/reports/releases/{release}"),
    ("get", "/api/v1/reports/releases/{release}/tables/people_by_age_gender"),
]
DASHBOARD_READERS = [("get", "/api/v1/reports/dashboard/people_by_age_gender")]
# HTCDS export (docs/reports.md): supervisors and organisation admins, of their
# own organisation; every other role 403.
HTCDS_EXPORTERS = [("get", "/api/v1/htcds/export")]


def assessment_of(case: Any) -> Any:
    """An assessment on the case, made directly (setup, not under test)."""
    versions = load_catalogue().versions
    return case.assessments.first() or Assessment.objects.create(
        case=case,
        catalogue_version=versions["catalogue"],
        forced_labour_version=versions["forced_labour"],
        legal_elements_version=versions["legal_elements"],
    )


def task_of(case: Any) -> Any:
    """A task on the case, made directly (setup, not under test)."""
    return case.tasks.first() or Task.objects.create(
        case=case, title="Call", due_on=datetime.date(2026, 6, 1)
    )


def consent_of(case: Any) -> Any:
    """A consent of the case's person, made directly (setup, not under test)."""
    return case.person.consents.first() or Consent.objects.create(
        person=case.person,
        purpose="statistics",
        method="spoken",
        given_on=datetime.date(2026, 1, 5),
    )


def document_of(case: Any) -> Any:
    """A document on the case, stored directly (setup, not under test)."""
    from harbour.cases import documents

    return case.documents.first() or Document.objects.create(
        case=case,
        storage_name=documents.store(b"%PDF-1.7\n%%EOF\n"),
        original_name="slip.pdf",
        kind="pdf",
        size=15,
    )


def closure_of(case: Any) -> Any:
    """A pending closure request on the case, made directly (setup, not under test)."""
    return case.closure_requests.filter(status="pending").first() or (
        ClosureRequest.objects.create(case=case)
    )


def need_of(case: Any) -> Any:
    """An open housing need on the case, made directly (setup, not under test)."""
    from harbour.cases.models import Need

    return case.needs.first() or Need.objects.create(
        case=case, domain="housing", identified_on=datetime.date(2026, 1, 5)
    )


def application_of(case: Any) -> Any:
    """An application on the case, made directly (setup, not under test)."""
    from harbour.pathways.models import Application

    return case.applications.first() or Application.objects.create(
        case=case,
        pathway_id="vtip_trp",
        submitted_on=datetime.date(2026, 1, 5),
        submitted_by="lawyer",
    )


def release_of(case: Any) -> Any:
    """A published release of the installation, made through the service by a
    platform admin (setup, not under test)."""
    from harbour.accounts.services import create_staff
    from harbour.reports.models import Release
    from harbour.reports.services import publish_release

    existing = Release.objects.first()
    if existing is not None:
        return existing
    admin = create_staff(
        Actor.system("test"), case.organisation, "release-admin", PASSWORD, Role.PLATFORM_ADMIN
    )
    return publish_release(Actor(user=admin), "Test release", run_now=True)


def mention_of(case: Any) -> Any:
    """A linked party on the case whose person consents to linkage, made
    directly (setup, not under test)."""
    from harbour.networks.models import Entity, Mention, Network

    Consent.objects.get_or_create(
        person=case.person,
        purpose="network_linkage",
        defaults={"method": "spoken", "given_on": datetime.date(2026, 1, 5)},
    )
    mention = case.mentions.first()
    if mention is None:
        mention = Mention.objects.create(
            case=case, organisation=case.organisation, role="employer", name="Sunrise Farms"
        )
        entity = Entity.objects.create(
            role="employer", key=f"employer:{mention.pk}", network=Network.objects.create()
        )
        Mention.objects.filter(pk=mention.pk).update(entity=entity)
        mention.refresh_from_db()
    return mention


def call(client: ApiClient, method: str, path: str, case: Any) -> Any:
    """Send a request that would succeed for a caseworker assigned to `case`."""
    assessment = assessment_of(case).pk if "{assessment}" in path else None
    task = task_of(case).pk if "{task}" in path else None
    service = shared_service().pk if "{service}" in path else None
    consent = consent_of(case).pk if "{consent}" in path else None
    document = document_of(case).pk if "{document}" in path else None
    closure = closure_of(case).pk if "{closure}" in path else None
    # Referrals (made directly): one sent to the case's organisation, in the
    # state the step needs, and one sent from the case, to revoke.
    referral_status = "accepted" if path.endswith("/complete") else "pending"
    referral = (
        incoming_referral(case.organisation, status=referral_status).pk
        if "{referral}" in path
        else None
    )
    revocable = outgoing_referral(case).pk if "{revocable}" in path else None
    outside = outside_referral(case).pk if "{outside}" in path else None
    need = need_of(case).pk if "{need}" in path else None
    application = application_of(case).pk if "{application}" in path else None
    release = release_of(case).pk if "{release}" in path else None
    mention = (
        mention_of(case)
        if {"{mention}", "{entity}", "{network}"} & set(re.findall(r"\{\w+\}", path))
        else None
    )
    url = path.format(
        mention=mention.pk if mention else None,
        entity=mention.entity_id if mention else None,
        network=mention.entity.network_id if mention else None,
        referral=referral,
        revocable=revocable,
        outside=outside,
        need=need,
        application=application,
        release=release,
        document=document,
        closure=closure,
        case=case.pk,
        person=case.person.pk,
        assessment=assessment,
        task=task,
        service=service,
        consent=consent,
    )
    if method == "get":
        return client.get(url)
    if method == "delete":
        return client.client.delete(url, headers=client.headers)
    if url.endswith("/applications"):
        body = {"pathway_id": "vtip_trp", "submitted_on": "2026-01-05", "submitted_by": "person"}
        return client.post(url, body)
    if "/applications/" in url:
        return client.put(url, {"outcome": "refused", "decided_on": "2026-02-05"})
    if url.endswith("/mentions"):
        return client.post(url, {"role": "recruiter", "name": "Bob Smith"})
    if "/mentions/" in url:
        return client.patch(url, {"phones": ["905-555-0177"]})
    if url.endswith(("/referrals", "/transfers")):
        Consent.objects.get_or_create(
            person=case.person,
            purpose="referral_sharing",
            defaults={"method": "spoken", "given_on": datetime.date(2026, 1, 5)},
        )
        to = Organisation.objects.get_or_create(name="Riverside Shelter", province="ON")[0]
        return client.post(url, {"to_organisation": to.pk, "need": "housing"})
    if url.endswith("/needs"):
        return client.post(url, {"domain": "safety"})
    if url.endswith("/actions"):
        return client.post(url, {"title": "Call", "due_on": "2026-06-01"})
    if "/needs/" in url:
        return client.patch(url, {"status": "in_progress"})
    if url.endswith("/decline"):
        return client.post(url, {"reason": "No room this month."})
    if url.endswith(("/accept", "/complete", "/revoke")):
        return client.post(url, {})
    if url.endswith("/outside-referrals"):
        return client.post(url, {"name": "Lakeside food bank"})
    if "/outside-referrals/" in url:
        return client.patch(url, {"status": "contacted"})
    if url.endswith("/documents"):
        return client.post(url, {"file_name": "a.txt", "content_base64": "aGVsbG8="})
    if url.endswith(("/closure-requests", "/decision")):
        return client.post(url, {"approve": False} if url.endswith("/decision") else {})
    if url.endswith("/assignment"):
        return client.put(url, {"staff": [case.assigned_to.first().username]})
    if url.endswith("/pathways/evaluate"):
        return client.post(url, {"facts": {}})
    if url.endswith(("/evaluate", "/assessments")):
        return client.post(url, {"answers": {}})
    if url.endswith("/consents"):
        return client.post(url, {"purpose": "research", "method": "spoken"})
    if url.endswith("/withdraw"):
        return client.post(url, {})
    if url.endswith("/tasks") and method == "post":
        return client.post(url, {"title": "Call", "due_on": "2026-06-01"})
    if "/tasks/" in url:
        return client.patch(url, {"status": "done"})
    if url.endswith("/cases") and method == "post":
        return client.post(url, {"person_id": str(case.person.pk)})
    if url.endswith("/people") and method == "post":
        return client.post(url, {"pseudonym": "Willow"})
    if "/cases/" in url:
        return client.patch(url, {"status": "active"})
    return client.patch(url, {"languages": "Tagalog"})


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_every_endpoint_answers_401_without_a_token(method, path, case, intruder):
    response = call(ApiClient(None), method, path, case)
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_every_endpoint_answers_401_to_an_invalid_token(method, path, case, intruder):
    response = call(ApiClient("hbt_not-a-real-token"), method, path, case)
    assert response.status_code == 401


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_every_endpoint_works_for_the_assigned_caseworker(
    method, path, api_as, caseworker, supervisor, case
):
    response = call(api_as(caseworker), method, path, case)
    if (method, path) in SUPERVISOR_ONLY:
        assert response.status_code == 403, response.content
        response = call(api_as(supervisor), method, path, case)
    assert response.status_code in (200, 201, 204), response.content


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_an_analyst_gets_403_on_every_endpoint(method, path, api_as, analyst, case, intruder):
    before = AuditEvent.objects.count()
    response = call(api_as(analyst), method, path, case)
    assert response.status_code == 403
    assert b"Rosa" not in response.content
    # Nothing was read or written: the only event is the token's issue.
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.order_by("-id").first().action == "api_token.create"


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_a_platform_admin_gets_403_on_every_endpoint(
    method, path, api_as, make_user, organisation, case
):
    admin = make_user("platform", Role.PLATFORM_ADMIN, organisation)
    assert call(api_as(admin), method, path, case).status_code == 403


@pytest.mark.parametrize(("method", "path"), NETWORK_READERS)
def test_network_endpoints_answer_supervisors_and_analysts_and_refuse_the_rest(
    method, path, api_as, caseworker, supervisor, analyst, make_user, organisation, case
):
    assert call(ApiClient(None), method, path, case).status_code == 401
    for user in (supervisor, analyst):
        assert call(api_as(user), method, path, case).status_code == 200
    admin = make_user("platform", Role.PLATFORM_ADMIN, organisation)
    for user in (caseworker, admin):
        response = call(api_as(user), method, path, case)
        assert response.status_code == 403
        assert b"Sunrise" not in response.content


@pytest.mark.parametrize(("method", "path"), OPEN_TO_EVERY_TOKEN)
def test_the_open_endpoints_still_need_a_token_and_answer_every_role(
    method, path, api_as, analyst, make_user, organisation, intruder
):
    assert getattr(ApiClient(None), method)(path).status_code == 401
    admin = make_user("platform", Role.PLATFORM_ADMIN, organisation)
    for user in (analyst, admin, intruder):
        assert getattr(api_as(user), method)(path).status_code == 200


@pytest.mark.parametrize(("method", "path"), HTCDS_EXPORTERS)
def test_htcds_export_answers_supervisors_and_org_admins_and_refuses_the_rest(
    method, path, api_as, caseworker, supervisor, analyst, make_user, organisation, case
):
    assert getattr(ApiClient(None), method)(path).status_code == 401
    org_admin = make_user("olive", Role.ORG_ADMIN, organisation)
    for user in (supervisor, org_admin):
        assert getattr(api_as(user), method)(path).status_code == 200
    platform_admin = make_user("platform", Role.PLATFORM_ADMIN, organisation)
    for user in (caseworker, analyst, platform_admin):
        response = getattr(api_as(user), method)(path)
        assert response.status_code == 403
        assert b"Rosa" not in response.content


def test_an_expired_token_is_refused_with_401(token_for, caseworker, case, intruder):
    token = token_for(caseworker, days=1)
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert ApiClient(token).get("/api/v1/cases").status_code == 401


def test_a_token_without_expiry_keeps_working(token_for, caseworker, case, intruder):
    token = token_for(caseworker, days=None)
    assert ApiToken.objects.get().expires_at is None
    assert ApiClient(token).get("/api/v1/cases").status_code == 200


def test_a_new_token_expires_after_90_days_by_default(token_for, caseworker, intruder):
    token_for(caseworker)
    expires = ApiToken.objects.get().expires_at
    assert expires is not None
    remaining = expires - timezone.now()
    assert datetime.timedelta(days=89) < remaining <= datetime.timedelta(days=90)


def test_the_token_of_a_deactivated_user_is_refused_with_401(token_for, caseworker, case, intruder):
    client = ApiClient(token_for(caseworker))
    assert client.get("/api/v1/cases").status_code == 200
    caseworker.is_active = False
    caseworker.save()
    assert client.get("/api/v1/cases").status_code == 401
    assert client.get(f"/api/v1/cases/{case.pk}").status_code == 401


def test_a_token_is_stored_only_as_its_sha256_hash(token_for, caseworker, case, intruder):
    raw = token_for(caseworker)
    ApiClient(raw).get(f"/api/v1/cases/{case.pk}")  # use it, so last use is recorded too
    stored = ApiToken.objects.get()
    assert stored.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    # Not in any column of any table, not even the audit trail.
    secret = raw.removeprefix("hbt_")
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                assert not any(secret in str(value) for value in row), table


def test_a_token_records_when_it_was_last_used(token_for, caseworker, intruder):
    client = ApiClient(token_for(caseworker))
    assert ApiToken.objects.get().last_used_at is None
    client.get("/api/v1/cases")
    assert ApiToken.objects.get().last_used_at is not None


def test_the_token_prefix_alone_or_another_scheme_is_not_a_token(token_for, caseworker, intruder):
    raw = token_for(caseworker)
    client = Client()
    assert client.get("/api/v1/cases", headers={"Authorization": raw}).status_code == 401
    basic = {"Authorization": f"Basic {raw}"}
    assert client.get("/api/v1/cases", headers=basic).status_code == 401
    assert client.get("/api/v1/cases", headers=bearer("hbt_")).status_code == 401
    assert client.get("/api/v1/cases", headers=bearer(raw + "x")).status_code == 401
    assert client.get("/api/v1/cases", headers=bearer(raw)).status_code == 200


def test_a_signed_in_browser_session_is_not_enough_for_the_api(
    signed_in, caseworker, case, intruder
):
    # No cookie authentication: a page on another site cannot drive the API
    # with a staff member's browser (no CSRF surface).
    client = signed_in(caseworker)
    assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code == 200
    assert client.get("/api/v1/cases").status_code == 401
    assert client.get(f"/api/v1/cases/{case.pk}").status_code == 401


def test_the_intruders_own_token_works_only_in_their_organisation(
    api_as, intruder, other_case, case
):
    client = api_as(intruder)
    listed = client.get("/api/v1/cases").json()
    assert [item["id"] for item in listed["items"]] == [str(other_case.pk)]
    assert client.get(f"/api/v1/cases/{case.pk}").status_code == 404


def test_api_responses_are_never_cached(api_as, caseworker, case, intruder):
    response = api_as(caseworker).get(f"/api/v1/cases/{case.pk}")
    assert "no-store" in response["Cache-Control"]


def test_the_openapi_document_is_served_and_declares_bearer_security(client, intruder):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    schemes = document["components"]["securitySchemes"]
    assert schemes == {"TokenAuth": {"type": "http", "scheme": "bearer"}}
    operations = [op for path in document["paths"].values() for op in path.values()]
    assert len(operations) == len(ENDPOINTS) + len(NETWORK_READERS) + len(
        OPEN_TO_EVERY_TOKEN
    ) + len(HTCDS_EXPORTERS) + len(RELEASE_READERS) + len(DASHBOARD_READERS)
    for operation in operations:
        assert operation["security"] == [{"TokenAuth": []}]
        assert {"401", "403", "404", "422"} <= set(operation["responses"])


def test_the_openapi_document_declares_what_the_server_refuses(client, intruder):
    components = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert components["CaseIn"]["additionalProperties"] is False
    assert components["PersonPatch"]["additionalProperties"] is False
    assert components["PersonIn"]["properties"]["legal_name"]["pattern"] == r"^[^\x00]*$"


def test_there_is_no_interactive_docs_page(client, intruder):
    assert client.get("/api/v1/docs").status_code == 404


def test_the_api_token_command_prints_a_token_that_works(caseworker, case, intruder):
    out = io.StringIO()
    call_command("api_token", "casey", "--name", "reporting", "--days", "90", stdout=out)
    raw = out.getvalue().strip()
    assert raw.startswith("hbt_")
    token = ApiToken.objects.get()
    assert token.name == "reporting"
    assert token.user == caseworker
    response = ApiClient(raw).get("/api/v1/cases")
    assert response.status_code == 200
    assert response.json()["count"] == 1
    event = AuditEvent.objects.get(action="api_token.create")
    assert event.object_id == str(token.pk)
    assert raw not in str(event.detail)


def test_harbour_api_token_is_the_command_line_verb(caseworker, intruder, capsys, monkeypatch):
    # A command run from the command line closes the database connections
    # when it ends; here that connection holds the test's transaction.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    harbour_cli(["api-token", "casey", "--name", "cli", "--days", "0"])
    raw = capsys.readouterr().out.strip()
    assert ApiToken.objects.get(name="cli").expires_at is None
    assert ApiClient(raw).get("/api/v1/people").status_code == 200


def test_the_api_token_command_refuses_unknown_or_inactive_users(caseworker, intruder):
    with pytest.raises(CommandError):
        call_command("api_token", "nobody", stdout=io.StringIO())
    caseworker.is_active = False
    caseworker.save()
    with pytest.raises(CommandError):
        call_command("api_token", "casey", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("api_token", "intruder", "--days", "-1", stdout=io.StringIO())
    assert not ApiToken.objects.exists()


def test_a_revoked_token_stops_working_at_once_and_the_revocation_is_audited(
    token_for, caseworker, intruder
):
    from io import StringIO

    from django.core.management import call_command

    token = token_for(caseworker)
    theirs = token_for(intruder)
    assert ApiClient(token).get("/api/v1/cases").status_code == 200
    listed = StringIO()
    call_command("api_token", caseworker.username, list=True, stdout=listed)
    assert listed.getvalue().startswith("test\texpires ")
    call_command("api_token", caseworker.username, revoke="test", stdout=StringIO())
    assert ApiClient(token).get("/api/v1/cases").status_code == 401
    assert ApiClient(theirs).get("/api/v1/cases").status_code == 200
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1


def test_revoking_a_token_name_the_user_does_not_have_is_an_error(caseworker, intruder):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no token named"):
        call_command("api_token", caseworker.username, revoke="nothing")


@pytest.mark.parametrize(("method", "path"), RELEASE_READERS + DASHBOARD_READERS)
def test_statistics_endpoints_answer_their_readers_and_refuse_caseworkers(
    method, path, api_as, caseworker, supervisor, analyst, make_user, organisation, case
):
    assert call(ApiClient(None), method, path, case).status_code == 401
    for user in (supervisor, analyst):
        response = call(api_as(user), method, path, case)
        assert response.status_code == 200
        assert case.reference.encode() not in response.content
        assert case.person.pseudonym.encode() not in response.content
    assert call(api_as(caseworker), method, path, case).status_code == 403
    admin = make_user("platform", Role.PLATFORM_ADMIN, organisation)
    expected = 200 if (method, path) in RELEASE_READERS else 403
    assert call(api_as(admin), method, path, case).status_code == expected
