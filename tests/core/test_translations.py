"""The French catalogues are complete, compiled, and used by the staff pages.

Staff strings live in the main catalogue (src/harbour/locale/fr/LC_MESSAGES/django.po)
and in the catalogues of the apps that keep their own (`OWN_CATALOGUES`, as in the
Makefile). When a test here fails after a template or Python string changed: run
`make messages`, translate the new entries in the French .po it names (no fuzzy
entries, no empty msgstr) and run `make messages` again to compile them. The public
site's eight languages are checked in tests/public/test_translations.py.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from harbour.accounts.models import User

SOURCE = Path(__file__).resolve().parents[2] / "src" / "harbour"
CATALOGUE = Path("locale", "fr", "LC_MESSAGES", "django.po")
FIX = "run `make messages`, translate the new entries in the French .po, then run it again"
# Apps with a catalogue of their own (the Makefile's OWN_CATALOGUES): the main catalogue
# leaves them out. `public` is checked with its eight languages elsewhere.
OWN_CATALOGUES = ("reports", "public")
STAFF_CATALOGUES = {"main": SOURCE, "reports": SOURCE / "reports"}

PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.msgctxt, self.msgid, self.msgid_plural)

    def __str__(self) -> str:
        context = f"[{self.msgctxt}] " if self.msgctxt is not None else ""
        return context + repr(self.msgid)


def _unquote(text: str) -> str:
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda match: escapes[match.group(1)], text.strip()[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """A small reader for the subset of the PO format that `makemessages` writes."""
    entries: list[Entry] = []
    entry = Entry()
    started = False
    target: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal entry, started, target
        if started:
            entries.append(entry)
        entry, started, target = Entry(), False, None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#~"):
            continue  # obsolete entry: gettext ignores it
        elif line.startswith("#,"):
            if started:
                finish()
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif match := re.match(
            r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$", line
        ):
            keyword, index, text = match.groups()
            if keyword in ("msgctxt", "msgid") and started and entry.msgstr:
                finish()
            started = True
            target = (keyword, int(index or 0))
            _store(entry, target, _unquote(text))
        elif line.startswith('"') and target:
            _store(entry, target, _unquote(line), append=True)
        else:
            raise AssertionError(f"{path.name}: cannot read the line {raw!r}")
    finish()
    return entries


def _store(entry: Entry, target: tuple[str, int], text: str, append: bool = False) -> None:
    keyword, index = target
    if keyword == "msgstr":
        entry.msgstr[index] = (entry.msgstr.get(index, "") if append else "") + text
    else:
        previous = (getattr(entry, keyword) or "") if append else ""
        setattr(entry, keyword, previous + text)


@pytest.fixture(scope="module", params=sorted(STAFF_CATALOGUES))
def catalogue_root(request: pytest.FixtureRequest) -> Path:
    """The folder whose locale/ holds one of the staff catalogues."""
    return STAFF_CATALOGUES[request.param]


@pytest.fixture(scope="module")
def catalogue(catalogue_root: Path) -> list[Entry]:
    po_file = catalogue_root / CATALOGUE
    assert po_file.exists(), f"{po_file} is missing: {FIX}"
    return [entry for entry in parse_po(po_file) if entry.msgid or entry.msgctxt]


def test_the_french_catalogue_has_no_untranslated_or_fuzzy_entries(catalogue, catalogue_root):
    if catalogue_root == SOURCE:
        assert len(catalogue) > 100, "the French catalogue looks truncated"
    fuzzy = [str(entry) for entry in catalogue if "fuzzy" in entry.flags]
    untranslated = [
        str(entry)
        for entry in catalogue
        if not entry.msgstr
        or not all(entry.msgstr.values())
        or (entry.msgid_plural is not None and sorted(entry.msgstr) != [0, 1])
    ]
    assert not fuzzy, f"fuzzy French entries (check, then remove the flag): {fuzzy}"
    assert not untranslated, f"untranslated French entries ({FIX}): {untranslated}"


def test_the_french_catalogue_header_declares_french_plurals(catalogue_root):
    po_file = catalogue_root / CATALOGUE
    header = next(entry for entry in parse_po(po_file) if not entry.msgid and not entry.msgctxt)
    assert "Language: fr\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n > 1);\n" in header.msgstr[0]
    assert "fuzzy" not in header.flags, "msgfmt skips a fuzzy header and loses the plural rule"


def test_french_translations_keep_every_placeholder_of_the_english_text(catalogue):
    broken = []
    for entry in catalogue:
        for index, text in entry.msgstr.items():
            english = entry.msgid if index == 0 else entry.msgid_plural or entry.msgid
            if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(english)):
                broken.append(f"{entry} -> {text!r}")
    assert not broken, f"placeholders differ between English and French: {broken}"


def test_the_compiled_catalogue_matches_the_po_file(catalogue, catalogue_root):
    # Django looks in the main catalogue first: an app's entry that the main catalogue
    # translates differently shows here as stale, which is the conflict to fix.
    mo_file = (catalogue_root / CATALOGUE).with_suffix(".mo")
    assert mo_file.exists(), f"{mo_file} is missing: {FIX}"
    stale = []
    with translation.override("fr"):
        for entry in catalogue:
            for count, index in ((1, 0), (2, 1)) if entry.msgid_plural is not None else ((1, 0),):
                if entry.msgid_plural is not None and entry.msgctxt is not None:
                    text = translation.npgettext(
                        entry.msgctxt, entry.msgid, entry.msgid_plural, count
                    )
                elif entry.msgid_plural is not None:
                    text = translation.ngettext(entry.msgid, entry.msgid_plural, count)
                elif entry.msgctxt is not None:
                    text = translation.pgettext(entry.msgctxt, entry.msgid)
                else:
                    text = translation.gettext(entry.msgid)
                if text != entry.msgstr[index]:
                    stale.append(f"{entry}: got {text!r}, the .po says {entry.msgstr[index]!r}")
    assert not stale, f"django.mo is older than django.po ({FIX}): {stale}"


def test_every_translatable_string_in_the_sources_is_in_the_french_catalogue(
    tmp_path, catalogue, catalogue_root
):
    if shutil.which("xgettext") is None:
        pytest.skip("GNU gettext is missing (apt-get install gettext): cannot collect strings")
    # `make messages` runs makemessages in src/harbour without Django settings, so it only
    # sees ./locale. Do the same on a copy: with the test settings, LOCALE_PATHS would
    # point makemessages at the real catalogue and rewrite it.
    copy = tmp_path / "harbour"
    shutil.copytree(SOURCE, copy, ignore=shutil.ignore_patterns("__pycache__", "static"))
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    where = copy / catalogue_root.relative_to(SOURCE)
    ignored = [f"--ignore={app}/*" for app in OWN_CATALOGUES] if catalogue_root == SOURCE else []
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "fr",
            "--no-obsolete",
            "--no-location",
            *ignored,
        ],
        cwd=where,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    fresh = [entry for entry in parse_po(where / CATALOGUE) if entry.msgid]
    known = {entry.key for entry in catalogue}
    missing = sorted(str(entry) for entry in fresh if entry.key not in known)
    assert not missing, f"strings missing from the French catalogue ({FIX}): {missing}"


@pytest.mark.parametrize("preference", ["Accept-Language header", "language cookie"])
def test_a_signed_in_staff_page_renders_in_french_when_asked(
    preference: str, signed_in: Callable[[User], Client], caseworker: User
) -> None:
    client = signed_in(caseworker)
    if preference == "language cookie":
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
        response = client.get(reverse("cases:dashboard"))
    else:
        response = client.get(reverse("cases:dashboard"), HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="fr">' in page
    assert "Tableau de bord" in page
    assert "Nouveau dossier" in page
    assert "Intervenant(e)" in page  # the role, a model choice translated lazily
    assert "Se déconnecter" in page
    assert "Dashboard" not in page


def test_a_signed_in_staff_page_stays_in_english_by_default(
    signed_in: Callable[[User], Client], caseworker: User
) -> None:
    response = signed_in(caseworker).get(reverse("cases:dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "Dashboard" in page
    assert "Tableau de bord" not in page
