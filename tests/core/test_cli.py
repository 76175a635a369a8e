"""The `harbour` command, run as an operator runs it: a separate process with its
own data folder and none of the test suite's keys or settings."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli import cli_env, harbour

KEY_NAMES = ("secret.key", "field-encryption.keys", "index.key")
STRONG_PASSWORD = "tidal-lantern-orchard-93"


def ok(done: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert done.returncode == 0, f"stdout: {done.stdout}\nstderr: {done.stderr}"
    return done


def count_rows(database: Path, table: str) -> int:
    with sqlite3.connect(database) as db:
        return int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


@pytest.fixture(scope="module")
def installation(tmp_path_factory):
    """A data folder after `harbour init` and `harbour migrate`, shared by the module."""
    root = tmp_path_factory.mktemp("installation")
    env = cli_env(root / "data")
    ok(harbour(env, root, "init"))
    ok(harbour(env, root, "migrate", "-v0"))
    return root, env, root / "data" / "harbour.sqlite3"


def test_the_installed_harbour_script_lists_harbours_commands(installation):
    root, env, _ = installation
    script = Path(sys.executable).with_name("harbour")
    done = subprocess.run(
        [str(script), "help"],
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for command in ("rotate-keys", "createadmin", "demo", "audit", "serve"):
        assert command in done.stdout


def test_init_creates_the_key_files_readable_by_the_owner_only(tmp_path):
    data_dir = tmp_path / "data"
    done = ok(harbour(cli_env(data_dir), tmp_path, "init"))
    key_dir = data_dir / "keys"
    assert stat.S_IMODE(key_dir.stat().st_mode) == 0o700
    for name in KEY_NAMES:
        path = key_dir / name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
        assert path.read_text(encoding="utf-8").strip()
        assert str(path) in done.stdout
    assert not list(key_dir.glob("*.tmp"))


def test_init_tightens_an_existing_keys_folder(tmp_path):
    key_dir = tmp_path / "data" / "keys"
    key_dir.mkdir(parents=True, mode=0o755)
    key_dir.chmod(0o755)
    ok(harbour(cli_env(tmp_path / "data"), tmp_path, "init"))
    assert stat.S_IMODE(key_dir.stat().st_mode) == 0o700


def test_init_never_overwrites_existing_keys(tmp_path):
    data_dir = tmp_path / "data"
    env = cli_env(data_dir)
    ok(harbour(env, tmp_path, "init"))
    before = {name: (data_dir / "keys" / name).read_text() for name in KEY_NAMES}
    (data_dir / "keys" / "index.key").unlink()
    again = ok(harbour(env, tmp_path, "init"))
    assert "index.key" in again.stdout
    assert "field-encryption.keys" not in again.stdout
    after = {name: (data_dir / "keys" / name).read_text() for name in KEY_NAMES}
    assert after["secret.key"] == before["secret.key"]
    assert after["field-encryption.keys"] == before["field-encryption.keys"]
    assert after["index.key"] != before["index.key"]
    assert ok(harbour(env, tmp_path, "init")).stdout == ""


def test_init_uses_the_data_folder_under_the_working_directory_by_default(tmp_path):
    env = cli_env(tmp_path)
    del env["HARBOUR_DATA_DIR"]
    ok(harbour(env, tmp_path, "init"))
    assert (tmp_path / "data" / "keys" / "field-encryption.keys").exists()


def test_commands_without_keys_say_to_run_harbour_init(tmp_path):
    done = harbour(cli_env(tmp_path / "data"), tmp_path, "check")
    assert done.returncode != 0
    assert "harbour init" in done.stderr
    assert "HARBOUR_SECRET_KEY" in done.stderr
    assert "Traceback" not in done.stderr


def test_check_runs_on_a_new_installation(installation):
    root, env, _ = installation
    done = ok(harbour(env, root, "check"))
    assert "no issues" in done.stdout


def test_a_typo_in_a_setting_stops_the_command_naming_the_variable(installation):
    root, env, _ = installation
    done = harbour({**env, "HARBOUR_DEMO": "ture"}, root, "check")
    assert done.returncode != 0
    assert "HARBOUR_DEMO" in done.stderr
    assert "'ture'" in done.stderr
    assert "Traceback" not in done.stderr


def test_production_refuses_to_start_without_secrets(tmp_path):
    done = harbour(cli_env(tmp_path / "data", HARBOUR_ENV="production"), tmp_path, "check")
    assert done.returncode != 0
    assert "HARBOUR_SECRET_KEY" in done.stderr
    assert "Traceback" not in done.stderr


def test_init_in_production_explains_where_keys_come_from_and_creates_none(tmp_path):
    done = harbour(cli_env(tmp_path / "data", HARBOUR_ENV="production"), tmp_path, "init")
    assert done.returncode != 0
    assert "HARBOUR_FIELD_ENCRYPTION_KEYS" in done.stderr
    assert not (tmp_path / "data" / "keys").exists()


def test_createadmin_creates_an_organisation_admin(installation):
    root, env, database = installation
    done = ok(
        harbour(
            {**env, "HARBOUR_ADMIN_PASSWORD": STRONG_PASSWORD},
            root,
            "createadmin",
            "--username",
            "amira",
            "--organisation",
            "Harbourside Legal Clinic",
            "--province",
            "NS",
        )
    )
    assert "Created amira (org_admin)" in done.stdout
    with sqlite3.connect(database) as db:
        row = db.execute(
            "SELECT m.role, o.province, u.password FROM accounts_user u "
            "JOIN accounts_membership m ON m.user_id = u.id "
            "JOIN accounts_organisation o ON o.id = m.organisation_id "
            "WHERE u.username = 'amira'"
        ).fetchone()
    assert row[0] == "org_admin"
    assert row[1] == "NS"
    assert row[2].startswith("argon2")
    assert STRONG_PASSWORD not in row[2]
    assert ok(harbour(env, root, "audit", "verify")).stdout.startswith("Audit trail intact")


def test_createadmin_refuses_a_weak_password_and_leaves_nothing_half_created(installation):
    root, env, database = installation
    tables = ("accounts_organisation", "accounts_user", "accounts_membership", "audit_auditevent")
    before = {table: count_rows(database, table) for table in tables}
    done = harbour(
        {**env, "HARBOUR_ADMIN_PASSWORD": "password"},
        root,
        "createadmin",
        "--username",
        "weakling",
        "--organisation",
        "Brand New Shelter",
        "--province",
        "BC",
    )
    assert done.returncode != 0
    assert "Password refused" in done.stderr
    assert "too short" in done.stderr or "too common" in done.stderr
    assert "Traceback" not in done.stderr
    assert {table: count_rows(database, table) for table in tables} == before


def test_createadmin_asks_for_a_province_for_a_new_organisation(installation):
    root, env, database = installation
    users_before = count_rows(database, "accounts_user")
    done = harbour(
        {**env, "HARBOUR_ADMIN_PASSWORD": STRONG_PASSWORD},
        root,
        "createadmin",
        "--username",
        "noprovince",
        "--organisation",
        "Nowhere Centre",
    )
    assert done.returncode != 0
    assert "--province" in done.stderr
    assert count_rows(database, "accounts_user") == users_before


def test_createadmin_refuses_a_username_that_is_taken(installation):
    root, env, _ = installation
    arguments = ["createadmin", "--username", "twice", "--organisation", "Twice Centre"]
    arguments += ["--province", "AB"]
    password_env = {**env, "HARBOUR_ADMIN_PASSWORD": STRONG_PASSWORD}
    ok(harbour(password_env, root, *arguments))
    done = harbour(password_env, root, *arguments)
    assert done.returncode != 0
    assert "taken" in done.stderr


def test_demo_is_idempotent_from_the_command_line(tmp_path):
    env = cli_env(tmp_path / "data")
    ok(harbour(env, tmp_path, "init"))
    ok(harbour(env, tmp_path, "migrate", "-v0"))
    first = ok(harbour(env, tmp_path, "demo"))
    assert "Loaded 30 fictional demo cases" in first.stdout
    database = tmp_path / "data" / "harbour.sqlite3"
    counts = {table: count_rows(database, table) for table in ("cases_case", "audit_auditevent")}
    second = ok(harbour(env, tmp_path, "demo"))
    assert "already loaded" in second.stdout
    assert {table: count_rows(database, table) for table in counts} == counts
    assert "intact" in ok(harbour(env, tmp_path, "audit", "verify")).stdout


def test_demo_is_refused_in_production(tmp_path):
    env = cli_env(tmp_path / "data")
    ok(harbour(env, tmp_path, "init"))
    keys = tmp_path / "data" / "keys"
    production = {
        **env,
        "HARBOUR_ENV": "production",
        "HARBOUR_ALLOWED_HOSTS": "harbour.example.org",
        "HARBOUR_SECRET_KEY_FILE": str(keys / "secret.key"),
        "HARBOUR_FIELD_ENCRYPTION_KEYS_FILE": str(keys / "field-encryption.keys"),
        "HARBOUR_INDEX_KEY_FILE": str(keys / "index.key"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
    }
    ok(harbour(production, tmp_path, "migrate", "-v0"))
    done = harbour(production, tmp_path, "demo")
    assert done.returncode != 0
    assert "refused in production" in done.stderr
    assert count_rows(tmp_path / "prod.sqlite3", "accounts_user") == 0
