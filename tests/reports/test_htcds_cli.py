"""`harbour htcds schema` (no database, no keys) and `harbour htcds export`."""

from __future__ import annotations

import datetime
import io
import json
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db import connections
from jsonschema import Draft202012Validator
from openpyxl import load_workbook

from harbour.accounts.models import Role
from harbour.audit.models import AuditEvent
from harbour.audit.services import Actor
from harbour.cases.models import Case, Consent
from harbour.cli import main as harbour_cli
from harbour.reports import htcds, htcds_export
from tests.conftest import open_demo_case

DAY = datetime.date(2026, 1, 5)


def consenting_case(user, pseudonym="Birch", *purposes):
    case = open_demo_case(user, pseudonym)
    for purpose in ("statistics", *purposes):
        Consent.objects.create(person=case.person, purpose=purpose, method="spoken", given_on=DAY)
    return case


def test_the_schema_command_prints_valid_json_without_a_database_or_keys(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "harbour.cli", "htcds", "schema"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    schema = json.loads(completed.stdout)
    Draft202012Validator.check_schema(schema)
    assert schema == json.loads(json.dumps(htcds.build_schema()))


def test_the_schema_command_refuses_an_unknown_option_with_exit_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        harbour_cli(["htcds", "schema", "--pretty"])
    assert stop.value.code == 2
    assert "unrecognized arguments: --pretty" in capsys.readouterr().err


def test_export_writes_the_organisations_checked_records(
    tmp_path, caseworker, organisation, intruder
):
    consenting_case(caseworker)
    consenting_case(intruder, "Spruce")
    out = tmp_path / "htcds.json"
    stdout = io.StringIO()
    call_command(
        "htcds", "export", "--organisation", "home-workers-centre", "--out", str(out), stdout=stdout
    )
    document = json.loads(out.read_text("utf-8"))
    assert [r["org_Name"] for r in document["records"]] == ["Home Workers Centre"]
    assert htcds.check_records(document["records"], htcds.build_schema()) == []
    assert "1 record(s) written" in stdout.getvalue()
    event = AuditEvent.objects.get(action="htcds.export")
    assert event.actor is None and event.actor_name == "harbour htcds export"
    assert "Rosa" not in out.read_text("utf-8")


def test_export_by_number_or_exact_name_writes_xlsx_in_field_sheet_order(
    tmp_path, caseworker, organisation, intruder
):
    consenting_case(caseworker)
    for value in (str(organisation.pk), organisation.name):
        out = tmp_path / "htcds.xlsx"
        call_command(
            "htcds", "export", "--organisation", value, "--out", str(out), stdout=io.StringIO()
        )
        header = next(load_workbook(out).active.iter_rows(values_only=True))
        assert list(header[:84]) == list(htcds.load_field_sheet().names)


@pytest.fixture(autouse=True)
def keep_the_tests_connection(monkeypatch):
    """The command line ends by closing every database connection (Django's
    run_from_argv); on PostgreSQL that would end the test's own transaction."""
    monkeypatch.setattr(connections, "close_all", lambda: None)


def _run(*args):
    with pytest.raises(SystemExit) as stop:
        harbour_cli(["htcds", *args])
    return stop.value.code


def test_an_unknown_organisation_exits_2_with_a_message_and_writes_nothing(
    tmp_path, capsys, organisation
):
    out = tmp_path / "htcds.json"
    assert _run("export", "--organisation", "Nowhere", "--out", str(out)) == 2
    assert "No organisation is named 'Nowhere'" in capsys.readouterr().err
    assert not out.exists()


def test_missing_arguments_exit_2(tmp_path, capsys, organisation):
    assert _run("export", "--out", str(tmp_path / "f.json")) == 2
    assert "--organisation" in capsys.readouterr().err
    assert _run("export", "--organisation", "1") == 2
    assert "--out" in capsys.readouterr().err
    assert _run() == 2


def test_a_folder_that_does_not_exist_exits_2(tmp_path, capsys, organisation):
    out = tmp_path / "missing" / "htcds.json"
    assert _run("export", "--organisation", organisation.name, "--out", str(out)) == 2
    assert "does not exist" in capsys.readouterr().err


def test_an_invalid_record_exits_2_names_the_problem_and_writes_nothing(
    tmp_path, capsys, caseworker, organisation, intruder
):
    case = consenting_case(caseworker)
    Case.objects.filter(pk=case.pk).update(status="archived")
    out = tmp_path / "htcds.json"
    assert _run("export", "--organisation", organisation.name, "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert "record 1: cas_Status fails the rule 'enum'" in err
    assert not out.exists() and not list(tmp_path.iterdir())
    assert not AuditEvent.objects.filter(action="htcds.export").exists()


def test_a_partner_without_a_grant_exits_2(
    tmp_path, capsys, caseworker, organisation, other_organisation, intruder
):
    consenting_case(caseworker, "Birch", "referral_sharing")
    out = tmp_path / "htcds.json"
    code = _run(
        "export",
        "--organisation",
        organisation.name,
        "--partner",
        other_organisation.name,
        "--out",
        str(out),
    )
    assert code == 2
    assert "has not allowed identified export" in capsys.readouterr().err
    assert not out.exists()


def test_a_partner_with_a_grant_gets_identified_records(
    tmp_path, make_user, caseworker, organisation, other_organisation, intruder
):
    consenting_case(caseworker, "Birch", "referral_sharing")
    admin = make_user("pat", Role.PLATFORM_ADMIN, organisation)
    htcds_export.grant_identified_export(Actor(user=admin), organisation, other_organisation)
    out = tmp_path / "htcds.json"
    call_command(
        "htcds",
        "export",
        "--organisation",
        organisation.name,
        "--partner",
        other_organisation.name,
        "--out",
        str(out),
        stdout=io.StringIO(),
    )
    document = json.loads(out.read_text("utf-8"))
    assert document["identified"] is True
    assert document["records"][0]["prs_SecondName"] == "Example"
