"""The directory's staff pages."""

from __future__ import annotations

from django.urls import reverse

from harbour.directory.models import Service
from harbour.directory.seed import load_demo_directory


def test_caseworkers_search_the_directory_by_need_province_and_language(signed_in, caseworker):
    load_demo_directory()
    url = reverse("directory:service_list")
    response = signed_in(caseworker).get(url, {"need": "legal", "province": "QC", "language": "fr"})
    assert response.status_code == 200
    assert b"Saint-Laurent Community Legal Clinic" in response.content
    assert b"Fraser Valley" not in response.content


def test_the_list_is_paginated(signed_in, caseworker):
    load_demo_directory()
    response = signed_in(caseworker).get(reverse("directory:service_list"))
    assert b"Page 1 of 2" in response.content
    assert len(response.context["page"].object_list) == 25


def test_the_list_answers_htmx_with_the_table_only(signed_in, caseworker, our_service):
    response = signed_in(caseworker).get(
        reverse("directory:service_list"), {"q": "Night"}, headers={"HX-Request": "true"}
    )
    assert b"<h1" not in response.content
    assert b"Night shelter" in response.content


def test_the_detail_shows_french_names_to_french_readers(signed_in, caseworker, our_service):
    client = signed_in(caseworker)
    client.cookies["django_language"] = "fr"
    response = client.get(reverse("directory:service_detail", args=[our_service.pk]))
    assert b"Refuge de nuit" in response.content


def test_analysts_get_403(signed_in, analyst, our_service):
    client = signed_in(analyst)
    assert client.get(reverse("directory:service_list")).status_code == 403
    assert client.get(reverse("directory:service_detail", args=[our_service.pk])).status_code == 403


def test_everyone_who_works_on_cases_reads_another_organisations_service(
    signed_in, caseworker, their_service
):
    response = signed_in(caseworker).get(
        reverse("directory:service_detail", args=[their_service.pk])
    )
    assert response.status_code == 200
    assert b"Edit service" not in response.content


def test_a_supervisor_adds_a_service_through_the_form(signed_in, supervisor, organisation):
    response = signed_in(supervisor).post(
        reverse("directory:service_new"),
        {
            "provider_name": "Harbour House",
            "name": "Wage clinic",
            "need_list": ["legal", "income"],
            "province_list": ["ON"],
            "language_list": ["en", "tl"],
            "cost": "free",
        },
    )
    service = Service.objects.get(name="Wage clinic")
    assert response.status_code == 302
    assert service.needs == "|income|legal|"
    assert service.maintained_by == organisation


def test_the_form_names_the_missing_fields_and_saves_nothing(signed_in, supervisor):
    response = signed_in(supervisor).post(reverse("directory:service_new"), {"name": "Half"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"provider_name", "need_list", "cost"}
    assert not Service.objects.exists()


def test_a_caseworker_cannot_add_or_edit(signed_in, caseworker, our_service):
    client = signed_in(caseworker)
    assert client.get(reverse("directory:service_new")).status_code == 403
    assert client.get(reverse("directory:service_edit", args=[our_service.pk])).status_code == 403


def test_the_intruder_cannot_edit_or_deactivate_our_service(signed_in, intruder, our_service):
    client = signed_in(intruder)
    assert client.get(reverse("directory:service_edit", args=[our_service.pk])).status_code == 403
    url = reverse("directory:service_active", args=[our_service.pk])
    assert client.post(url, {"active": "0"}).status_code == 403
    our_service.refresh_from_db()
    assert our_service.is_active


def test_the_maintainer_edits_and_deactivates(signed_in, supervisor, our_service):
    client = signed_in(supervisor)
    data = {
        "provider_name": "Harbour House (fictional)",
        "name": "Night shelter",
        "need_list": ["housing"],
        "province_list": ["ON", "QC"],
        "cost": "sliding",
    }
    client.post(reverse("directory:service_edit", args=[our_service.pk]), data)
    client.post(reverse("directory:service_active", args=[our_service.pk]), {"active": "0"})
    our_service.refresh_from_db()
    assert (our_service.provinces, our_service.cost, our_service.is_active) == (
        "|ON|QC|",
        "sliding",
        False,
    )


def test_an_unknown_service_answers_404(signed_in, caseworker):
    import uuid

    url = reverse("directory:service_detail", args=[uuid.uuid4()])
    assert signed_in(caseworker).get(url).status_code == 404
