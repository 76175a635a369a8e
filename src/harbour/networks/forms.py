from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from harbour.accounts.models import Organisation
from harbour.networks.models import MentionRole


class MentionForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MentionRole.choices)
    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=300,
        help_text=_("For a business, its legal name (“1234567 Ontario Inc.”)."),
    )
    other_name = forms.CharField(
        label=_("Operating name or other name"), required=False, max_length=300
    )
    phones = forms.CharField(
        label=_("Phones"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One a line, in any format."),
    )
    address = forms.CharField(label=_("Address"), required=False, max_length=500)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class MergeForm(forms.Form):
    other = forms.ChoiceField(label=_("The same party as"))

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["other"].choices = choices  # type: ignore[attr-defined]


class SharingForm(forms.Form):
    contact = forms.CharField(
        label=_("Contact for other organisations"),
        required=False,
        max_length=200,
        help_text=_(
            "A work email or phone; shown beside the count of your cases in a shared network."
        ),
    )
    shares_with = forms.ModelMultipleChoiceField(
        label=_("Share case references with"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["shares_with"]
        field.queryset = Organisation.objects.exclude(pk=organisation_id)  # type: ignore[attr-defined]
