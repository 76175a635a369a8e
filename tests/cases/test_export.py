"""Case export: an AES-256 ZIP of the whole case file under the user's
password, spreadsheet cells escaped, supervisors and org admins only, audited."""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from harbour.audit.models import AuditEvent
from harbour.audit.services import Actor
from harbour.cases import services, zipaes
from harbour.pathways.applications import record_application, record_decision
from harbour.screening.services import AnswerInput, record_answers, start_assessment
from tests.screening.test_cli import TRAFFICKING

PASSWORD = "a long export passphrase"
PDF = b"%PDF-1.7\nslip\n%%EOF\n"


@pytest.fixture
def full_case(caseworker, case):
    actor = Actor(user=caseworker)
    services.add_note(actor, case, '=HYPERLINK("http://evil.example","click")')
    services.add_task(actor, case, {"title": "+call back", "due_on": case.opened_on})
    services.record_consent(actor, case.person, "case_management", method="spoken")
    services.upload_document(actor, case, PDF, "Rosa Example pay slip.pdf")
    return case


def test_the_archive_holds_the_whole_case_file_and_opens_with_the_password(supervisor, full_case):
    archive = services.export_case(Actor(user=supervisor), full_case, PASSWORD)
    files = zipaes.read(PASSWORD, archive)
    assert {"README.txt", "case.json", "case.xlsx", "notes.csv", "documents/01.pdf"} <= set(files)
    data = json.loads(files["case.json"])
    assert data["person"]["rows"][0][1] == "Rosa Example"
    assert data["case"]["rows"][0][0] == full_case.reference
    assert data["notes"]["rows"][0][2].startswith("=HYPERLINK")  # JSON keeps the text as typed
    assert data["documents"]["rows"][0][1] == "Rosa Example pay slip.pdf"
    assert data["consents"]["rows"][0][0] == "case_management"
    assert files["documents/01.pdf"] == PDF


def test_file_names_inside_the_archive_say_nothing_about_the_person(supervisor, full_case):
    archive = services.export_case(Actor(user=supervisor), full_case, PASSWORD)
    names = zipfile.ZipFile(io.BytesIO(archive)).namelist()
    assert not any("Rosa" in name or "Birch" in name for name in names)
    assert b"Rosa" not in archive and b"Passport" not in archive


def test_every_file_is_aes_encrypted_in_the_zip_format(supervisor, full_case):
    archive = services.export_case(Actor(user=supervisor), full_case, PASSWORD)
    for info in zipfile.ZipFile(io.BytesIO(archive)).infolist():
        assert info.compress_type == 99  # WinZip AES
        assert info.flag_bits & 0x1
    with pytest.raises(zipaes.ZipAesError, match="wrong password"):
        zipaes.read("not the password at all", archive)


def test_spreadsheet_cells_that_would_run_as_formulas_are_escaped(supervisor, full_case):
    files = zipaes.read(PASSWORD, services.export_case(Actor(user=supervisor), full_case, PASSWORD))
    notes = list(csv.reader(io.StringIO(files["notes.csv"].decode("utf-8-sig"))))
    assert notes[1][2] == '\'=HYPERLINK("http://evil.example","click")'
    tasks = list(csv.reader(io.StringIO(files["tasks.csv"].decode("utf-8-sig"))))
    assert tasks[1][0] == "'+call back"
    workbook = load_workbook(io.BytesIO(files["case.xlsx"]))
    assert workbook["notes"]["C2"].value.startswith("'=")
    assert workbook["tasks"]["A2"].value == "'+call back"


def test_screening_answers_and_evidence_are_in_the_archive(caseworker, supervisor, case):
    actor = Actor(user=caseworker)
    assessment = start_assessment(actor, case)
    indicator = next(iter(TRAFFICKING))
    record_answers(
        actor, assessment, [AnswerInput(indicator, "yes", "Employer kept the passport", "her")]
    )
    files = zipaes.read(PASSWORD, services.export_case(Actor(user=supervisor), case, PASSWORD))
    answers = json.loads(files["case.json"])["screening_answers"]["rows"]
    assert answers[0][5] == indicator
    assert answers[0][7] == "Employer kept the passport"


def test_a_short_password_is_refused_and_nothing_is_recorded(supervisor, case):
    with pytest.raises(services.InvalidExport, match="at least 14 characters"):
        services.export_case(Actor(user=supervisor), case, "short")
    assert not AuditEvent.objects.filter(action="case.export").exists()


def test_caseworkers_cannot_export(caseworker, case):
    with pytest.raises(services.NotAllowed):
        services.export_case(Actor(user=caseworker), case, PASSWORD)


def test_the_export_page_downloads_the_archive_and_audits_it(signed_in, supervisor, full_case):
    url = reverse("cases:case_export", args=[full_case.pk])
    client = signed_in(supervisor)
    assert client.get(url).status_code == 200
    response = client.post(url, {"password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert f'filename="{full_case.reference}.zip"' in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert "case.json" in zipaes.read(PASSWORD, response.content)
    event = AuditEvent.objects.get(action="case.export")
    assert event.actor == supervisor
    assert PASSWORD not in json.dumps(event.detail)


def test_the_export_page_names_the_field_when_passwords_differ(signed_in, supervisor, case):
    url = reverse("cases:case_export", args=[case.pk])
    response = signed_in(supervisor).post(url, {"password": PASSWORD, "confirm": PASSWORD + "x"})
    assert response.status_code == 400
    assert "The two passwords differ" in response.content.decode()


def test_caseworkers_get_403_and_intruders_404_on_the_export_page(
    signed_in, caseworker, intruder, case
):
    url = reverse("cases:case_export", args=[case.pk])
    assert signed_in(caseworker).get(url).status_code == 403
    assert (
        signed_in(intruder).post(url, {"password": PASSWORD, "confirm": PASSWORD}).status_code
        == 404
    )
    assert not AuditEvent.objects.filter(action="case.export").exists()


def test_harbour_decrypt_export_extracts_the_archive(supervisor, case, tmp_path, monkeypatch):
    from django.core.management import call_command

    archive = tmp_path / "export.zip"
    archive.write_bytes(services.export_case(Actor(user=supervisor), case, PASSWORD))
    monkeypatch.setenv("HARBOUR_EXPORT_PASSWORD", PASSWORD)
    call_command("decrypt_export", str(archive), out=str(tmp_path / "out"), stdout=io.StringIO())
    data = json.loads((tmp_path / "out" / "case.json").read_text(encoding="utf-8"))
    assert data["person"]["rows"][0][0] == "Birch"


def test_7_zip_opens_the_archive_with_the_password_and_refuses_a_wrong_one(
    supervisor, full_case, tmp_path
):
    """The receiver opens the archive with their own tools: 7-Zip (installed by
    `make test` from Debian's p7zip-full) must read and verify it."""
    import shutil
    import subprocess

    seven = shutil.which("7z")
    assert seven, "7-Zip is missing: `make test` installs p7zip-full"
    archive = tmp_path / "export.zip"
    archive.write_bytes(services.export_case(Actor(user=supervisor), full_case, PASSWORD))
    out = tmp_path / "out"
    opened = subprocess.run(
        [seven, "x", f"-p{PASSWORD}", f"-o{out}", str(archive)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert opened.returncode == 0, opened.stdout + opened.stderr
    assert (out / "documents" / "01.pdf").read_bytes() == PDF
    assert json.loads((out / "case.json").read_text("utf-8"))["case"]["rows"][0][0] == (
        full_case.reference
    )
    refused = subprocess.run(
        [seven, "t", "-pnot-the-password", str(archive)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode != 0


def test_the_export_carries_the_needs_of_the_plan(supervisor, full_case):
    from harbour.cases import export

    services.identify_need(Actor(user=supervisor), full_case, {"domain": "housing", "note": "Barn"})
    files = dict(export.case_files(full_case))
    needs = list(csv.reader(io.StringIO(files["needs.csv"].decode("utf-8-sig"))))
    assert needs[0][:3] == ["need", "priority", "status"]
    assert needs[1][:3] == ["housing", "normal", "identified"]
    assert needs[1][5] == "Barn"


def test_the_export_carries_the_applications_and_their_decisions(supervisor, caseworker, case):
    actor = Actor(user=caseworker)
    application = record_application(
        actor,
        case,
        {
            "pathway_id": "vtip_trp",
            "submitted_on": datetime.date(2026, 3, 2),
            "submitted_by": "lawyer",
            "reference_number": "W301234567",
            "documents_sent": "Support letter; statement",
        },
    )
    record_decision(
        actor,
        application,
        {
            "outcome": "granted",
            "decided_on": datetime.date(2026, 5, 4),
            "valid_until": datetime.date(2026, 11, 4),
            "conditions": "Open work permit issued with it",
        },
    )
    files = zipaes.read(PASSWORD, services.export_case(Actor(user=supervisor), case, PASSWORD))
    table = json.loads(files["case.json"])["applications"]
    assert table["header"][:4] == ["pathway", "submitted_on", "submitted_by", "reference_number"]
    assert table["rows"] == [
        [
            "vtip_trp",
            "2026-03-02",
            "lawyer",
            "W301234567",
            "Support letter; statement",
            "granted",
            "2026-05-04",
            "2026-11-04",
            "Open work permit issued with it",
        ]
    ]
    rows = list(csv.reader(io.StringIO(files["applications.csv"].decode("utf-8-sig"))))
    assert rows[1][3] == "W301234567"
