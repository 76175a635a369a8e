"""Searching the directory by need, province, language and text (directory.queries)."""

from __future__ import annotations

from harbour.directory.models import Service
from harbour.directory.queries import ServiceQuery, search_services
from harbour.directory.seed import load_demo_directory


def names(query: ServiceQuery) -> set[str]:
    return set(search_services(query).values_list("name", flat=True))


def test_it_finds_services_by_need_province_and_language_together(db):
    load_demo_directory()
    found = search_services(ServiceQuery(need="legal", province="QC", language="fr"))
    assert found.exists()
    for service in found:
        assert "legal" in service.need_list
        assert "QC" in service.province_list
        assert "fr" in service.language_list


def test_a_code_is_matched_whole_never_as_part_of_another(db):
    load_demo_directory()
    # "health" must not match "mental_health" only services.
    for service in search_services(ServiceQuery(need="health")):
        assert "health" in service.need_list


def test_every_province_and_territory_has_at_least_one_service(db):
    load_demo_directory()
    for province in ("AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"):
        assert search_services(ServiceQuery(province=province)).exists(), province


def test_text_search_reads_names_in_both_languages_and_the_provider(db):
    load_demo_directory()
    assert names(ServiceQuery(text="hébergement"))
    assert names(ServiceQuery(text="Harbourline"))
    assert not names(ServiceQuery(text="no such words anywhere"))


def test_inactive_services_are_left_out(our_service):
    Service.objects.filter(pk=our_service.pk).update(is_active=False)
    assert not search_services(ServiceQuery(text="Night shelter")).exists()
    assert search_services(ServiceQuery(text="Night shelter", include_inactive=True)).exists()
