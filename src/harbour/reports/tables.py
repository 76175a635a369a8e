"""The table definitions: for each table its name, row and column dimensions,
and what it counts (distinct people, cases, referrals or networks).

A dimension lists ALL its categories, whatever the data hold: a category
that appears only when someone falls in it would itself disclose that person.
The counting (SQL) is in `reports.queries`; the protection in `reports.disclosure`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from harbour.accounts.models import Province
from harbour.cases.models import ExploitationForm, Gender, Sector
from harbour.directory.models import Need
from harbour.reports.categories import DEMONYMS, country_name
from harbour.reports.models import AgeBand

UNKNOWN = "unknown"
FIRST_YEAR = 2015  # years before it are one category: few organisations kept records then
BEFORE_FIRST_YEAR = "before_2015"


@dataclass(frozen=True)
class Dimension:
    key: str
    label: Promise | str
    # The person can fall in several categories (forms of exploitation): the
    # margin then counts each person once and is not the sum of the cells.
    multi: bool = False

    def categories(self) -> list[tuple[str, str]]:
        """(code, label in the active language), in display order."""
        return CATEGORY_LISTS[self.key]()

    def codes(self) -> tuple[str, ...]:
        return tuple(code for code, _label in self.categories())


def _choices(
    choices: Sequence[tuple[str, Promise | str]], unknown: Promise | None = None
) -> list[tuple[str, str]]:
    items = [(str(code), str(label)) for code, label in choices if code]
    if unknown is not None and UNKNOWN not in {code for code, _label in items}:
        items.append((UNKNOWN, str(unknown)))
    return items


def year_codes(today: datetime.date | None = None) -> list[str]:
    this_year = (today or timezone.localdate()).year
    return [BEFORE_FIRST_YEAR, *(str(year) for year in range(FIRST_YEAR, this_year + 1)), UNKNOWN]


def _years() -> list[tuple[str, str]]:
    labels = {BEFORE_FIRST_YEAR: str(_("Before 2015")), UNKNOWN: str(_("Not recorded"))}
    return [(code, labels.get(code, code)) for code in year_codes()]


OTHER_COUNTRY = "other"


@cache
def _country_codes() -> tuple[str, ...]:
    """The countries listed one by one: those whose demonyms the mapping knows
    (frequent nationalities among migrant workers in Canada). Every other
    country counts as "another country": a table of all 249 would be almost
    all suppressed, and slow to protect."""
    return tuple(sorted(set(DEMONYMS.values())))


def _countries() -> list[tuple[str, str]]:
    language = get_language() or "en"
    named = sorted(
        ((code, country_name(code, language)) for code in _country_codes()),
        key=lambda item: item[1],
    )
    return [
        *named,
        (OTHER_COUNTRY, str(_("Another country"))),
        (UNKNOWN, str(_("Not recorded or not recognised"))),
    ]


SPAN_CODES = ("1", "2", "3_plus")


def _span(one: Promise, two: Promise, more: Promise) -> Callable[[], list[tuple[str, str]]]:
    return lambda: list(zip(SPAN_CODES, (str(one), str(two), str(more)), strict=True))


REFERRAL_KINDS = ("referral", "transfer", "outside")

CATEGORY_LISTS: dict[str, Callable[[], list[tuple[str, str]]]] = {
    "form": lambda: [*_choices(ExploitationForm.choices), ("none", str(_("Not recorded")))],
    "province": lambda: _choices(Province.choices, _("Not recorded")),
    "sector": lambda: _choices(Sector.choices),
    "nationality": _countries,
    "gender": lambda: _choices(Gender.choices),
    "age_band": lambda: _choices(AgeBand.choices),
    "year": _years,
    "need": lambda: [*_choices(Need.choices), ("none", str(_("Not recorded")))],
    "referral_kind": lambda: [
        ("referral", str(_("Referral on Harbour"))),
        ("transfer", str(_("Transfer on Harbour"))),
        ("outside", str(_("Referral outside Harbour"))),
    ],
    "organisations": _span(_("1 organisation"), _("2 organisations"), _("3 or more organisations")),
    "provinces": _span(_("1 province"), _("2 provinces"), _("3 or more provinces")),
}

FORM = Dimension("form", _("Form of exploitation"), multi=True)
PROVINCE = Dimension("province", _("Province or territory"))
SECTOR = Dimension("sector", _("Sector"))
NATIONALITY = Dimension("nationality", _("Nationality"))
GENDER = Dimension("gender", _("Gender"))
AGE_BAND = Dimension("age_band", _("Age at first contact"))
YEAR = Dimension("year", _("Year of first contact"))
CASE_YEAR = Dimension("year", _("Year the case was opened"))
CASE_PROVINCE = Dimension("province", _("Province of the case"))
NEED = Dimension("need", _("Need"))
REFERRAL_KIND = Dimension("referral_kind", _("Kind of referral"))
ORGANISATIONS = Dimension("organisations", _("Organisations the network spans"))
PROVINCES = Dimension("provinces", _("Provinces the network spans"))

# Dimensions a dashboard filter may fix (people tables only).
FILTER_DIMENSIONS = {dimension.key: dimension for dimension in (PROVINCE, GENDER, AGE_BAND, YEAR)}


class Unit:
    PEOPLE = "people"
    CASES = "cases"
    REFERRALS = "referrals"
    NETWORKS = "networks"


UNIT_LABELS = {
    Unit.PEOPLE: _("people"),
    Unit.CASES: _("cases"),
    Unit.REFERRALS: _("referrals"),
    Unit.NETWORKS: _("networks"),
}


@dataclass(frozen=True)
class TableDefinition:
    key: str
    title: Promise | str
    description: Promise | str
    unit: str
    rows: Dimension
    cols: Dimension

    @property
    def filterable(self) -> bool:
        return self.unit == Unit.PEOPLE


DASHBOARD_TABLES: tuple[TableDefinition, ...] = (
    TableDefinition(
        "people_by_form_province",
        _("People by form of exploitation and province"),
        _(
            "People whose cases record each form of exploitation. A person with several forms "
            "counts under each, and once in the totals."
        ),
        Unit.PEOPLE,
        FORM,
        PROVINCE,
    ),
    TableDefinition(
        "people_by_sector_province",
        _("People by sector and province"),
        _("The sector and province of the person's first case."),
        Unit.PEOPLE,
        SECTOR,
        PROVINCE,
    ),
    TableDefinition(
        "people_by_nationality_gender",
        _("People by nationality and gender"),
        _(
            "Nationality as a country mapped from what staff recorded; countries with no one "
            "are left out of the page."
        ),
        Unit.PEOPLE,
        NATIONALITY,
        GENDER,
    ),
    TableDefinition(
        "people_by_age_gender",
        _("People by age at first contact and gender"),
        _("Age at the opening of the person's first case."),
        Unit.PEOPLE,
        AGE_BAND,
        GENDER,
    ),
    TableDefinition(
        "people_by_year_province",
        _("People by year of first contact and province"),
        _("The year the person's first case was opened."),
        Unit.PEOPLE,
        YEAR,
        PROVINCE,
    ),
    TableDefinition(
        "cases_by_year_province",
        _("Cases by year opened and province"),
        _("Cases, not people: a person with two cases counts twice."),
        Unit.CASES,
        CASE_YEAR,
        CASE_PROVINCE,
    ),
    TableDefinition(
        "referrals_by_need_kind",
        _("Referrals by need and kind"),
        _("Referrals and transfers on Harbour and referrals to services outside it."),
        Unit.REFERRALS,
        NEED,
        REFERRAL_KIND,
    ),
    TableDefinition(
        "networks_by_span",
        _("Networks by organisations and provinces spanned"),
        _(
            "Networks of exploitation found by linkage (shared employers, recruiters, "
            "addresses or phones), by how many organisations and provinces their cases span."
        ),
        Unit.NETWORKS,
        ORGANISATIONS,
        PROVINCES,
    ),
)

TABLES_BY_KEY = {table.key: table for table in DASHBOARD_TABLES}
