"""Searching the directory: by need, province, language and text.

Reads only; shared by the staff pages and the API so that both answer the
same question the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from harbour.directory.models import Service


@dataclass(frozen=True)
class ServiceQuery:
    need: str = ""
    province: str = ""
    language: str = ""
    text: str = ""
    include_inactive: bool = False


def search_services(query: ServiceQuery) -> QuerySet[Service]:
    services = Service.objects.select_related("provider")
    if not query.include_inactive:
        services = services.filter(is_active=True)
    if query.need:
        services = services.filter(needs__contains=f"|{query.need}|")
    if query.province:
        services = services.filter(provinces__contains=f"|{query.province}|")
    if query.language:
        services = services.filter(languages__contains=f"|{query.language}|")
    text = query.text.strip()
    if text:
        services = services.filter(
            Q(name__icontains=text)
            | Q(name_fr__icontains=text)
            | Q(provider__name__icontains=text)
            | Q(regions__icontains=text)
            | Q(description__icontains=text)
            | Q(description_fr__icontains=text)
        )
    # A total order, so that pages neither repeat nor skip a service.
    return services.order_by("name", "id")
