"""The public pages: in the address's language (or the browser's on /help/), with the
language list in each language's own script, lang and dir, the review note, the
rights by province from the pathways knowledge and the services from the directory."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from harbour.audit.services import Actor
from harbour.directory import services
from tests.directory.conftest import service_data
from tests.public.pages import page_urls, read

pytestmark = pytest.mark.django_db


def url(name: str, language: str = "en") -> str:
    return reverse(f"public:{name}", kwargs={"language_code": language})


@pytest.mark.parametrize("language", ["en", "fr", "es", "tl", "pa", "zh-hans", "vi", "ar"])
def test_every_page_answers_in_every_language_with_its_lang_and_dir(language):
    direction = "rtl" if language == "ar" else "ltr"
    for address in page_urls(language):
        response = Client().get(address)
        assert response.status_code == 200, address
        html = read(response.content).all("html")[0]
        assert (html.attrs["lang"], html.attrs["dir"]) == (language, direction), address
        assert response["Content-Language"] == language


def test_help_picks_the_browsers_language_without_a_redirect_or_a_cookie():
    response = Client().get("/help/", headers={"accept-language": "fr-CA,fr;q=0.9"})
    assert response.status_code == 200
    assert not response.cookies
    assert "Accept-Language" in response["Vary"]
    assert read(response.content).all("html")[0].attrs["lang"] == "fr"
    assert "Connaître vos droits au travail" in response.content.decode()
    english = Client().get("/help/", headers={"accept-language": "de"})
    assert read(english.content).all("html")[0].attrs["lang"] == "en"


def test_an_unknown_language_is_not_found():
    assert Client().get("/help/de/").status_code == 404
    assert Client().get("/help/zh/self-check/").status_code == 404


def test_the_language_list_names_each_language_in_its_own_script_and_links_the_same_page():
    page = read(Client().get(url("rights", "fr")).content)
    links = [a for a in page.all("a") if "hreflang" in a.attrs]
    assert [a.attrs["hreflang"] for a in links] == [
        "en", "fr", "es", "tl", "pa", "zh-hans", "vi", "ar",
    ]  # fmt: skip
    assert [a.attrs["href"] for a in links][4] == "/help/pa/rights/"
    assert "ਪੰਜਾਬੀ" in page.text and "العربية" in page.text and "简体中文" in page.text
    current = [a for a in links if a.attrs.get("aria-current")]
    assert [a.attrs["hreflang"] for a in current] == ["fr"]


def notes(page) -> set[str]:
    return {e.attrs["class"] for e in page.all("p") if e.attrs.get("class") in NOTES}


NOTES = ("unreviewed", "untranslated")


def test_the_page_notes_a_translation_not_yet_reviewed_and_texts_not_yet_translated():
    assert notes(read(Client().get(url("index")).content)) == set()
    french = read(Client().get(url("index", "fr")).content)
    # The French catalogue says it is not reviewed; every knowledge text has French.
    assert notes(french) == {"unreviewed"}
    assert "pas encore été vérifiée" in french.text
    # The pathways knowledge is in English and French only: in Spanish some texts
    # are English, marked lang="en" for screen readers, and the page says so.
    spanish = read(Client().get(url("rights", "es") + "?province=ON").content)
    assert "untranslated" in notes(spanish)
    assert [e for e in spanish.all("span") if e.attrs.get("lang") == "en"]


def test_the_signs_page_explains_every_word_it_uses():
    text = read(Client().get(url("signs")).content).main_text
    for words in ("At work", "Where you live", "Human trafficking", "This means"):
        assert words in text


def test_the_rights_page_lists_the_provinces_recourses_with_their_time_limits():
    text = read(Client().get(url("rights") + "?province=ON").content).main_text
    assert "Ontario: what may be open to you" in text
    assert "Ontario employment standards claim" in text
    assert "Claim limit and recovery period of 2 years" in text
    assert "Last day to apply for restoration (90 days after losing status)" in text
    assert "A special permit to stay in Canada" in text
    assert "British Columbia" not in text.split("Ontario: what may be open to you")[1]
    quebec = read(Client().get(url("rights", "fr") + "?province=QC").content).main_text
    assert "CNESST" in quebec and "Ontario employment" not in quebec


def test_the_rights_page_without_a_province_shows_only_what_holds_everywhere():
    text = read(Client().get(url("rights")).content).main_text
    assert "What may be open to you anywhere in Canada" in text
    assert "Ontario employment standards claim" not in text
    assert "If your permit ties you to one employer" in text


def test_a_province_that_does_not_exist_is_named_as_the_problem():
    response = Client().get(url("rights") + "?province=XX")
    assert response.status_code == 400
    assert "Choose a province or territory from the list." in response.content.decode()


def test_the_get_help_page_gives_the_hotline_and_the_tip_line_as_the_knowledge_does():
    text = read(Client().get(url("contacts")).content).main_text
    assert "1-833-900-1010" in text and "24 hours a day, 7 days a week" in text
    assert "more than 200 languages" in text
    assert "not the police and not the government" in text
    # Text and chat are not confirmed by the research: the page says so.
    assert "We have not checked this yet" in text and "(not yet checked)" in text
    assert "1-866-602-9448" in text and "The employer is not told who called" in text


@pytest.fixture
def directory(supervisor, intruder):
    ontario = services.add_service(
        Actor(user=supervisor),
        "Lakeside Legal Clinic (fictional)",
        service_data(name="Wage claims", needs="|legal|employment|", languages="|en|es|pa|"),
    )
    elsewhere = services.add_service(
        Actor(user=intruder),
        "Prairie Workers (fictional)",
        service_data(name="Prairie wage help", needs="|legal|", provinces="|MB|"),
    )
    closed = services.add_service(
        Actor(user=supervisor),
        "Closed Centre (fictional)",
        service_data(name="Closed wage clinic", needs="|legal|"),
    )
    services.set_service_active(Actor(user=supervisor), closed, False)
    return ontario, elsewhere, closed


def test_services_are_listed_by_province_and_need_with_the_languages_spoken(directory):
    response = Client().get(url("services") + "?province=ON&need=legal")
    page = read(response.content)
    text = page.main_text
    assert "Wage claims" in text and "Lakeside Legal Clinic (fictional)" in text
    assert "Prairie wage help" not in text  # another province
    assert "Closed wage clinic" not in text  # not active
    spoken = [e for e in page.all("span") if e.attrs.get("lang") in ("en", "es", "pa")]
    assert {e.attrs["lang"] for e in spoken} == {"en", "es", "pa"}
    assert "ਪੰਜਾਬੀ" in text and "Español" in text
    housing = read(Client().get(url("services") + "?province=ON&need=housing").content)
    assert "Wage claims" not in housing.main_text
    manitoba = read(Client().get(url("services", "fr") + "?province=MB").content).main_text
    assert "Prairie Workers (fictional)" in manitoba and "1 service trouvé" in manitoba


def test_the_services_page_asks_for_a_province_first_and_refuses_unknown_choices(directory):
    first = read(Client().get(url("services")).content).main_text
    assert "Wage claims" not in first
    response = Client().get(url("services") + "?province=ON&need=everything")
    assert response.status_code == 400
    assert "Choose a kind of help from the list." in response.content.decode()


def test_there_is_no_statistics_page_until_a_release_is_public():
    assert Client().get(url("statistics")).status_code == 404
    assert url("statistics") not in Client().get(url("index")).content.decode()
