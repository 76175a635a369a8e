"""Demo parties: on the first `harbour serve` of a fresh database, after the demo cases."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from harbour.core.management.commands import serve
from harbour.networks.models import Mention, Network


@pytest.fixture
def demo_mode(settings):
    settings.DEMO_MODE = True
    settings.PRODUCTION = False


def test_the_first_serve_names_the_demo_parties_after_loading_the_demo_cases(
    demo_mode, monkeypatch, db
):
    # Everything `serve` does before it hands over to gunicorn, for real;
    # only the hand-over (and the background worker) is stopped.
    class Started(Exception):
        pass

    def execv(*args):
        raise Started

    monkeypatch.setattr(serve.os, "execv", execv)
    assert not Mention.objects.exists()
    with pytest.raises(Started):
        call_command("serve", "--no-task-worker", stdout=io.StringIO())
    assert Mention.objects.count() == 8
    assert Mention.objects.filter(entity__isnull=True).count() == 0
    assert Network.objects.count() == 2


def test_the_demo_parties_are_named_once(demo_mode, db):
    call_command("demo", stdout=io.StringIO())
    call_command("demo_networks", stdout=io.StringIO())
    out = io.StringIO()
    call_command("demo_networks", stdout=out)
    assert Mention.objects.count() == 8
    assert "already" in out.getvalue()


def test_there_are_no_demo_parties_outside_demo_mode(settings, db):
    settings.DEMO_MODE = False
    out = io.StringIO()
    call_command("demo_networks", stdout=out)
    assert not Mention.objects.exists()
    assert "Not in demo mode" in out.getvalue()
