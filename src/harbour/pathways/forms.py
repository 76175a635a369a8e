"""The navigator's forms: one field per fact, built from the rules' fact list.

Every fact may stay unknown: yes/no facts have a third answer, choices an empty
option, dates may be left blank. The engine then says which pathways the
missing facts would decide.

From a case, each fact also says how it is known: stated by the person,
documented (with one of the case's documents) or assumed by staff. Letters
assert only stated or documented facts.
"""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from harbour.pathways import engine
from harbour.pathways.facts import (
    ENTERED_SOURCES,
    FACT_GROUPS,
    PROVENANCE_LABELS,
    VALUE_LABELS,
    fact_label,
)
from harbour.pathways.rules import FACT_SPECS

UNKNOWN = "unknown"
TRI_STATE = [("yes", _("Yes")), ("no", _("No")), (UNKNOWN, _("Don't know"))]
_AS_BOOL: dict[str, bool | None] = {"yes": True, "no": False, UNKNOWN: None}
LETTER_LANGUAGES = [("en", "English"), ("fr", "Français")]


def _field_for(name: str) -> forms.Field:
    kind, allowed = FACT_SPECS[name]
    label = fact_label(name)
    if kind == "bool":
        # Not required: a fact left out is unknown, like one answered "don't know".
        return forms.ChoiceField(
            label=label,
            choices=TRI_STATE,
            initial=UNKNOWN,
            required=False,
            widget=forms.RadioSelect,
        )
    if kind == "date":
        return forms.DateField(
            label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
        )
    labels = VALUE_LABELS.get(name, {})
    choices = [("", _("Unknown")), *[(value, labels.get(value, value)) for value in allowed]]
    return forms.ChoiceField(label=label, choices=choices, required=False)


def _initial(name: str, value: Any) -> Any:
    if FACT_SPECS[name][0] == "bool":
        return {True: "yes", False: "no", None: UNKNOWN}[value]
    return value if value is not None else ""


SOURCE_SUFFIX = "__source"
ProvenanceFields = tuple[forms.BoundField, ...]
DOCUMENT_SUFFIX = "__document"


def _provenance_fields(name: str, documents: list[tuple[str, str]]) -> dict[str, forms.Field]:
    """How a fact is known; a document to point at only when the case has some."""
    label = fact_label(name)
    sources = [s for s in ENTERED_SOURCES if documents or s != "documented"]
    fields: dict[str, forms.Field] = {
        name + SOURCE_SUFFIX: forms.ChoiceField(
            label=_("How is this known? (%(fact)s)") % {"fact": label},
            choices=[("", _("Not said")), *[(s, PROVENANCE_LABELS[s]) for s in sources]],
            required=False,
        )
    }
    if documents:
        fields[name + DOCUMENT_SUFFIX] = forms.ChoiceField(
            label=_("Document showing it (%(fact)s)") % {"fact": label},
            choices=[("", _("No document")), *documents],
            required=False,
        )
    return fields


class NavigatorForm(forms.Form):
    """The facts, and the day to evaluate them on; from a case (`documents` given,
    as (id, name) pairs), how each fact is known."""

    as_of = forms.DateField(
        label=_("Evaluate as of"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The rules in force on this day apply. Today unless you change it."),
    )

    def __init__(
        self,
        *args: Any,
        facts: engine.Facts | None = None,
        origins: dict[str, str] | None = None,
        documents: list[tuple[str, str]] | None = None,
        sources: dict[str, engine.Provenance] | None = None,
        recorded: frozenset[str] = frozenset(),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.origins = origins or {}
        self.with_provenance = documents is not None
        self.fields["as_of"].initial = timezone.localdate()
        for _title, names in FACT_GROUPS:
            for name in names:
                self.fields[name] = _field_for(name)
                if facts is not None:
                    self.fields[name].initial = _initial(name, getattr(facts, name))
                if documents is None:
                    continue
                self.fields.update(_provenance_fields(name, documents))
                given = (sources or {}).get(name)
                # The records' own provenance is shown as text; staff's is a choice.
                if given is not None and name in recorded:
                    self.fields[name + SOURCE_SUFFIX].initial = given.source
                    if name + DOCUMENT_SUFFIX in self.fields:
                        self.fields[name + DOCUMENT_SUFFIX].initial = given.document or ""

    def groups(
        self,
    ) -> list[tuple[Any, list[tuple[forms.BoundField, str | None, ProvenanceFields | None]]]]:
        """Fields by group, each with where its value came from (when the
        records gave it), so staff know what they are confirming, and from a
        case the fields saying how staff know it."""
        return [
            (
                title,
                [(self[name], self.origins.get(name), self._provenance(name)) for name in names],
            )
            for title, names in FACT_GROUPS
        ]

    def _provenance(self, name: str) -> ProvenanceFields | None:
        if not self.with_provenance:
            return None
        names = (name + SOURCE_SUFFIX, name + DOCUMENT_SUFFIX)
        return tuple(self[n] for n in names if n in self.fields)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            self._facts = engine.Facts(**self._fact_values(cleaned))
        except engine.FactsError as error:  # the fields' choices make this rare
            raise forms.ValidationError(str(error)) from None
        self._sources: dict[str, engine.Provenance] = {}
        if self.with_provenance:
            for name in FACT_SPECS:
                source = cleaned.get(name + SOURCE_SUFFIX) or ""
                document = cleaned.get(name + DOCUMENT_SUFFIX) or ""
                if document:
                    source = "documented"  # naming a document says how it is known
                if source == "documented" and not document:
                    self.add_error(
                        name + DOCUMENT_SUFFIX,
                        _("Choose the document that shows this fact, or another answer."),
                    )
                    continue
                if source and getattr(self._facts, name) is not None:
                    self._sources[name] = engine.Provenance(source, document or None)
        return cleaned

    @property
    def sources(self) -> dict[str, engine.Provenance]:
        """How each known fact is known, where staff said."""
        return self._sources

    @staticmethod
    def _fact_values(cleaned: dict[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name in FACT_SPECS:
            raw = cleaned.get(name)
            kind = FACT_SPECS[name][0]
            if kind == "bool":
                values[name] = _AS_BOOL.get(raw or UNKNOWN)
            else:
                values[name] = raw or None
        return values

    @property
    def facts(self) -> engine.Facts:
        return self._facts

    @property
    def as_of_date(self) -> datetime.date:
        value: datetime.date = self.cleaned_data["as_of"]
        return value


class DeadlinesForm(forms.Form):
    """Which computed deadlines to add to the case as tasks."""

    deadlines = forms.MultipleChoiceField(
        label=_("Deadlines to add"), widget=forms.CheckboxSelectMultiple
    )
    as_of = forms.DateField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        deadlines = cast(forms.MultipleChoiceField, self.fields["deadlines"])
        deadlines.choices = choices
        deadlines.initial = [key for key, _label in choices]


class LetterForm(forms.Form):
    language = forms.ChoiceField(label=_("Letter language"), choices=LETTER_LANGUAGES)
