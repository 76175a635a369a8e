"""The navigator's forms: one field per fact, built from the rules' fact list.

Every fact may stay unknown: yes/no facts have a third answer, choices an empty
option, dates may be left blank. The engine then says which pathways the
missing facts would decide.
"""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from harbour.pathways import engine
from harbour.pathways.facts import FACT_GROUPS, VALUE_LABELS, fact_label
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


class NavigatorForm(forms.Form):
    """The facts, and the day to evaluate them on."""

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
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.origins = origins or {}
        self.fields["as_of"].initial = timezone.localdate()
        for _title, names in FACT_GROUPS:
            for name in names:
                self.fields[name] = _field_for(name)
                if facts is not None:
                    self.fields[name].initial = _initial(name, getattr(facts, name))

    def groups(self) -> list[tuple[Any, list[tuple[forms.BoundField, str | None]]]]:
        """Fields by group, each with where its value came from (when the
        records gave it), so staff know what they are confirming."""
        return [
            (title, [(self[name], self.origins.get(name)) for name in names])
            for title, names in FACT_GROUPS
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            self._facts = engine.Facts(**self._fact_values(cleaned))
        except engine.FactsError as error:  # the fields' choices make this rare
            raise forms.ValidationError(str(error)) from None
        return cleaned

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
