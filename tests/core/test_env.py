"""Typed environment readers that fail loudly (harbour.core.env)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from harbour.core.env import env_bool, env_choice, env_int, env_list, env_secret, env_str


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("true", True), ("1", True), ("Yes", True), ("ON", True), ("false", False), ("0", False)],
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("HARBOUR_TEST_FLAG", raw)
    assert env_bool("HARBOUR_TEST_FLAG", not expected) is expected


def test_env_bool_falls_back_to_the_default_when_unset_or_blank(monkeypatch):
    monkeypatch.delenv("HARBOUR_TEST_FLAG", raising=False)
    assert env_bool("HARBOUR_TEST_FLAG", True) is True
    monkeypatch.setenv("HARBOUR_TEST_FLAG", "  ")
    assert env_bool("HARBOUR_TEST_FLAG", False) is False


def test_env_bool_rejects_a_typo_naming_the_variable_and_the_value(monkeypatch):
    monkeypatch.setenv("HARBOUR_DEMO", "ture")
    with pytest.raises(ImproperlyConfigured) as refusal:
        env_bool("HARBOUR_DEMO", False)
    assert "HARBOUR_DEMO" in str(refusal.value)
    assert "'ture'" in str(refusal.value)


def test_env_int_reads_a_whole_number(monkeypatch):
    monkeypatch.setenv("HARBOUR_SESSION_IDLE_MINUTES", " 45 ")
    assert env_int("HARBOUR_SESSION_IDLE_MINUTES", 30, minimum=1) == 45


def test_env_int_rejects_text_naming_the_variable(monkeypatch):
    monkeypatch.setenv("HARBOUR_SESSION_IDLE_MINUTES", "abc")
    with pytest.raises(ImproperlyConfigured, match=r"HARBOUR_SESSION_IDLE_MINUTES.*'abc'"):
        env_int("HARBOUR_SESSION_IDLE_MINUTES", 30, minimum=1)


def test_env_int_rejects_a_value_below_the_minimum(monkeypatch):
    monkeypatch.setenv("HARBOUR_SESSION_IDLE_MINUTES", "0")
    with pytest.raises(
        ImproperlyConfigured, match="HARBOUR_SESSION_IDLE_MINUTES must be at least 1"
    ):
        env_int("HARBOUR_SESSION_IDLE_MINUTES", 30, minimum=1)


def test_env_int_falls_back_to_the_default(monkeypatch):
    monkeypatch.delenv("HARBOUR_SESSION_IDLE_MINUTES", raising=False)
    assert env_int("HARBOUR_SESSION_IDLE_MINUTES", 30, minimum=1) == 30


def test_env_str_requires_a_value_without_a_default(monkeypatch):
    monkeypatch.delenv("HARBOUR_TEST_REQUIRED", raising=False)
    with pytest.raises(ImproperlyConfigured, match="HARBOUR_TEST_REQUIRED is required"):
        env_str("HARBOUR_TEST_REQUIRED")


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("HARBOUR_ALLOWED_HOSTS", "a.example, b.example,,")
    assert env_list("HARBOUR_ALLOWED_HOSTS", []) == ["a.example", "b.example"]


def test_env_choice_rejects_an_unknown_value(monkeypatch):
    monkeypatch.setenv("HARBOUR_ENV", "prod")
    with pytest.raises(ImproperlyConfigured, match="HARBOUR_ENV must be one of"):
        env_choice("HARBOUR_ENV", "development", ("development", "test", "production"))


def test_env_secret_reads_the_variable(monkeypatch):
    monkeypatch.setenv("HARBOUR_TEST_SECRET", "s3cret")
    monkeypatch.delenv("HARBOUR_TEST_SECRET_FILE", raising=False)
    assert env_secret("HARBOUR_TEST_SECRET") == "s3cret"


def test_env_secret_reads_the_file_named_by_name_file(monkeypatch, tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-a-file\n", encoding="utf-8")
    monkeypatch.delenv("HARBOUR_TEST_SECRET", raising=False)
    monkeypatch.setenv("HARBOUR_TEST_SECRET_FILE", str(secret_file))
    assert env_secret("HARBOUR_TEST_SECRET") == "from-a-file"


def test_env_secret_name_file_wins_over_the_default_file(monkeypatch, tmp_path):
    named, default = tmp_path / "named", tmp_path / "default"
    named.write_text("named", encoding="utf-8")
    default.write_text("default", encoding="utf-8")
    monkeypatch.delenv("HARBOUR_TEST_SECRET", raising=False)
    monkeypatch.setenv("HARBOUR_TEST_SECRET_FILE", str(named))
    assert env_secret("HARBOUR_TEST_SECRET", default) == "named"


def test_env_secret_reads_the_default_file_when_nothing_is_set(monkeypatch, tmp_path):
    default = tmp_path / "default"
    default.write_text("default\n", encoding="utf-8")
    monkeypatch.delenv("HARBOUR_TEST_SECRET", raising=False)
    monkeypatch.delenv("HARBOUR_TEST_SECRET_FILE", raising=False)
    assert env_secret("HARBOUR_TEST_SECRET", default) == "default"


def test_env_secret_rejects_both_the_variable_and_its_file(monkeypatch, tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-a-file", encoding="utf-8")
    monkeypatch.setenv("HARBOUR_TEST_SECRET", "direct")
    monkeypatch.setenv("HARBOUR_TEST_SECRET_FILE", str(secret_file))
    with pytest.raises(
        ImproperlyConfigured,
        match="Set either HARBOUR_TEST_SECRET or HARBOUR_TEST_SECRET_FILE, not both",
    ):
        env_secret("HARBOUR_TEST_SECRET")


def test_env_secret_without_any_source_names_both_forms(monkeypatch):
    monkeypatch.delenv("HARBOUR_TEST_SECRET", raising=False)
    monkeypatch.delenv("HARBOUR_TEST_SECRET_FILE", raising=False)
    with pytest.raises(
        ImproperlyConfigured, match=r"HARBOUR_TEST_SECRET \(or HARBOUR_TEST_SECRET_FILE\)"
    ):
        env_secret("HARBOUR_TEST_SECRET")


def test_a_missing_key_file_says_to_run_harbour_init(monkeypatch, tmp_path):
    monkeypatch.delenv("HARBOUR_TEST_SECRET", raising=False)
    monkeypatch.delenv("HARBOUR_TEST_SECRET_FILE", raising=False)
    missing = tmp_path / "keys" / "index.key"
    with pytest.raises(ImproperlyConfigured) as refusal:
        env_secret("HARBOUR_TEST_SECRET", missing)
    assert str(missing) in str(refusal.value)
    assert "harbour init" in str(refusal.value)


def test_an_empty_key_file_is_refused(monkeypatch, tmp_path):
    empty = tmp_path / "empty.key"
    empty.write_text(" \n", encoding="utf-8")
    monkeypatch.delenv("HARBOUR_TEST_SECRET", raising=False)
    monkeypatch.setenv("HARBOUR_TEST_SECRET_FILE", str(empty))
    with pytest.raises(
        ImproperlyConfigured, match=r"HARBOUR_TEST_SECRET: the key file .* is empty"
    ):
        env_secret("HARBOUR_TEST_SECRET")


def test_a_key_file_that_cannot_be_read_is_refused_naming_the_file(monkeypatch, tmp_path):
    monkeypatch.delenv("HARBOUR_TEST_SECRET", raising=False)
    monkeypatch.setenv("HARBOUR_TEST_SECRET_FILE", str(tmp_path))
    with pytest.raises(
        ImproperlyConfigured, match=r"HARBOUR_TEST_SECRET: the key file .* cannot be read"
    ):
        env_secret("HARBOUR_TEST_SECRET")
