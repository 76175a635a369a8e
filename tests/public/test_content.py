"""The public knowledge (self-check and page texts) loads strictly and is checked
against the screening catalogue and the pathways knowledge; each known-bad variant
fails with a message naming the file, the entry and the problem."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from harbour.knowledge.loader import KnowledgeError
from harbour.pathways import load_pathways
from harbour.public.content import (
    PAGES_FILE,
    SELFCHECK_FILE,
    LocalText,
    load_pages_file,
    load_public_knowledge,
    load_selfcheck_file,
)
from harbour.screening import indicator_ids, load_catalogue


def test_the_shipped_self_check_and_pages_load_and_map_onto_the_engines():
    knowledge = load_public_knowledge()
    questions = knowledge.selfcheck.questions
    assert 10 <= len(questions) <= 20
    known = set(indicator_ids(knowledge.catalogue))
    for question in questions:
        assert set(question.indicators) <= known
        assert question.indicators or any(question.facts_for(a) for a in question.answer_ids())
        # Every question offers "I don't know" and "I'd rather not say".
        assert question.answer_ids()[-2:] == ("dont_know", "rather_not_say")
    assert knowledge.pages.hotline.number == "1-833-900-1010"
    assert knowledge.pages.tip_line.number == "1-866-602-9448"


def test_every_text_is_written_in_english_and_french():
    knowledge = load_public_knowledge()

    def texts(value):
        if isinstance(value, LocalText):
            yield value
        elif isinstance(value, list | tuple):
            for item in value:
                yield from texts(item)
        elif isinstance(value, dict):
            for item in value.values():
                yield from texts(item)
        elif hasattr(type(value), "model_fields"):
            for name in type(value).model_fields:
                yield from texts(getattr(value, name))

    found = [*texts(knowledge.selfcheck), *texts(knowledge.pages)]
    assert len(found) > 100
    assert all(text.fr for text in found)


def test_a_missing_language_falls_back_to_english_and_says_so():
    text = LocalText(en="Hello", fr="Bonjour")
    assert (text.get("fr").text, text.get("fr").translated) == ("Bonjour", True)
    shown = text.get("es")
    assert (shown.text, shown.language, shown.translated) == ("Hello", "en", False)
    assert LocalText.model_validate({"en": "Hi", "zh-hans": "你好"}).get("zh-hans").text == "你好"


def test_a_text_without_english_is_refused():
    with pytest.raises(ValueError, match="en"):
        LocalText.model_validate({"fr": "Bonjour"})


def test_the_unverified_hotline_channel_says_what_to_check():
    channels = {c.id: c for c in load_public_knowledge().pages.hotline.channels}
    assert channels["phone"].verified
    assert not channels["text_and_chat"].verified
    assert "check" in (channels["text_and_chat"].verification_note or "")


# --- known-bad variants of the shipped files, one problem each ---------------------------


def write_variant(tmp_path: Path, source: Path, old: str, new: str) -> Path:
    text = source.read_text(encoding="utf-8")
    assert old in text, f"the variant's anchor {old!r} is not in {source.name}"
    path = tmp_path / source.name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.fixture
def selfcheck_error(tmp_path: Path) -> Callable[[str, str], KnowledgeError]:
    def load(old: str, new: str) -> KnowledgeError:
        path = write_variant(tmp_path, SELFCHECK_FILE, old, new)
        with pytest.raises(KnowledgeError) as caught:
            load_selfcheck_file(path, load_catalogue("ilo-ec-2009.v1"), load_pathways())
        return caught.value

    return load


@pytest.fixture
def pages_error(tmp_path: Path) -> Callable[[str, str], KnowledgeError]:
    def load(old: str, new: str) -> KnowledgeError:
        path = write_variant(tmp_path, PAGES_FILE, old, new)
        with pytest.raises(KnowledgeError) as caught:
            load_pages_file(path, load_pathways())
        return caught.value

    return load


def test_an_indicator_the_catalogue_does_not_have_is_refused(selfcheck_error):
    error = selfcheck_error(
        "- adult_labour.coercion_at_destination.debt_bondage",
        "- adult_labour.coercion_at_destination.invented_indicator",
    )
    assert error.entry == "owes_money"
    assert "unknown indicator 'adult_labour.coercion_at_destination.invented_indicator'" in str(
        error
    )


def test_a_fact_the_pathways_engine_does_not_read_is_refused(selfcheck_error):
    error = selfcheck_error("{works_or_worked_in_canada: true}", "{works_somewhere: true}")
    assert error.entry == "works"
    assert "unknown pathways fact 'works_somewhere'" in str(error)


def test_a_value_a_fact_cannot_take_is_refused(selfcheck_error):
    error = selfcheck_error("facts: {province: AB, in_canada: true}", "facts: {province: XX}")
    assert "'XX' is not a value of province" in str(error)


def test_a_yes_no_fact_given_text_is_refused(selfcheck_error):
    error = selfcheck_error("{family_in_canada: true}", "{family_in_canada: sometimes}")
    assert "family_in_canada is true or false" in str(error)


def test_a_date_fact_is_refused(selfcheck_error):
    error = selfcheck_error("{works_or_worked_in_canada: true}", "{status_lost_on: '2026-01-01'}")
    assert "status_lost_on is a date" in str(error)


def test_one_indicator_asked_by_two_questions_is_refused(selfcheck_error):
    error = selfcheck_error(
        "- adult_labour.coercion_at_destination.debt_bondage",
        "- adult_labour.exploitative_conditions.excessive_working_days_or_hours",
    )
    assert "already asked by owes_money" in str(error)


def test_two_questions_setting_one_fact_to_different_values_are_refused(selfcheck_error):
    error = selfcheck_error(
        '"yes": {fears_persecution_or_risk: true}', '"yes": {family_in_canada: false}'
    )
    assert "family_in_canada" in str(error) and "but" in str(error)


def test_a_question_that_changes_nothing_is_refused(selfcheck_error):
    error = selfcheck_error(
        """    indicators:
      - adult_labour.coercion_at_destination.debt_bondage
""",
        "",
    )
    assert error.entry == "owes_money"
    assert "maps to no indicator and no fact" in str(error)


def test_a_question_without_english_is_refused(selfcheck_error):
    error = selfcheck_error('      en: "Where do you live or work?"\n', "")
    assert error.entry == "where"
    assert "en is missing" in str(error)


def test_an_unknown_key_is_refused(selfcheck_error):
    error = selfcheck_error(
        "    kind: yes_no\n    urgent: true\n", "    kind: yes_no\n    urgnet: true\n"
    )
    assert "is not a known field" in str(error)


def test_a_key_written_twice_is_refused(selfcheck_error):
    error = selfcheck_error("    kind: choice\n", "    kind: choice\n    kind: yes_no\n")
    assert "duplicate key 'kind'" in str(error)


def test_an_unknown_protection_is_refused(selfcheck_error):
    error = selfcheck_error("  - restoration_of_status\n", "  - restoration_of_everything\n")
    assert "unknown pathway 'restoration_of_everything'" in str(error)


def test_a_self_check_written_for_another_catalogue_is_refused(selfcheck_error):
    error = selfcheck_error(
        "screening_catalogue: ilo-ec-2009.v1", "screening_catalogue: ilo-ec-2009.v9"
    )
    assert "written for catalogue ilo-ec-2009.v9" in str(error)


def test_a_hotline_number_that_differs_from_the_pathways_knowledge_is_refused(pages_error):
    error = pages_error('number: "1-833-900-1010"', 'number: "1-833-900-1011"')
    assert error.entry == "hotline"
    assert "not the one in pathway human_trafficking_hotline" in str(error)


def test_a_reading_without_its_plain_words_is_refused(pages_error):
    error = pages_error("  not_enough_information:\n", "  not_enough_info:\n")
    assert "missing ['not_enough_information'], unknown ['not_enough_info']" in str(error)


def test_plain_words_for_an_unknown_pathway_are_refused(pages_error):
    error = pages_error("    mb_wrapa:\n", "    mb_wrapper:\n")
    assert "unknown pathway 'mb_wrapper'" in str(error)


def test_an_unverified_channel_without_a_note_is_refused(pages_error):
    line = next(
        line + "\n"
        for line in PAGES_FILE.read_text(encoding="utf-8").splitlines()
        if "verification_note:" in line
    )
    error = pages_error(line, "")
    assert error.entry == "text_and_chat"
    assert "verification_note must say what to check" in str(error)
