"""Languages of the public site: chosen from the browser's list among our eight, and
whether each catalogue says a fluent speaker reviewed it."""

from __future__ import annotations

import pytest

from harbour.public.languages import CODES, PUBLIC_LANGUAGES, from_accept_language
from harbour.public.translation_status import is_reviewed, po_header


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", "en"),
        ("fr-CA,fr;q=0.9,en;q=0.8", "fr"),
        ("de-DE,de;q=0.9", "en"),
        ("de-DE,es-MX;q=0.8,en;q=0.5", "es"),
        ("fil-PH", "tl"),
        ("zh-CN,zh;q=0.9", "zh-hans"),
        ("zh-Hans", "zh-hans"),
        ("zh-TW,en;q=0.5", "en"),
        ("pa-IN", "pa"),
        ("ar-EG,ar;q=0.9", "ar"),
        ("vi", "vi"),
        ("not a header;;;", "en"),
    ],
)
def test_the_browsers_languages_pick_one_of_ours_or_english(header, expected):
    assert from_accept_language(header) == expected


def test_the_eight_languages_are_named_in_their_own_script_and_arabic_runs_right_to_left():
    assert CODES == ("en", "fr", "es", "tl", "pa", "zh-hans", "vi", "ar")
    names = {language.code: language.name for language in PUBLIC_LANGUAGES}
    assert names["pa"] == "ਪੰਜਾਬੀ" and names["zh-hans"] == "简体中文" and names["ar"] == "العربية"
    assert [lang.code for lang in PUBLIC_LANGUAGES if lang.direction == "rtl"] == ["ar"]


def test_the_review_header_is_read_from_the_catalogue(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: es\\n"\n"X-Harbour-Reviewed: yes\\n"\n\n'
        'msgid "Yes"\nmsgstr "Sí"\n',
        encoding="utf-8",
    )
    assert po_header(po) == {"Language": "es", "X-Harbour-Reviewed": "yes"}


def test_english_needs_no_review_and_french_says_it_is_not_reviewed_yet():
    assert is_reviewed("en") is True
    assert is_reviewed("fr") is False


def test_a_language_without_a_catalogue_counts_as_not_reviewed():
    assert is_reviewed("xx") is False
