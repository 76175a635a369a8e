"""Normalisers behind the blind indexes (harbour.core.normalise)."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from harbour.core.normalise import normalise_document_number, normalise_phone

PHONE_CHARACTERS = st.text(alphabet="0123456789+-(). x#*ext", max_size=30)


@pytest.mark.parametrize(
    "formatted",
    [
        "(416) 555-0142",
        "1-416-555-0142",
        "+14165550142",
        "416.555.0142",
        "416 555 0142",
        " +1 (416) 555 0142 ",
    ],
)
def test_every_usual_way_of_writing_a_canadian_number_becomes_e164(formatted):
    assert normalise_phone(formatted) == "+14165550142"


def test_a_foreign_number_keeps_its_country_code():
    assert normalise_phone("+52 55 1234 5678") == "+525512345678"


def test_an_empty_phone_number_stays_empty():
    assert normalise_phone("   ") == ""


def test_a_number_with_a_stray_word_matches_the_same_number_without_it():
    assert normalise_phone("416 555 0142 cell") == normalise_phone("416-555-0142")


def test_a_number_that_does_not_parse_keeps_its_digits():
    assert normalise_phone("call 12") == "12"


@given(st.one_of(PHONE_CHARACTERS, st.text(max_size=30)))
@example("+999 4165550142")
@example("+49000000")
@example("000000+0")
@example("416-555-0142 / 416-555-0143")
def test_normalising_a_phone_number_twice_changes_nothing(raw):
    once = normalise_phone(raw)
    assert normalise_phone(once) == once


@given(st.text(max_size=40))
def test_normalising_a_phone_number_never_raises(raw):
    assert isinstance(normalise_phone(raw), str)


@pytest.mark.parametrize("formatted", ["AB 123 456", "ab-123-456", "AB123456", "ab.123/456"])
def test_document_numbers_lose_spaces_and_punctuation_and_case(formatted):
    assert normalise_document_number(formatted) == "AB123456"


@given(st.text(max_size=40))
def test_normalising_a_document_number_twice_changes_nothing(raw):
    once = normalise_document_number(raw)
    assert normalise_document_number(once) == once
