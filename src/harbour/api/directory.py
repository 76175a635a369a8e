"""Services directory endpoints: search services, read one. The directory is
shared organisational data (no personal data); like the staff pages, it is
open to the roles that work on cases."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import translation
from ninja import Query, Router
from pydantic import Field

from harbour.accounts.models import Province
from harbour.api.common import Errors, PageParams, case_staff
from harbour.api.schemas import Out, Page
from harbour.directory.models import Cost, Language, Need, Service
from harbour.directory.queries import ServiceQuery, search_services

router = Router(tags=["directory"])


class ServiceFilters(PageParams):
    need: Need | None = None
    province: Province | None = None
    language: Language | None = None
    q: str = Field("", max_length=100, pattern=r"^[^\x00]*$")


class ServiceOut(Out):
    id: uuid.UUID
    provider: str
    # The provider's organisation on Harbour, if it uses Harbour: the id to
    # refer a case to (POST /cases/{case_id}/referrals).
    provider_organisation_id: int | None
    name: str
    name_fr: str
    needs: list[Need]
    provinces: list[Province]
    regions: str
    languages: list[Language]
    cost: Cost
    phone: str
    email: str
    website: str
    hours: str
    is_active: bool
    last_verified: datetime.date | None


class ServiceDetailOut(ServiceOut):
    description: str
    description_fr: str
    eligibility: str


class ServicePage(Page):
    items: list[ServiceOut]


def _service_out(service: Service, *, detail: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": service.pk,
        "provider": service.provider.name,
        "provider_organisation_id": service.provider.organisation_id,
        "name": service.name,
        "name_fr": service.name_fr,
        "needs": service.need_list,
        "provinces": service.province_list,
        "regions": service.regions,
        "languages": service.language_list,
        "cost": service.cost,
        "phone": service.phone,
        "email": service.email,
        "website": service.website,
        "hours": service.hours,
        "is_active": service.is_active,
        "last_verified": service.last_verified,
    }
    if detail:
        data.update(
            description=service.description,
            description_fr=service.description_fr,
            eligibility=service.eligibility,
        )
    return data


@router.get("/directory/services", response={200: ServicePage, **Errors})
def search_directory(request: HttpRequest, filters: Query[ServiceFilters]) -> Any:
    case_staff(request, "need", "province", "language", "q", "limit", "offset")
    query = ServiceQuery(
        need=filters.need.value if filters.need else "",
        province=filters.province.value if filters.province else "",
        language=filters.language.value if filters.language else "",
        text=filters.q,
    )
    services = search_services(query)
    limit, offset = filters.limit, filters.offset
    with translation.override("en"):
        return {
            "count": services.count(),
            "limit": limit,
            "offset": offset,
            "items": [_service_out(s) for s in services[offset : offset + limit]],
        }


@router.get("/directory/services/{service_id}", response={200: ServiceDetailOut, **Errors})
def get_service(request: HttpRequest, service_id: uuid.UUID) -> Any:
    case_staff(request)
    service = (
        Service.objects.select_related("provider").filter(pk=service_id, is_active=True).first()
    )
    if service is None:
        raise Http404
    return _service_out(service, detail=True)
