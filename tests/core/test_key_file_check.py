"""`harbour check --deploy` warns when a key file sits in the data folder in
production (issue 15, finding 16)."""

from __future__ import annotations

from tests.core.test_settings_production import django_admin, production_env


def _with_index_key_file(tmp_path, key_folder):
    key_folder.mkdir(parents=True, exist_ok=True)
    env = production_env(tmp_path / "data", HARBOUR_INDEX_KEY=None)
    (tmp_path / "data").mkdir(exist_ok=True)
    key_file = key_folder / "index.key"
    key_file.write_text("A" * 43 + "=", encoding="utf-8")  # 32 bytes, url-safe base64
    return {**env, "HARBOUR_INDEX_KEY_FILE": str(key_file)}


def test_a_key_file_inside_the_data_folder_is_a_deploy_warning(tmp_path):
    env = _with_index_key_file(tmp_path, tmp_path / "data" / "keys")
    done = django_admin(env, "check", "--deploy")
    assert "harbour.W001" in done.stderr + done.stdout
    assert "HARBOUR_INDEX_KEY_FILE" in done.stderr + done.stdout


def test_a_key_file_on_another_volume_passes_the_deploy_check(tmp_path):
    env = _with_index_key_file(tmp_path, tmp_path / "secrets")
    done = django_admin(env, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
