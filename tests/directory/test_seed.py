"""The fictional seed directory and its strict loader."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from harbour.accounts.models import Province
from harbour.audit.models import AuditEvent
from harbour.directory.models import Service
from harbour.directory.seed import load_demo_directory, load_seed, load_seed_file
from harbour.knowledge.loader import KnowledgeError

BAD = Path(__file__).parent / "fixtures" / "bad"


def test_the_seed_has_40_to_60_fictional_services_across_every_province_and_territory():
    services = [s for d in load_seed() for p in d.providers for s in p.services]
    assert 40 <= len(services) <= 60
    covered = {province for s in services for province in s.provinces}
    assert covered == set(Province.values)
    assert all("555-01" in s.phone for s in services)
    assert any(s.name_fr for s in services)


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("real-phone", "fictional number"),
        ("unknown-need", "needs"),
        ("duplicate-key", "duplicate key 'name'"),
        ("real-website", "example.org"),
    ],
)
def test_the_loader_refuses_files_that_are_malformed_or_look_real(name, problem):
    with pytest.raises(KnowledgeError) as caught:
        load_seed_file(BAD / f"{name}.yaml")
    assert f"{name}.yaml" in str(caught.value)
    assert problem in str(caught.value)


def test_loading_twice_updates_in_place_instead_of_adding_copies(db):
    first = load_demo_directory()
    assert first == Service.objects.count() >= 40
    assert load_demo_directory() == 0
    assert Service.objects.count() == first
    assert AuditEvent.objects.filter(action="directory.seed").count() == 2


def test_seed_entries_are_kept_by_no_organisation(db):
    load_demo_directory()
    assert not Service.objects.filter(maintained_by__isnull=False).exists()


def test_the_seed_is_refused_in_production(db):
    with override_settings(PRODUCTION=True), pytest.raises(KnowledgeError, match="production"):
        load_demo_directory()
    assert not Service.objects.exists()


def test_migrating_in_demo_mode_loads_the_directory(db):
    with override_settings(DEMO_MODE=True):
        call_command("migrate", "directory", verbosity=0)
    assert Service.objects.count() >= 40


def test_the_directory_seed_command_loads_it(db, capsys):
    call_command("directory_seed")
    assert "Fictional directory loaded" in capsys.readouterr().out
    assert Service.objects.exists()
