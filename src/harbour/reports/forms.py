"""The dashboard's filters and the release form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from harbour.reports.services import MAX_EPSILON_PER_RELEASE
from harbour.reports.tables import FILTER_DIMENSIONS

# More fixed dimensions than this make slices too thin to publish anything.
MAX_FILTERS = 2


class DashboardFilterForm(forms.Form):
    """Each filter fixes one people dimension; tables become slices, each
    protected with its own margins."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, dimension in FILTER_DIMENSIONS.items():
            self.fields[key] = forms.ChoiceField(
                label=str(dimension.label),
                required=False,
                choices=[("", _("All")), *dimension.categories()],
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = [key for key in FILTER_DIMENSIONS if data.get(key)]
        if len(chosen) > MAX_FILTERS:
            raise forms.ValidationError(
                _("Choose at most two filters: with more, every figure would be too small to show.")
            )
        return data

    def filters(self) -> tuple[tuple[str, str], ...]:
        return tuple(
            (key, self.cleaned_data[key]) for key in FILTER_DIMENSIONS if self.cleaned_data.get(key)
        )


class ReleaseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    epsilon = forms.FloatField(
        label=_("Differential privacy ε (optional)"),
        required=False,
        min_value=0.01,
        max_value=MAX_EPSILON_PER_RELEASE,
        help_text=_(
            "Leave empty for suppression and rounding only. At most 1 per release, 4 a year."
        ),
    )


class PublicForm(forms.Form):
    public = forms.BooleanField(required=False)
