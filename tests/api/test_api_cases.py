"""Cases through /api/v1/: organisation and assignment scoping, audit, and
input that is refused rather than stored."""

from __future__ import annotations

import datetime

import pytest

from harbour.accounts.models import Role
from harbour.audit.models import AuditEvent
from harbour.audit.services import verify_chain
from harbour.cases.models import Case, CaseStatus
from tests.conftest import open_demo_case


def ids(response) -> list[str]:
    return [item["id"] for item in response.json()["items"]]


def test_a_caseworker_lists_only_the_cases_assigned_to_them(
    api_as, caseworker, make_user, organisation, case, other_case, intruder
):
    colleague = make_user("colleague", Role.CASEWORKER, organisation)
    theirs = open_demo_case(colleague, pseudonym="Hazel")
    response = api_as(caseworker).get("/api/v1/cases")
    assert response.status_code == 200
    assert ids(response) == [str(case.pk)]
    assert response.json()["count"] == 1
    assert str(theirs.pk) not in response.content.decode()
    assert str(other_case.pk) not in response.content.decode()


def test_a_supervisor_lists_every_case_of_their_organisation_only(
    api_as, supervisor, make_user, organisation, case, other_case, intruder
):
    colleague = make_user("colleague", Role.CASEWORKER, organisation)
    theirs = open_demo_case(colleague, pseudonym="Hazel")
    response = api_as(supervisor).get("/api/v1/cases")
    assert sorted(ids(response)) == sorted([str(case.pk), str(theirs.pk)])


def test_a_caseworker_gets_404_for_a_colleagues_case(
    api_as, caseworker, make_user, organisation, intruder
):
    colleague = make_user("colleague", Role.CASEWORKER, organisation)
    theirs = open_demo_case(colleague, pseudonym="Hazel")
    client = api_as(caseworker)
    assert client.get(f"/api/v1/cases/{theirs.pk}").status_code == 404
    assert client.patch(f"/api/v1/cases/{theirs.pk}", {"status": "closed"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == CaseStatus.INTAKE


def test_another_organisations_case_answers_404_to_get(api_as, intruder, case):
    response = api_as(intruder).get(f"/api/v1/cases/{case.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert not AuditEvent.objects.filter(action="case.view").exists()


def test_another_organisations_case_answers_404_to_patch_and_is_unchanged(api_as, intruder, case):
    response = api_as(intruder).patch(
        f"/api/v1/cases/{case.pk}", {"status": "closed", "summary": "overwritten"}
    )
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == CaseStatus.INTAKE
    assert case.summary == "Passport held by the employer."
    assert not AuditEvent.objects.filter(action="case.update").exists()


def test_a_case_cannot_be_opened_for_another_organisations_person(api_as, intruder, case):
    before = Case.objects.count()
    response = api_as(intruder).post("/api/v1/cases", {"person_id": str(case.person.pk)})
    assert response.status_code == 404
    assert Case.objects.count() == before


def test_a_missing_or_malformed_case_id_answers_404(api_as, caseworker, intruder):
    client = api_as(caseworker)
    for case_id in ("00000000-0000-0000-0000-000000000000", "not-a-uuid", "1", "%00", "' OR 1=1"):
        assert client.get(f"/api/v1/cases/{case_id}").status_code == 404
        assert client.patch(f"/api/v1/cases/{case_id}", {"status": "active"}).status_code == 404


def test_reading_a_case_is_audited_as_an_api_read(api_as, caseworker, case, intruder):
    response = api_as(caseworker).get(f"/api/v1/cases/{case.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == case.reference
    assert body["summary"] == "Passport held by the employer."
    assert body["assigned_staff"] == ["casey"]
    assert body["person"]["pseudonym"] == "Birch"
    event = AuditEvent.objects.get(action="case.view")
    assert event.actor == caseworker
    assert event.object_id == str(case.pk)
    assert event.detail == {"via": "api"}
    assert event.organisation_id_at_time == case.organisation_id
    assert verify_chain().intact


def test_the_case_list_shows_no_identifying_fields(api_as, caseworker, case, intruder):
    response = api_as(caseworker).get("/api/v1/cases")
    item = response.json()["items"][0]
    assert set(item["person"]) == {"id", "pseudonym", "immigration_status", "permit_expiry"}
    assert "summary" not in item
    for secret in ("Rosa Example", "416-555-0142", "AB 123 456"):
        assert secret not in response.content.decode()


def test_opening_a_case_is_audited_and_assigns_the_opener(api_as, caseworker, case, intruder):
    response = api_as(caseworker).post(
        "/api/v1/cases",
        {
            "person_id": str(case.person.pk),
            "sector": "agriculture",
            "forms_of_exploitation": ["labour_trafficking", "worker_at_risk"],
            "summary": "Second matter.",
            "opened_on": "2026-04-02",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    created = Case.objects.get(pk=body["id"])
    assert created.organisation == case.organisation
    assert created.reference == body["reference"] == "HB-2026-0002"
    assert body["province"] == "ON"  # the organisation's, when not given
    assert body["assigned_staff"] == ["casey"]
    assert body["forms_of_exploitation"] == ["labour_trafficking", "worker_at_risk"]
    event = AuditEvent.objects.filter(action="case.create").latest("id")
    assert event.object_id == body["id"]
    assert event.actor == caseworker


def test_updating_a_case_is_audited_with_the_changed_field_names(
    api_as, supervisor, case, intruder
):
    response = api_as(supervisor).patch(
        f"/api/v1/cases/{case.pk}", {"status": "closed", "summary": "Settled."}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "closed"
    assert body["closed_on"] is not None
    event = AuditEvent.objects.get(action="case.update")
    assert set(event.detail["fields"]) == {"status", "summary", "closed_on"}
    # A supervisor's closure is on record as requested and approved by them.
    assert AuditEvent.objects.filter(action="closure.approve", actor=supervisor).exists()
    assert "Settled." not in str(event.detail)


def test_an_empty_patch_changes_nothing_and_records_nothing(api_as, caseworker, case, intruder):
    response = api_as(caseworker).patch(f"/api/v1/cases/{case.pk}", {})
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action="case.update").exists()


def test_a_case_can_be_reopened_by_clearing_closed_on(api_as, supervisor, case, intruder):
    client = api_as(supervisor)
    client.patch(f"/api/v1/cases/{case.pk}", {"status": "closed", "closed_on": "2026-05-01"})
    response = client.patch(f"/api/v1/cases/{case.pk}", {"status": "active", "closed_on": None})
    assert response.status_code == 200
    assert response.json()["closed_on"] is None


def test_a_caseworker_cannot_close_a_case_through_the_api(api_as, caseworker, case, intruder):
    response = api_as(caseworker).patch(f"/api/v1/cases/{case.pk}", {"status": "closed"})
    assert response.status_code == 403
    assert "supervisor approves" in response.json()["detail"]
    case.refresh_from_db()
    assert case.status == CaseStatus.INTAKE


@pytest.mark.parametrize(
    "field",
    [
        {"organisation": 2},
        {"reference": "HB-1999-0001"},
        {"assigned_to": [1]},
        {"id": "00000000-0000-0000-0000-000000000000"},
        {"exploitation_forms": "|x|"},
    ],
)
def test_unknown_fields_are_refused_with_422(api_as, caseworker, case, intruder, field):
    client = api_as(caseworker)
    response = client.patch(f"/api/v1/cases/{case.pk}", {"status": "active", **field})
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "extra_forbidden"
    case.refresh_from_db()
    assert (case.status, case.reference) == (CaseStatus.INTAKE, "HB-2026-0001")
    created = client.post("/api/v1/cases", {"person_id": str(case.person.pk), **field})
    assert created.status_code == 422
    assert Case.objects.count() == 1


def test_nul_characters_are_refused_with_422_not_500(api_as, caseworker, case, intruder):
    client = api_as(caseworker)
    response = client.patch(f"/api/v1/cases/{case.pk}", {"summary": "before\x00after"})
    assert response.status_code == 422
    assert "NUL" in response.json()["detail"][0]["msg"]
    created = client.post("/api/v1/cases", {"person_id": str(case.person.pk), "summary": "\x00"})
    assert created.status_code == 422
    case.refresh_from_db()
    assert case.summary == "Passport held by the employer."


def test_lone_surrogates_are_refused_with_422_not_500(api_as, caseworker, case, intruder):
    response = api_as(caseworker).patch(f"/api/v1/cases/{case.pk}", '{"summary": "\\ud800"}')
    assert response.status_code == 422


def test_values_outside_the_schema_are_refused_with_422(api_as, caseworker, case, intruder):
    client = api_as(caseworker)
    url = f"/api/v1/cases/{case.pk}"
    for body in (
        {"status": "archived"},
        {"province": "XX"},
        {"forms_of_exploitation": ["labour_trafficking"] * 11},
        {"closed_on": 0},  # not a Unix time
        {"closed_on": "2026-03-01T00:00:00"},
        {"closed_on": "2026-02-30"},
        {"summary": "x" * 20_001},
        {"status": None, "summary": 5},
    ):
        assert client.patch(url, body).status_code == 422, body
    assert client.post("/api/v1/cases", {"person_id": case.person.pk.hex}).status_code == 422
    assert client.patch(url, "not json").status_code == 400
    assert client.patch(url, "[]").status_code == 422


def test_a_case_cannot_close_before_it_opened(api_as, caseworker, case, intruder):
    response = api_as(caseworker).patch(f"/api/v1/cases/{case.pk}", {"closed_on": "2026-02-28"})
    # A valid date, but not for this case as stored: 409 Conflict.
    assert response.status_code == 409
    assert "cannot close before" in response.json()["detail"]
    case.refresh_from_db()
    assert case.closed_on is None


def test_a_case_opened_in_the_future_cannot_be_closed_today(api_as, supervisor, case, intruder):
    client = api_as(supervisor)
    created = client.post(
        "/api/v1/cases", {"person_id": str(case.person.pk), "opened_on": "2999-01-01"}
    ).json()
    response = client.patch(f"/api/v1/cases/{created['id']}", {"status": "closed"})
    assert response.status_code == 409
    assert Case.objects.get(pk=created["id"]).status == CaseStatus.INTAKE


def test_the_case_list_pages_and_filters(api_as, caseworker, case, intruder):
    for pseudonym in ("Cedar", "Maple", "Oak"):
        open_demo_case(caseworker, pseudonym=pseudonym)
    client = api_as(caseworker)
    first = client.get("/api/v1/cases", limit=2).json()
    second = client.get("/api/v1/cases", limit=2, offset=2).json()
    assert (first["count"], first["limit"], first["offset"]) == (4, 2, 0)
    assert len(first["items"]) == len(second["items"]) == 2
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}
    client.patch(f"/api/v1/cases/{case.pk}", {"status": "active"})
    active = client.get("/api/v1/cases", status="active").json()
    assert [i["id"] for i in active["items"]] == [str(case.pk)]


@pytest.mark.parametrize(
    "query",
    [
        {"limit": 0},
        {"limit": 201},
        {"limit": "ten"},
        {"offset": -1},
        {"offset": 10**30},
        {"status": "archived"},
        {"stauts": "closed"},
    ],
)
def test_bad_list_parameters_are_refused_with_422(api_as, caseworker, case, intruder, query):
    response = api_as(caseworker).get("/api/v1/cases", **query)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "query"


def test_a_huge_offset_within_bounds_is_an_empty_page(api_as, caseworker, case, intruder):
    response = api_as(caseworker).get("/api/v1/cases", offset=1_000_000)
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_cases_opened_through_the_api_appear_in_the_web_list(
    api_as, signed_in, caseworker, case, intruder
):
    api_as(caseworker).post(
        "/api/v1/cases", {"person_id": str(case.person.pk), "opened_on": "2026-06-01"}
    )
    page = signed_in(caseworker).get("/cases/")
    assert b"HB-2026-0002" in page.content


def test_dates_are_iso_dates(api_as, caseworker, case, intruder):
    body = api_as(caseworker).get(f"/api/v1/cases/{case.pk}").json()
    assert datetime.date.fromisoformat(body["opened_on"]) == datetime.date(2026, 3, 1)
