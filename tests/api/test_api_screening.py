"""Screening over the API: evaluate without storing, create and read
assessments within the caller's organisation only."""

from __future__ import annotations

import pytest

from harbour.audit.models import AuditEvent
from harbour.screening.models import Answer, Assessment
from tests.screening.test_cli import TRAFFICKING

EVALUATE = "/api/v1/screening/evaluate"


def answer_map(values: dict[str, str], evidence: str = "") -> dict[str, dict[str, str]]:
    return {key: {"value": value, "evidence": evidence} for key, value in values.items()}


def test_evaluating_answers_explains_the_reading_and_stores_nothing(api_as, caseworker, intruder):
    response = api_as(caseworker).post(EVALUATE, {"answers": answer_map(TRAFFICKING)})
    assert response.status_code == 200
    reading = response.json()["reading"]
    assert reading["code"] == "trafficking_indicated"
    assert reading["legal_elements"]
    assert Assessment.objects.count() == 0
    assert Answer.objects.count() == 0


def test_an_unknown_indicator_is_named_in_a_422(api_as, caseworker, intruder):
    response = api_as(caseworker).post(
        EVALUATE, {"answers": {"adult_labour.invented": {"value": "yes"}}}
    )
    assert response.status_code == 422
    assert "adult_labour.invented" in response.json()["detail"][0]["loc"]


def test_an_unknown_catalogue_version_is_a_422(api_as, caseworker, intruder):
    response = api_as(caseworker).post(EVALUATE, {"catalogue": "ilo-ec-1999.v9"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "catalogue"]


@pytest.mark.parametrize(
    "body",
    [
        {"answers": {next(iter(TRAFFICKING)): {"value": "maybe"}}},
        {"answers": {}, "colour": "blue"},
        {"answers": {}, "facts": {"age": 17}},
    ],
    ids=["bad value", "unknown field", "unknown fact"],
)
def test_malformed_bodies_are_refused_with_422(api_as, caseworker, intruder, body):
    assert api_as(caseworker).post(EVALUATE, body).status_code == 422


def test_an_analyst_cannot_use_screening(api_as, analyst, case, intruder):
    client = api_as(analyst)
    assert client.post(EVALUATE, {"answers": {}}).status_code == 403
    assert client.get(f"/api/v1/cases/{case.pk}/assessments").status_code == 403


def test_creating_an_assessment_stores_answers_encrypted_and_reads_them_back(
    api_as, caseworker, case, intruder
):
    client = api_as(caseworker)
    response = client.post(
        f"/api/v1/cases/{case.pk}/assessments",
        {
            "interview_language": "fr",
            "facts": {"under_18": False, "came_to_canada_from_abroad": True},
            "answers": answer_map(TRAFFICKING, evidence="Passport in the safe"),
            "complete": True,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "completed"
    assert body["reading_code"] == "trafficking_indicated"
    assert body["interview_language"] == "fr"
    assert {a["indicator_id"] for a in body["answers"]} == set(TRAFFICKING)
    again = client.get(f"/api/v1/assessments/{body['id']}")
    assert again.status_code == 200
    assert again.json()["answers"][0]["evidence"] == "Passport in the safe"
    listed = client.get(f"/api/v1/cases/{case.pk}/assessments").json()
    assert [row["id"] for row in listed] == [body["id"]]


def test_reading_an_assessment_is_audited(api_as, caseworker, case, intruder):
    client = api_as(caseworker)
    created = client.post(f"/api/v1/cases/{case.pk}/assessments", {"answers": {}}).json()
    client.get(f"/api/v1/assessments/{created['id']}")
    event = AuditEvent.objects.filter(action="assessment.view").get()
    assert event.detail == {"assessment": created["id"], "via": "api"}


def test_a_bad_answer_in_a_new_assessment_leaves_nothing_behind(api_as, caseworker, case, intruder):
    response = api_as(caseworker).post(
        f"/api/v1/cases/{case.pk}/assessments",
        {
            "answers": [
                *answer_map(TRAFFICKING),
                {"indicator_id": "adult_labour.nope", "value": "yes"},
            ]
        },
    )
    assert response.status_code == 422
    assert Assessment.objects.count() == 0
    assert Answer.objects.count() == 0


def test_another_organisations_case_and_assessment_answer_404(api_as, caseworker, intruder, case):
    ours = api_as(caseworker).post(f"/api/v1/cases/{case.pk}/assessments", {"answers": {}}).json()
    theirs = api_as(intruder)
    assert theirs.get(f"/api/v1/cases/{case.pk}/assessments").status_code == 404
    assert theirs.post(f"/api/v1/cases/{case.pk}/assessments", {"answers": {}}).status_code == 404
    assert theirs.get(f"/api/v1/assessments/{ours['id']}").status_code == 404
    assert theirs.get("/api/v1/assessments/not-a-uuid").status_code == 404
    assert Assessment.objects.count() == 1


# --- the law-first path --------------------------------------------------------------

LAW_FIRST = {
    "law.act.controlled_movements": "yes",
    "law.exploitation.sexual_services": "yes",
    "law.exploitation.threat_to_person": "yes",
    "law.purpose.to_exploit": "yes",
}


def test_a_child_is_read_on_the_law_first_path_over_the_api(api_as, caseworker, intruder):
    response = api_as(caseworker).post(
        EVALUATE, {"answers": answer_map(LAW_FIRST), "facts": {"under_18": True}}
    )
    assert response.status_code == 200
    reading = response.json()["reading"]
    assert reading["path"] == "law_first"
    assert reading["law_first"]["code"] == "all_elements_supported"
    offences = {o["id"]: o["status"] for o in reading["law_first"]["offences"]}
    assert offences["cc_279_011"] == "supported"
    assert any(
        "Children: trafficking for labour exploitation" in n["en"] for n in reading["notices"]
    )


def test_sexual_exploitation_and_as_of_are_read_over_the_api(api_as, caseworker, intruder):
    body = {
        "answers": answer_map(LAW_FIRST),
        "facts": {"under_18": False, "sexual_exploitation": True},
        "as_of": "2008-01-01",
    }
    reading = api_as(caseworker).post(EVALUATE, body).json()["reading"]
    assert reading["path"] == "law_first"
    elements = {e["id"] for e in reading["law_first"]["elements"]}
    assert "cc_279_04.exploitation" not in elements  # not yet in force in 2008


def test_an_assessment_with_law_first_answers_is_stored_and_read_back(
    api_as, caseworker, case, intruder
):
    client = api_as(caseworker)
    response = client.post(
        f"/api/v1/cases/{case.pk}/assessments",
        {"answers": answer_map(LAW_FIRST), "facts": {"sexual_exploitation": True}},
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["path"] == "law_first" and data["sexual_exploitation"] is True
    assert {a["indicator_id"] for a in data["answers"]} == set(LAW_FIRST)
    assert data["reading"]["law_first"]["code"] == "all_elements_supported"
    other = api_as(intruder).get(f"/api/v1/assessments/{data['id']}")
    assert other.status_code == 404
