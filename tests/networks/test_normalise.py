"""Normalising names, phones and addresses of parties (harbour.networks.normalise)."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from harbour.core.normalise import normalise_phone as blind_index_phone
from harbour.networks.normalise import (
    address,
    business_name,
    fold,
    nicknames,
    normalise_address,
    normalise_business_name,
    normalise_person_name,
    normalise_phone,
    person_name,
)

ACCENTED = st.sampled_from(list("aàâäeéèêëiîïoôöuùûüçñAÀÉÈÇÑ"))
TEXT = st.text(
    alphabet=st.one_of(st.characters(codec="utf-8", categories=["L", "N", "P", "Zs"]), ACCENTED),
    max_size=40,
)


# --- phones --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "(519) 555-0142",
        "519-555-0142",
        "519.555.0142",
        "519 555 0142",
        "5195550142",
        "1-519-555-0142",
        "1 519 555 0142",
        "+1 519 555 0142",
        "+1 (519) 555-0142",
        "+15195550142",
        "519-555-0142 ext. 12",
        "519-555-0142 x12",
        "(519)5550142 x3",
        "519 555 0142 poste 204",
        " 519-555-0142 ",
    ],
)
def test_every_usual_way_of_writing_a_canadian_number_becomes_one_e164_string(written):
    assert normalise_phone(written) == "+15195550142"


def test_a_foreign_number_keeps_its_country_code():
    assert normalise_phone("+52 55 1234 5678") == "+525512345678"


@pytest.mark.parametrize("written", ["", "   ", "12", "call me", "ext. 12"])
def test_something_that_is_not_a_phone_number_gives_nothing_to_link_on(written):
    assert normalise_phone(written) == ""


def test_a_normalised_phone_is_what_the_blind_index_of_case_records_uses():
    assert normalise_phone("(416) 555-0142") == blind_index_phone("416.555.0142")


@given(st.text(alphabet="0123456789+-(). xext", max_size=30))
@example("+1 416 555 0142 x12")
@example("0165550142")
def test_normalising_a_phone_twice_changes_nothing(raw):
    once = normalise_phone(raw)
    assert normalise_phone(once) == once


@given(st.text(max_size=40))
def test_normalising_a_phone_never_raises_and_gives_e164_or_nothing(raw):
    value = normalise_phone(raw)
    assert value == "" or (value.startswith("+") and value[1:].isdigit())


@given(
    st.from_regex(r"[2-9]\d{2}[2-9]\d{6}", fullmatch=True),
    st.sampled_from(["{a}-{b}-{c}", "({a}) {b}-{c}", "1-{a}-{b}-{c}", "+1 {a}.{b}.{c}"]),
)
def test_any_north_american_number_in_any_layout_gives_the_same_string(digits, layout):
    written = layout.format(a=digits[:3], b=digits[3:6], c=digits[6:])
    assert normalise_phone(written) == f"+1{digits}"


# --- business names ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Maple Leaf Farms Inc.", "maple leaf farms"),
        ("MAPLE LEAF FARMS INCORPORATED", "maple leaf farms"),
        ("Maple Leaf Farms Ltd./Ltée", "maple leaf farms"),
        ("maple leaf farms limited", "maple leaf farms"),
        ("Maple Leaf Farms Corp.", "maple leaf farms"),
        ("Maple Leaf Farms Corporation", "maple leaf farms"),
        ("Maple-Leaf Farms, Inc", "maple leaf farms"),
        ("Les Serres Côté Ltée", "les serres cote"),
        ("Les Serres Cote Limitée", "les serres cote"),
        ("Les Serres Côté Inc./Ltée", "les serres cote"),
        ("Côté & Fils Ltée", "cote and fils"),
        ("Côté et Fils", "cote and fils"),
        ("Cote and Fils", "cote and fils"),
        ("Gagnon S.E.N.C.", "gagnon"),
        ("O'Brien Produce Co. Inc.", "obrien produce"),
        ("Inc.", "inc"),
        ("", ""),
    ],
)
def test_business_names_lose_case_accents_punctuation_and_legal_suffixes(written, expected):
    assert normalise_business_name(written) == expected


@pytest.mark.parametrize(
    ("written", "number"),
    [
        ("1234567 Ontario Inc.", "1234567"),
        ("1234567 ONTARIO LIMITED", "1234567"),
        ("1234567 Ontario", "1234567"),
        ("9123-4567 Québec inc.", "91234567"),
        ("9123 4567 Quebec Inc", "91234567"),
        ("12345678 Canada Ltd.", "12345678"),
        ("Maple Leaf Farms", ""),
        ("24 Carrot Farms Ltd.", ""),
    ],
)
def test_a_numbered_company_keeps_its_number_as_a_strong_key(written, number):
    assert business_name(written).number == number


def test_the_number_of_a_numbered_company_stays_in_its_name():
    assert normalise_business_name("9123-4567 Québec inc.") == "91234567 quebec"


@given(TEXT)
def test_normalising_a_business_name_twice_changes_nothing(raw):
    once = normalise_business_name(raw)
    assert normalise_business_name(once) == once


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz &.,-'", max_size=30))
def test_a_business_name_ignores_case_accents_and_spacing(raw):
    variant = "  " + raw.upper().replace("e", "é").replace(" ", "   ") + " "
    assert normalise_business_name(variant) == normalise_business_name(raw)


# --- person names --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("María García", "maria garcia"),
        ("GARCIA, MARIA", "maria garcia"),
        ("García, María", "maria garcia"),
        ("García-López, María José", "maria jose garcia lopez"),
        ("Garcia Lopez, Maria Jose", "maria jose garcia lopez"),
        ("Bob Smith", "robert smith"),
        ("Smith, Bob", "robert smith"),
        ("Robert Smith", "robert smith"),
        ("Paco de la Cruz", "francisco cruz"),
        ("Francisco Cruz", "francisco cruz"),
        ("Pepe Santos", "jose santos"),
        ("J. Smith", "j smith"),
        ("Smith, J.", "j smith"),
        ("Dr. Jean-François Tremblay", "jean francois tremblay"),
        ("JF Tremblay", "jean francois tremblay"),
        ("Mme Nathalie Roy", "nathalie roy"),
        ("Oksana Shevchenko", "oksana shevchenko"),
        ("", ""),
    ],
)
def test_person_names_are_written_given_names_first_in_one_way(written, expected):
    assert normalise_person_name(written) == expected


def test_compound_and_second_surnames_are_the_family_name():
    name = person_name("García López, María José")
    assert name.given == ("maria", "jose")
    assert name.family == ("garcia", "lopez")


def test_an_initial_stays_a_single_letter():
    assert person_name("Santos, R.").given == ("r",)


def test_no_nickname_leads_to_another_nickname():
    table = nicknames()
    for full_name in table.values():
        assert full_name[0] not in table, full_name


@given(TEXT)
@example("a, b, c")
@example("de la")
@example("Smith, de")
def test_normalising_a_person_name_twice_changes_nothing(raw):
    once = normalise_person_name(raw)
    assert normalise_person_name(once) == once


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz -", max_size=30))
def test_a_person_name_ignores_case_accents_and_spacing(raw):
    variant = " " + raw.upper().replace("E", "É").replace(" ", "  ")
    assert normalise_person_name(variant) == normalise_person_name(raw)


# --- addresses -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "Apt 4, 123 Main St, Leamington, ON N8H 1A1",
        "Apt. 4, 123 Main Street, Leamington, Ontario N8H1A1",
        "Unit 4, 123 Main St., Leamington ON n8h 1a1",
        "Suite 4 123 Main St Leamington Ont. N8H-1A1",
        "4-123 Main St, Leamington, ON N8H 1A1",
        "4 - 123 Main Street Leamington Ontario n8h1a1",
        "123 Main St #4, Leamington, ON N8H 1A1",
        "123 Main St, app. 4, Leamington (Ontario) N8H 1A1",
        "123 MAIN ST, UNIT 4, LEAMINGTON, ONTARIO, CANADA N8H 1A1",
    ],
)
def test_every_usual_way_of_writing_a_unit_gives_one_address(written):
    assert normalise_address(written) == "4-123 main st, leamington ON N8H 1A1"


@pytest.mark.parametrize(
    ("written", "street"),
    [
        ("12 rue Principale", "principale st"),
        ("12 Principale Street", "principale st"),
        ("12 Principale St.", "principale st"),
        ("12 chemin de la Montagne", "montagne rd"),
        ("12 ch. de la Montagne", "montagne rd"),
        ("12 Montagne Road", "montagne rd"),
        ("12 Montagne Rd", "montagne rd"),
        ("12 boul. René-Lévesque Ouest", "rene levesque blvd w"),
        ("12 Boulevard Rene Levesque O", "rene levesque blvd w"),
        ("12 René-Lévesque Blvd W", "rene levesque blvd w"),
        ("12 avenue du Parc", "parc av"),
        ("12 Parc Ave.", "parc av"),
        ("12 Parc Av", "parc av"),
        ("12 King St E", "king st e"),
        ("12 King Street East", "king st e"),
        ("12 rue King Est", "king st e"),
        ("12 Talbot Rd N", "talbot rd n"),
        ("12 Talbot Road Nord", "talbot rd n"),
    ],
)
def test_street_types_and_directions_in_english_and_french_agree(written, street):
    assert address(written).street == street
    assert address(written).civic == "12"


@pytest.mark.parametrize(
    ("written", "province"),
    [
        ("1 Main St, Toronto, Ontario", "ON"),
        ("1 Main St, Toronto, Ont.", "ON"),
        ("1 rue Main, Laval, Québec", "QC"),
        ("1 rue Main, Laval (Qc)", "QC"),
        ("1 rue Main, Laval, P.Q.", "QC"),
        ("1 Main St, Kelowna, British Columbia", "BC"),
        ("1 Main St, Kelowna, B.C.", "BC"),
        ("1 rue Main, Kelowna, C.-B.", "BC"),
        ("1 Main St, Kelowna, Colombie-Britannique", "BC"),
        ("1 Main St, Kentville, Nova Scotia", "NS"),
        ("1 rue Main, Kentville, Nouvelle-Écosse", "NS"),
        ("1 Main St, St. John's, Newfoundland and Labrador", "NL"),
        ("1 rue Main, St. John's, T.-N.-L.", "NL"),
        ("1 Main St, Charlottetown, PEI", "PE"),
        ("1 rue Main, Charlottetown, Île-du-Prince-Édouard", "PE"),
        ("1 Main St, Brooks, Alta.", "AB"),
        ("1 Main St, Iqaluit, Nunavut", "NU"),
    ],
)
def test_provinces_are_read_by_name_or_abbreviation_in_english_or_french(written, province):
    assert address(written).province == province


@pytest.mark.parametrize("postal", ["K1A 0B1", "K1A0B1", "k1a 0b1", "k1a-0b1", "K1A  0B1"])
def test_postal_codes_are_read_with_or_without_their_space(postal):
    assert address(f"24 Sussex Dr, Ottawa, ON {postal}").postal == "K1A 0B1"


def test_the_city_is_found_without_commas():
    place = address("45 rue Saint-Jean Québec (Québec) G1R 1N8")
    assert (place.street, place.city, place.province) == ("saint jean st", "quebec", "QC")


def test_the_street_key_ignores_the_unit_and_the_city():
    assert address("Apt 4, 123 Main St, Leamington").street_key == "123 main st"
    assert address("123 Main Street").street_key == "123 main st"


ADDRESS_PIECES = st.lists(
    st.one_of(
        TEXT.map(lambda text: text[:6]),
        st.sampled_from(
            [
                "apt ",
                "rue ",
                " st",
                "unit",
                " on",
                "qc",
                "k1a 0b1",
                "-",
                "#",
                " c.-b.",
                "12 ",
                " nord",
                " e",
                "ch ",
                "4-",
                ", ",
            ]
        ),
    ),
    max_size=8,
).map("".join)


@given(st.one_of(TEXT, ADDRESS_PIECES))
@example("1 rue, 2")
@example("4-5")
@example("# 1 a")
@example("1 Main St, C.-B.")
@example("0-0-")
@example("#-0")
@example("rue rue ")
def test_normalising_an_address_twice_changes_nothing(raw):
    once = normalise_address(raw)
    assert normalise_address(once) == once


@given(
    st.integers(1, 99999),
    st.sampled_from(["Main St", "rue Principale", "King Street West", "boul. Taschereau"]),
    st.sampled_from(["Toronto, ON", "Laval, Québec", "Kelowna, B.C."]),
)
def test_an_address_ignores_case_accents_and_spacing(civic, street, city):
    written = f"{civic} {street}, {city}"
    variant = "  " + fold(written).upper().replace(" ", "   ").replace(",", " , ")
    assert normalise_address(variant) == normalise_address(written)
