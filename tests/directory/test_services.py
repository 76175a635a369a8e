"""Adding, changing and deactivating directory services (directory.services)."""

from __future__ import annotations

import pytest

from harbour.audit.models import AuditEvent
from harbour.audit.services import Actor
from harbour.cases.services import NotAllowed
from harbour.directory import services
from harbour.directory.models import Service
from harbour.directory.seed import load_demo_directory
from tests.directory.conftest import service_data


def test_a_supervisor_adds_a_service_kept_by_their_organisation(supervisor, organisation):
    service = services.add_service(Actor(user=supervisor), "Harbour House", service_data())
    assert service.maintained_by == organisation
    assert service.provider.name == "Harbour House"
    event = AuditEvent.objects.get(action="service.create")
    assert event.object_id == str(service.pk)
    assert "name" in event.detail["fields"]
    assert "Night shelter" not in str(event.detail)


def test_a_second_service_reuses_the_provider_of_the_same_name(supervisor):
    first = services.add_service(Actor(user=supervisor), "Harbour House", service_data())
    second = services.add_service(
        Actor(user=supervisor), "harbour house", service_data(name="Day centre")
    )
    assert first.provider_id == second.provider_id


@pytest.mark.parametrize("who", ["caseworker", "analyst"])
def test_caseworkers_and_analysts_cannot_add_services(who, request):
    user = request.getfixturevalue(who)
    with pytest.raises(NotAllowed):
        services.add_service(Actor(user=user), "Harbour House", service_data())
    assert not Service.objects.exists()


def test_an_update_records_only_the_changed_field_names(supervisor, our_service):
    changed = services.update_service(
        Actor(user=supervisor), our_service, {"phone": "416-555-0191", "name": our_service.name}
    )
    assert changed == ["phone"]
    event = AuditEvent.objects.get(action="service.update")
    assert event.detail == {"fields": ["phone"]}


def test_another_organisations_editor_cannot_change_or_deactivate_our_service(
    intruder, our_service
):
    with pytest.raises(NotAllowed):
        services.update_service(Actor(user=intruder), our_service, {"phone": "416-555-0199"})
    with pytest.raises(NotAllowed):
        services.set_service_active(Actor(user=intruder), our_service, False)
    our_service.refresh_from_db()
    assert our_service.phone == "416-555-0190"
    assert our_service.is_active


def test_nobody_edits_the_shared_seed_directory_from_the_pages(supervisor, db):
    load_demo_directory()
    seed = Service.objects.first()
    assert not services.can_edit_service(supervisor, seed)
    with pytest.raises(NotAllowed):
        services.update_service(Actor(user=supervisor), seed, {"phone": "416-555-0199"})


def test_deactivating_is_audited_and_can_be_undone(supervisor, our_service):
    assert services.set_service_active(Actor(user=supervisor), our_service, False)
    assert not services.set_service_active(Actor(user=supervisor), our_service, False)
    assert services.set_service_active(Actor(user=supervisor), our_service, True)
    actions = list(
        AuditEvent.objects.filter(object_id=str(our_service.pk)).values_list("action", flat=True)
    )
    assert actions == ["service.create", "service.deactivate", "service.activate"]


def test_an_invalid_service_is_refused_with_the_field_named_and_nothing_saved(supervisor):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        services.add_service(Actor(user=supervisor), "Harbour House", service_data(cost="cheap"))
    assert "cost" in caught.value.message_dict
    assert not Service.objects.exists()
    assert not AuditEvent.objects.filter(action="service.create").exists()
