"""Field encryption and blind indexes (harbour.core.crypto)."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from harbour.cases.models import Person, document_index_for, phone_index_for
from harbour.core import crypto
from harbour.core.crypto import DecryptionError
from tests.conftest import open_demo_case


def test_a_value_survives_encryption_and_decryption():
    stored = crypto.encrypt("Rosa Example, née Ejemplo")
    assert stored != "Rosa Example, née Ejemplo"
    assert crypto.decrypt(stored) == "Rosa Example, née Ejemplo"


def test_a_stored_value_is_a_prefixed_fernet_token():
    stored = crypto.encrypt("416-555-0142")
    assert stored.startswith(crypto.TOKEN_PREFIX + "gAAAAA")
    assert "416" not in stored


def test_encrypting_the_same_value_twice_gives_different_tokens():
    assert crypto.encrypt("same") != crypto.encrypt("same")


@given(st.text())
def test_any_text_survives_encryption_and_decryption(text):
    assert crypto.decrypt(crypto.encrypt(text)) == text


def test_a_value_without_the_prefix_is_refused_rather_than_returned_as_is():
    with pytest.raises(DecryptionError, match="not an encrypted token"):
        crypto.decrypt("Rosa Example")


def test_a_token_no_configured_key_opens_is_refused():
    foreign = Fernet(Fernet.generate_key()).encrypt(b"secret").decode()
    with pytest.raises(DecryptionError, match="no configured key"):
        crypto.decrypt(crypto.TOKEN_PREFIX + foreign)


def test_a_plaintext_value_slipped_into_the_column_is_detected(caseworker):
    person = open_demo_case(caseworker).person
    table = Person._meta.db_table
    column = Person._meta.get_field("legal_name").column
    pk = Person._meta.pk.get_db_prep_value(person.pk, connection)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", ["Rosa Example", pk])
    with pytest.raises(DecryptionError):
        Person.objects.get(pk=person.pk)


def test_an_old_key_still_decrypts_after_a_new_key_is_put_first(settings):
    old = settings.FIELD_ENCRYPTION_KEYS
    stored = crypto.encrypt("written under the old key")
    new = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = f"{new},{old}"
    assert crypto.decrypt(stored) == "written under the old key"
    # New values are encrypted under the new key alone.
    fresh = crypto.encrypt("written under the new key")
    assert Fernet(new.encode()).decrypt(fresh[len(crypto.TOKEN_PREFIX) :].encode()) == (
        b"written under the new key"
    )
    # Without the old key the old value is unreadable: nothing falls back silently.
    settings.FIELD_ENCRYPTION_KEYS = new
    with pytest.raises(DecryptionError):
        crypto.decrypt(stored)


def test_reencrypt_moves_a_value_to_the_first_key(settings):
    old = settings.FIELD_ENCRYPTION_KEYS
    stored = crypto.encrypt("move me")
    new = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = f"{new},{old}"
    moved = crypto.reencrypt(stored)
    settings.FIELD_ENCRYPTION_KEYS = new
    assert crypto.decrypt(moved) == "move me"


def test_key_lists_may_be_separated_by_commas_or_lines(settings):
    first, second = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    assert len(crypto.parse_field_keys(f"{first},{second}")) == 2
    assert len(crypto.parse_field_keys(f" {first}\n{second}\n")) == 2


@pytest.mark.parametrize(
    "formatted", ["(416) 555-0142", "1-416-555-0142", "+14165550142", "416.555.0142"]
)
def test_the_blind_index_is_equal_for_every_way_of_writing_a_phone_number(formatted):
    assert phone_index_for(formatted) == phone_index_for("416 555 0142")


def test_the_blind_index_is_equal_for_every_way_of_writing_a_document_number():
    assert document_index_for("ab-123 456") == document_index_for("AB123456")


def test_the_blind_index_differs_between_phone_and_document_numbers():
    assert crypto.blind_index("phone", "4165550142") != crypto.blind_index("document", "4165550142")


def test_the_blind_index_differs_between_numbers():
    assert phone_index_for("416-555-0142") != phone_index_for("416-555-0143")


def test_an_empty_number_has_no_blind_index():
    assert phone_index_for("") == ""
    assert document_index_for("  ") == ""


def test_the_blind_index_is_keyed_and_not_a_plain_hash(settings):
    before = crypto.blind_index("phone", "+14165550142")
    settings.INDEX_KEY = crypto.generate_index_key()
    assert crypto.blind_index("phone", "+14165550142") != before


def test_blind_index_and_audit_chain_use_different_derived_keys():
    assert crypto.keyed_digest("harbour-blind-index-v1", b"x") != crypto.keyed_digest(
        "harbour-audit-chain-v1", b"x"
    )


def test_generated_keys_are_accepted():
    crypto.parse_field_keys(crypto.generate_field_key())
    assert len(crypto.generate_index_key()) >= 43


def test_an_empty_key_list_is_refused_with_a_clear_message():
    with pytest.raises(ImproperlyConfigured, match="HARBOUR_FIELD_ENCRYPTION_KEYS holds no key"):
        crypto.parse_field_keys(" , \n")


def test_a_malformed_field_key_is_refused_naming_its_position():
    good = Fernet.generate_key().decode()
    with pytest.raises(ImproperlyConfigured, match="key 2 is not a valid Fernet key"):
        crypto.parse_field_keys(f"{good},not-a-key")


def test_a_non_ascii_field_key_is_refused_with_a_clear_message():
    with pytest.raises(ImproperlyConfigured, match="key 1 is not a valid Fernet key"):
        crypto.parse_field_keys("clé-invalide")


def test_a_malformed_field_key_setting_stops_encryption(settings):
    settings.FIELD_ENCRYPTION_KEYS = "not-a-key"
    with pytest.raises(ImproperlyConfigured, match="not a valid Fernet key"):
        crypto.encrypt("anything")


def test_an_index_key_that_is_not_base64_is_refused(settings):
    settings.INDEX_KEY = "abc"
    with pytest.raises(ImproperlyConfigured, match="HARBOUR_INDEX_KEY is not url-safe base64"):
        crypto.blind_index("phone", "+14165550142")


def test_a_non_ascii_index_key_is_refused(settings):
    settings.INDEX_KEY = "clé"
    with pytest.raises(ImproperlyConfigured, match="HARBOUR_INDEX_KEY is not url-safe base64"):
        crypto.blind_index("phone", "+14165550142")


def test_a_short_index_key_is_refused(settings):
    settings.INDEX_KEY = "c2hvcnQta2V5"  # "short-key"
    with pytest.raises(ImproperlyConfigured, match="at least 32 random bytes"):
        crypto.blind_index("phone", "+14165550142")
