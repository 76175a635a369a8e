"""Forms for an application and its decision. They check the shape of what was
typed; the rules (a known pathway, dates in order) are the service's, whose
errors the view puts back on the field they name."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from harbour.pathways.applications import TEXT_LIMITS, pathways_by_id
from harbour.pathways.models import ApplicationOutcome, SubmittedBy
from harbour.screening.templatetags.screening_text import in_language

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def pathway_choices() -> list[tuple[str, Any]]:
    """Every pathway the knowledge holds, by title in the page's language."""
    titled = [(pathway.id, in_language(pathway.title)) for pathway in pathways_by_id().values()]
    return [("", _("Choose a pathway")), *sorted(titled, key=lambda choice: choice[1].casefold())]


class ApplicationForm(forms.Form):
    pathway_id = forms.ChoiceField(label=_("Pathway applied for"))
    submitted_on = forms.DateField(label=_("Submitted on"), widget=_DATE)
    submitted_by = forms.ChoiceField(
        label=_("Submitted by"), choices=[("", "—"), *SubmittedBy.choices]
    )
    reference_number = forms.CharField(
        label=_("Reference number"),
        required=False,
        max_length=TEXT_LIMITS["reference_number"],
        help_text=_(
            "The file or application number the authority gave. Stored encrypted; "
            "shown only on this application's page."
        ),
    )
    documents_sent = forms.CharField(
        label=_("Documents sent"),
        required=False,
        max_length=TEXT_LIMITS["documents_sent"],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line, e.g. the support letter, identity documents, evidence."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Read when the form is made: the knowledge may have changed since import.
        cast(forms.ChoiceField, self.fields["pathway_id"]).choices = pathway_choices()


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", "—"), *ApplicationOutcome.choices]
    )
    decided_on = forms.DateField(
        label=_("Decided on"),
        widget=_DATE,
        help_text=_("For a withdrawal, the day it was withdrawn."),
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=_DATE,
        help_text=_(
            "For a granted permit or status that ends: renewal tasks are added 90, 30 and "
            "7 days before."
        ),
    )
    conditions = forms.CharField(
        label=_("Conditions"),
        required=False,
        max_length=TEXT_LIMITS["conditions"],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Conditions of the decision, or the reasons given for a refusal."),
    )
