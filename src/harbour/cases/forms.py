from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from harbour.accounts.models import CASE_ROLES, User
from harbour.cases.models import Case, ExploitationForm, Person
from harbour.cases.services import CASE_FIELDS, PERSON_FIELDS

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonForm(forms.ModelForm):
    """Edits never pass `instance`: views give `initial`, and the service
    applies cleaned data, so the audit sees exactly which fields changed."""

    class Meta:
        model = Person
        fields = PERSON_FIELDS
        widgets = {
            "legal_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "contact_notes": forms.Textarea(attrs={"rows": 2}),
            "identity_document_number": forms.TextInput(attrs={"autocomplete": "off"}),
            "permit_number": forms.TextInput(attrs={"autocomplete": "off"}),
            "nationality": forms.TextInput(),
            "languages": forms.TextInput(),
            "date_of_birth": _DATE,
            "permit_expiry": _DATE,
        }
        help_texts = {
            "pseudonym": _(
                "Shown in lists. Choose a name that says nothing about the person "
                "(not initials, not part of the real name)."
            ),
            "contact_notes": _("Only a safe way to reach the person, and when."),
            "languages": _("For example: Spanish, Tagalog (interpreter needed)"),
        }


class CaseForm(forms.ModelForm):
    forms_of_exploitation = forms.MultipleChoiceField(
        label=_("Forms of exploitation"),
        choices=ExploitationForm.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    assigned_staff = forms.ModelMultipleChoiceField(
        label=_("Assigned staff"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty to assign yourself."),
    )

    class Meta:
        model = Case
        fields = CASE_FIELDS
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 5}),
            "opened_on": _DATE,
            "closed_on": _DATE,
        }
        help_texts = {
            "summary": _("What happened and what the person wants, in their words where possible."),
        }

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assigned_staff"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            membership__organisation_id=organisation_id,
            membership__role__in=[role.value for role in CASE_ROLES],
            is_active=True,
        ).order_by("username")
        self.fields["opened_on"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opened, closed = data.get("opened_on"), data.get("closed_on")
        if opened and closed and closed < opened:
            self.add_error("closed_on", _("A case cannot close before it opened."))
        return data


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("New note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20_000
    )


class IdentifierSearchForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Search by"),
        choices=[("phone", _("Phone number")), ("document", _("Document or permit number"))],
    )
    value = forms.CharField(
        label=_("Exact number"),
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Pseudonym or reference"), required=False, max_length=80)
    status = forms.ChoiceField(label=_("Status"), required=False)
    form = forms.ChoiceField(label=_("Form of exploitation"), required=False)
    province = forms.ChoiceField(label=_("Province"), required=False)
    mine = forms.BooleanField(label=_("Only my cases"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from harbour.accounts.models import Province
        from harbour.cases.models import CaseStatus

        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["status"].choices = everything + list(CaseStatus.choices)  # type: ignore[attr-defined]
        self.fields["form"].choices = everything + list(ExploitationForm.choices)  # type: ignore[attr-defined]
        self.fields["province"].choices = everything + list(Province.choices)  # type: ignore[attr-defined]
