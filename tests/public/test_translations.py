"""The public site's catalogues: every language complete, in step and honest
about its review.

Each of the seven catalogues beside English (`public/locale/<lang>/`) must
translate every entry, keep every placeholder of the English text (a missing
`%(province_name)s` would raise on the page; a missing `{n}` would show a
broken counter), carry real plural forms and say in its header whether a fluent
speaker has reviewed it. No database: this runs once, with the pure tests.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harbour.public.languages import CODES
from harbour.public.translation_status import HEADER, catalogue_path
from tests.core.test_translations import Entry, parse_po

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
LANGUAGES = [code for code in CODES if code != "en"]


def entries_of(path: Path) -> tuple[dict[str, str], list[Entry]]:
    header, *entries = parse_po(path)
    assert header.msgid == "", f"{path}: the first entry must be the header"
    fields = dict(
        line.split(": ", 1) for line in header.msgstr.get(0, "").split("\n") if ": " in line
    )
    return fields, entries


@pytest.fixture(scope="module", params=LANGUAGES)
def catalogue(request: pytest.FixtureRequest) -> tuple[str, dict[str, str], list[Entry]]:
    path = catalogue_path(request.param)
    assert path.exists(), f"{path} is missing: run `make messages`"
    fields, entries = entries_of(path)
    return request.param, fields, entries


def test_every_public_language_has_a_catalogue_with_a_real_header(catalogue):
    language, fields, _entries = catalogue
    assert fields.get(HEADER) in {"yes", "no"}, f"{language}: {HEADER} must say yes or no"
    plural_forms = fields.get("Plural-Forms", "")
    assert re.fullmatch(r"nplurals=\d; plural=.+;", plural_forms), (language, plural_forms)
    assert "INTEGER" not in plural_forms and "EXPRESSION" not in plural_forms


def test_every_entry_is_translated_and_none_is_fuzzy(catalogue):
    language, fields, entries = catalogue
    forms = int(re.search(r"nplurals=(\d)", fields["Plural-Forms"]).group(1))  # type: ignore[union-attr]
    untranslated = [
        str(entry)
        for entry in entries
        if "fuzzy" in entry.flags
        or not all(entry.msgstr.get(index) for index in range(forms if entry.msgid_plural else 1))
    ]
    assert not untranslated, f"{language}: untranslated or fuzzy: {untranslated[:5]}"


def test_every_translation_keeps_the_placeholders_of_its_english_text(catalogue):
    language, _fields, entries = catalogue
    wrong = []
    for entry in entries:
        english = set(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for translated in entry.msgstr.values():
            if set(PLACEHOLDER.findall(translated)) != english:
                wrong.append((entry.msgid, translated))
    assert not wrong, f"{language}: placeholders differ: {wrong[:3]}"


def test_every_catalogue_holds_the_same_entries_as_the_french_one(catalogue):
    language, _fields, entries = catalogue
    _french_fields, french = entries_of(catalogue_path("fr"))
    assert {entry.key for entry in entries} == {entry.key for entry in french}, (
        f"{language} is out of step with fr: run `make messages` and translate the new entries"
    )


KNOWLEDGE = Path(__file__).resolve().parents[2] / "src" / "harbour" / "knowledge" / "public"
NUMBERS = re.compile(r"\d[\d-]*\d|\d")


def knowledge_texts() -> list[tuple[str, dict[str, str]]]:
    """Every text of the public knowledge files: its place and its languages."""
    import yaml

    found: list[tuple[str, dict[str, str]]] = []

    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("en"), str):
                found.append((where, node))
            for key, value in node.items():
                walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}[{index}]")

    for name in ("pages.yaml", "selfcheck.yaml"):
        walk(yaml.safe_load((KNOWLEDGE / name).read_text(encoding="utf-8")), name)
    return found


def test_every_knowledge_text_is_written_in_all_eight_languages():
    missing = [
        (where, sorted(set(CODES) - set(text)))
        for where, text in knowledge_texts()
        if set(CODES) - set(text)
    ]
    assert not missing, f"texts missing a language: {missing[:5]}"


def test_every_knowledge_text_keeps_the_numbers_of_its_english_text():
    # A phone number, a deadline in days or "24 hours" must survive translation.
    wrong = [
        (where, language)
        for where, text in knowledge_texts()
        for language in CODES
        if language in text
        and set(NUMBERS.findall(text[language])) != set(NUMBERS.findall(text["en"]))
    ]
    assert not wrong, f"numbers differ from English: {wrong[:8]}"
