"""The directory's API: search services, read one."""

from __future__ import annotations

import uuid

from harbour.directory.models import Service
from harbour.directory.seed import load_demo_directory


def test_search_filters_by_need_province_and_language(api_as, caseworker):
    load_demo_directory()
    response = api_as(caseworker).get(
        "/api/v1/directory/services", need="legal", province="QC", language="fr", limit=5
    )
    assert response.status_code == 200
    body = response.json()
    assert body["count"] >= 1
    for item in body["items"]:
        assert "legal" in item["needs"] and "QC" in item["provinces"] and "fr" in item["languages"]


def test_search_pages_with_a_total_order(api_as, caseworker):
    load_demo_directory()
    client = api_as(caseworker)
    first = client.get("/api/v1/directory/services", limit=20).json()
    second = client.get("/api/v1/directory/services", limit=20, offset=20).json()
    ids = [i["id"] for i in first["items"]] + [i["id"] for i in second["items"]]
    assert len(ids) == len(set(ids)) == 40


def test_an_unknown_filter_value_or_parameter_is_refused_with_422(api_as, caseworker):
    client = api_as(caseworker)
    assert client.get("/api/v1/directory/services", province="XX").status_code == 422
    assert client.get("/api/v1/directory/services", provnce="ON").status_code == 422


def test_reading_a_service_gives_its_details(api_as, caseworker, their_service):
    response = api_as(caseworker).get(f"/api/v1/directory/services/{their_service.pk}")
    assert response.status_code == 200
    assert response.json()["description"] == "Beds for the night. (Fictional.)"


def test_an_inactive_or_unknown_service_answers_404(api_as, caseworker, our_service):
    Service.objects.filter(pk=our_service.pk).update(is_active=False)
    client = api_as(caseworker)
    assert client.get(f"/api/v1/directory/services/{our_service.pk}").status_code == 404
    assert client.get(f"/api/v1/directory/services/{uuid.uuid4()}").status_code == 404


def test_analysts_get_403(api_as, analyst, our_service):
    assert api_as(analyst).get("/api/v1/directory/services").status_code == 403
