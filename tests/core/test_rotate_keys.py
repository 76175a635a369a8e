"""`harbour rotate-keys` re-encrypts everything with a new key and loses nothing."""

from __future__ import annotations

import datetime
import io
import os
import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models.query import QuerySet

from harbour.audit.models import AuditEvent
from harbour.audit.services import Actor, verify_chain
from harbour.cases import services
from harbour.cases.models import Person
from harbour.core.crypto import TOKEN_PREFIX
from harbour.core.rotation import encrypted_fields
from tests.cli import cli_env, harbour
from tests.conftest import open_demo_case

KEY_FILE_NAME = "field-encryption.keys"


def raw_values() -> dict[tuple[str, str, str], str]:
    """Every non-empty encrypted value as the database holds it."""
    found = {}
    with connection.cursor() as cursor:
        for model, names in encrypted_fields():
            table, pk_column = model._meta.db_table, model._meta.pk.column
            for name in names:
                column = model._meta.get_field(name).column
                cursor.execute(f"SELECT {pk_column}, {column} FROM {table}")
                for pk, value in cursor.fetchall():
                    if value:
                        found[(table, column, str(pk))] = value
    return found


def plaintexts() -> dict[tuple[str, str], tuple]:
    """Every encrypted value as the ORM reads it (decrypted)."""
    return {
        (model._meta.label, str(row[0])): row[1:]
        for model, names in encrypted_fields()
        for row in model._default_manager.values_list("pk", *names)
    }


def opens_with(key: str, raw: str) -> bool:
    assert raw.startswith(TOKEN_PREFIX)
    try:
        Fernet(key.encode()).decrypt(raw[len(TOKEN_PREFIX) :].encode())
    except InvalidToken:
        return False
    return True


def keys_in(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture
def key_file(tmp_path, monkeypatch, settings):
    """The field keys come from a key file, as in a single-machine installation."""
    old = settings.FIELD_ENCRYPTION_KEYS
    # Set through the fixture so that the command's change of the setting is undone.
    settings.FIELD_ENCRYPTION_KEYS = old
    key_dir = tmp_path / "keys"
    key_dir.mkdir(mode=0o700)
    path = key_dir / KEY_FILE_NAME
    path.write_text(old + "\n", encoding="utf-8")
    path.chmod(0o600)
    monkeypatch.delenv("HARBOUR_FIELD_ENCRYPTION_KEYS", raising=False)
    monkeypatch.setenv("HARBOUR_FIELD_ENCRYPTION_KEYS_FILE", str(path))
    return path, old


@pytest.fixture
def records(caseworker, supervisor):
    """People, cases and notes with every kind of encrypted value."""
    first = open_demo_case(
        caseworker,
        pseudonym="Birch",
        date_of_birth=datetime.date(1990, 5, 17),
        email="rosa@example.org",
        permit_number="WP-123",
        nationality="Mexico",
        languages="Spanish",
        contact_notes="Text only after 8 pm",
    )
    second = open_demo_case(
        supervisor, pseudonym="Cedar", legal_name="Ana Sample", phone="(613) 555-0177"
    )
    for case in (first, second):
        services.add_note(Actor(user=case.assigned_to.get()), case, f"Note on {case.reference}")
    return first, second


def test_rotate_keys_reencrypts_everything_with_a_new_key_and_loses_nothing(
    key_file, records, caseworker, settings
):
    path, old = key_file
    raw_before, plain_before = raw_values(), plaintexts()
    assert len(raw_before) >= 15
    stdout = io.StringIO()
    call_command("rotate_keys", stdout=stdout)

    keys = keys_in(path)
    assert len(keys) == 1
    new = keys[0]
    assert new != old
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not path.with_name(path.name + ".tmp").exists()
    assert new == settings.FIELD_ENCRYPTION_KEYS

    raw_after = raw_values()
    assert raw_after.keys() == raw_before.keys()
    for location, raw in raw_after.items():
        assert raw != raw_before[location], location
        assert opens_with(new, raw), location
        assert not opens_with(old, raw), location
    assert plaintexts() == plain_before

    first, _ = records
    actor = Actor(user=caseworker)
    assert list(services.find_cases_by_identifier(actor, "phone", "+1 416 555 0142")) == [first]
    assert list(services.find_cases_by_identifier(actor, "document", "ab123456")) == [first]
    assert verify_chain().intact
    call_command("audit", "verify", stdout=io.StringIO())
    output = stdout.getvalue()
    assert f"Re-encrypted {len(raw_before)} values" in output
    assert "Old keys removed" in output
    event = AuditEvent.objects.filter(action="keys.rotate").get()
    assert event.detail == {"values": len(raw_before), "keys_kept": "new"}


def test_rotate_keys_moves_values_written_under_any_older_key(key_file, settings, caseworker):
    path, oldest = key_file
    older_case = open_demo_case(caseworker, pseudonym="Birch")
    middle = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = f"{middle},{oldest}"
    path.write_text(f"{middle}\n{oldest}\n", encoding="utf-8")
    newer_case = open_demo_case(caseworker, pseudonym="Cedar", legal_name="Ana Sample")
    plain_before = plaintexts()

    call_command("rotate_keys", stdout=io.StringIO())

    (new,) = keys_in(path)
    for location, raw in raw_values().items():
        assert opens_with(new, raw), location
        assert not opens_with(middle, raw) and not opens_with(oldest, raw), location
    assert plaintexts() == plain_before
    assert Person.objects.get(pk=older_case.person.pk).legal_name == "Rosa Example"
    assert Person.objects.get(pk=newer_case.person.pk).legal_name == "Ana Sample"


def test_rotate_keys_keep_old_leaves_the_old_keys_after_the_new_one(key_file, records, settings):
    path, old = key_file
    stdout = io.StringIO()
    call_command("rotate_keys", keep_old=True, stdout=stdout)
    keys = keys_in(path)
    assert len(keys) == 2
    assert keys[1] == old
    assert f"{keys[0]},{old}" == settings.FIELD_ENCRYPTION_KEYS
    assert all(opens_with(keys[0], raw) for raw in raw_values().values())
    assert "Old keys kept" in stdout.getvalue()


def test_rotate_keys_refuses_keys_from_the_environment_and_explains_reencrypt_only(
    records, monkeypatch, settings
):
    monkeypatch.setenv("HARBOUR_FIELD_ENCRYPTION_KEYS", settings.FIELD_ENCRYPTION_KEYS)
    raw_before = raw_values()
    with pytest.raises(CommandError) as refusal:
        call_command("rotate_keys", stdout=io.StringIO())
    assert "HARBOUR_FIELD_ENCRYPTION_KEYS" in str(refusal.value)
    assert "--reencrypt-only" in str(refusal.value)
    assert raw_values() == raw_before


def test_rotate_keys_refuses_in_production_without_a_key_file(records, monkeypatch, settings):
    settings.PRODUCTION = True
    monkeypatch.delenv("HARBOUR_FIELD_ENCRYPTION_KEYS", raising=False)
    monkeypatch.delenv("HARBOUR_FIELD_ENCRYPTION_KEYS_FILE", raising=False)
    with pytest.raises(CommandError, match="--reencrypt-only"):
        call_command("rotate_keys", stdout=io.StringIO())


def test_rotate_keys_uses_the_data_folders_key_file_by_default(
    records, monkeypatch, settings, tmp_path
):
    old = settings.FIELD_ENCRYPTION_KEYS
    settings.FIELD_ENCRYPTION_KEYS = old
    settings.KEY_DIR = tmp_path
    (tmp_path / KEY_FILE_NAME).write_text(old + "\n", encoding="utf-8")
    monkeypatch.delenv("HARBOUR_FIELD_ENCRYPTION_KEYS", raising=False)
    monkeypatch.delenv("HARBOUR_FIELD_ENCRYPTION_KEYS_FILE", raising=False)
    call_command("rotate_keys", stdout=io.StringIO())
    (new,) = keys_in(tmp_path / KEY_FILE_NAME)
    assert new != old
    assert all(opens_with(new, raw) for raw in raw_values().values())


def test_reencrypt_only_moves_every_value_to_the_first_configured_key(records, settings):
    old = settings.FIELD_ENCRYPTION_KEYS
    plain_before = plaintexts()
    new = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = f"{new},{old}"
    stdout = io.StringIO()
    call_command("rotate_keys", reencrypt_only=True, stdout=stdout)
    for location, raw in raw_values().items():
        assert opens_with(new, raw), location
        assert not opens_with(old, raw), location
    settings.FIELD_ENCRYPTION_KEYS = new
    assert plaintexts() == plain_before
    assert os.environ["HARBOUR_FIELD_ENCRYPTION_KEYS"] == old
    assert "Re-encrypted" in stdout.getvalue()
    assert AuditEvent.objects.filter(action="keys.reencrypt").exists()


def test_a_failure_half_way_leaves_every_row_readable(key_file, records, monkeypatch, settings):
    path, old = key_file
    raw_before, plain_before = raw_values(), plaintexts()
    real_update = QuerySet.update
    calls = {"count": 0}

    def update_failing_on_the_third_row(self, **kwargs):
        calls["count"] += 1
        if calls["count"] == 3:
            raise RuntimeError("disk full")
        return real_update(self, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(QuerySet, "update", update_failing_on_the_third_row)
        with pytest.raises(RuntimeError, match="disk full"):
            call_command("rotate_keys", stdout=io.StringIO())
    assert calls["count"] == 3

    # Nothing was re-encrypted (one transaction) and the key file still reads every row.
    assert raw_values() == raw_before
    keys = keys_in(path)
    assert keys[1:] == [old]
    settings.FIELD_ENCRYPTION_KEYS = ",".join(keys)
    assert plaintexts() == plain_before
    assert not AuditEvent.objects.filter(action="keys.rotate").exists()

    # Running it again finishes the job.
    call_command("rotate_keys", stdout=io.StringIO())
    (new,) = keys_in(path)
    assert all(opens_with(new, raw) for raw in raw_values().values())
    assert plaintexts() == plain_before


def test_harbour_rotate_keys_on_an_installation_keeps_every_case_file_readable(tmp_path):
    data_dir = tmp_path / "data"
    env = cli_env(data_dir)
    for step in (["init"], ["migrate", "-v0"], ["demo"]):
        done = harbour(env, tmp_path, *step)
        assert done.returncode == 0, done.stderr
    key_path = data_dir / "keys" / KEY_FILE_NAME
    (old,) = keys_in(key_path)
    read_all = (
        "from harbour.cases.models import Case, Note, Person; "
        "print(sorted((p.pseudonym, p.legal_name, str(p.date_of_birth)) "
        "for p in Person.objects.all())); "
        "print(sorted(c.summary for c in Case.objects.all())); "
        "print(sorted(n.body for n in Note.objects.all()))"
    )
    before = harbour(env, tmp_path, "shell", "-c", read_all)
    assert before.returncode == 0, before.stderr

    rotated = harbour(env, tmp_path, "rotate-keys")
    assert rotated.returncode == 0, rotated.stderr
    assert "Old keys removed" in rotated.stdout
    (new,) = keys_in(key_path)
    assert new != old
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600

    after = harbour(env, tmp_path, "shell", "-c", read_all)
    assert after.returncode == 0, after.stderr
    assert after.stdout == before.stdout
    assert "(fictional)" in after.stdout
    verified = harbour(env, tmp_path, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    assert "intact" in verified.stdout


def _write_under(key: str, person: Person) -> None:
    """What a server still running with the old key file does: write a value."""
    token = TOKEN_PREFIX + Fernet(key.encode()).encrypt(b"Written meanwhile").decode()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_person SET legal_name = %s WHERE id = %s",
            [token, person.pk.hex] if connection.vendor == "sqlite" else [token, person.pk],
        )


@pytest.mark.parametrize("late_writes", [1, 99], ids=["once", "every pass"])
def test_values_written_under_the_old_key_during_rotation_are_never_lost(
    key_file, records, monkeypatch, settings, late_writes
):
    from harbour.core.management.commands import rotate_keys

    path, old = key_file
    person = records[0].person
    real = rotate_keys.reencrypt_all
    passes = []

    def reencrypt_while_an_old_server_writes(*args, **kwargs):
        rewritten = real(*args, **kwargs)
        passes.append(rewritten)
        if len(passes) <= late_writes:
            _write_under(old, person)
        return rewritten

    monkeypatch.setattr(rotate_keys, "reencrypt_all", reencrypt_while_an_old_server_writes)
    stderr = io.StringIO()
    call_command("rotate_keys", stdout=io.StringIO(), stderr=stderr)
    keys = keys_in(path)
    settings.FIELD_ENCRYPTION_KEYS = ",".join(keys)
    assert Person.objects.get(pk=person.pk).legal_name == "Written meanwhile"
    if late_writes == 1:
        assert len(keys) == 1, "one more pass moved the late value; the old key could go"
    else:
        assert keys[1:] == [old], "values keep arriving under the old key: it must stay"
        assert "Stop every server" in stderr.getvalue()


def test_rotate_keys_reencrypts_case_documents_too(key_file, caseworker, settings, tmp_path):
    from harbour.cases import documents
    from harbour.cases.models import Document

    settings.DOCUMENT_ROOT = tmp_path / "documents"
    path, old = key_file
    case = open_demo_case(caseworker)
    content = b"%PDF-1.7\nRosa Example\n%%EOF\n"
    document = services.upload_document(Actor(user=caseworker), case, content, "slip.pdf")
    stored = settings.DOCUMENT_ROOT / f"{document.storage_name}.bin"
    before = stored.read_bytes()
    assert Fernet(old.encode()).decrypt(before) == content

    call_command("rotate_keys", stdout=io.StringIO())

    (new,) = keys_in(path)
    after = stored.read_bytes()
    assert after != before
    assert Fernet(new.encode()).decrypt(after) == content
    with pytest.raises(InvalidToken):
        Fernet(old.encode()).decrypt(after)
    assert documents.read(Document.objects.get().storage_name) == content
