from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from harbour.accounts.models import Organisation, Province
from harbour.directory.models import (
    Language,
    Need,
    OutsideStatus,
    Service,
    Urgency,
    pack,
    unpack,
)

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ServiceFilterForm(forms.Form):
    q = forms.CharField(label=_("Name, organisation or region"), required=False, max_length=100)
    need = forms.ChoiceField(label=_("Need"), required=False)
    province = forms.ChoiceField(label=_("Province or territory"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["need"].choices = everything + list(Need.choices)  # type: ignore[attr-defined]
        self.fields["province"].choices = everything + list(Province.choices)  # type: ignore[attr-defined]
        self.fields["language"].choices = everything + list(Language.choices)  # type: ignore[attr-defined]


class ServiceForm(forms.ModelForm):
    """Edits never pass `instance`: the service layer applies cleaned data,
    so the audit sees exactly which fields changed."""

    provider_name = forms.CharField(label=_("Organisation offering the service"), max_length=200)
    need_list = forms.MultipleChoiceField(
        label=_("Needs served"), choices=Need.choices, widget=forms.CheckboxSelectMultiple
    )
    province_list = forms.MultipleChoiceField(
        label=_("Provinces and territories served"),
        choices=Province.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")
    language_list = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Service
        fields = (
            "name",
            "name_fr",
            "description",
            "description_fr",
            "regions",
            "eligibility",
            "cost",
            "phone",
            "email",
            "website",
            "hours",
            "last_verified",
        )
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "description_fr": forms.Textarea(attrs={"rows": 3}),
            "eligibility": forms.Textarea(attrs={"rows": 2}),
            "last_verified": _DATE,
        }
        help_texts = {
            "regions": _("Cities or regions within the provinces, if not all of them."),
            "last_verified": _("When someone last confirmed these details with the service."),
        }

    field_order = ["provider_name", "name", "name_fr"]

    @staticmethod
    def initial_for(service: Service) -> dict[str, Any]:
        from django.forms.models import model_to_dict

        return {
            **model_to_dict(service, fields=ServiceForm.Meta.fields),
            "provider_name": service.provider.name,
            "need_list": unpack(service.needs),
            "province_list": unpack(service.provinces),
            "language_list": unpack(service.languages),
        }

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["needs"] = pack(self.cleaned_data["need_list"])
        data["provinces"] = pack(self.cleaned_data["province_list"])
        data["languages"] = pack(self.cleaned_data.get("language_list") or [])
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.csv or .xlsx)"),
        help_text=_("Up to 10 MB. The first row names the columns."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


# --- Referrals and transfers ----------------------------------------------------------


class ReferForm(forms.Form):
    to_organisation = forms.ModelChoiceField(
        label=_("Organisation on Harbour"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Or choose one of its services below."),
    )
    service = forms.ModelChoiceField(
        label=_("Service (optional)"), queryset=Service.objects.none(), required=False
    )
    need = forms.ChoiceField(label=_("Need"), choices=Need.choices)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    languages = forms.MultipleChoiceField(
        label=_("Languages to work in"),
        choices=Language.choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    note = forms.CharField(
        label=_("Note for the receiving organisation"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "What you ask of them. Write it without names or other identifying details: "
            "the receiver sees it even without the person's consent."
        ),
    )
    # No help text: a single checkbox lays out label and box only (harbour.css);
    # the card above it explains the consent.
    share_personal = forms.BooleanField(
        label=_("Share the person's contact and identity details"), required=False
    )

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].queryset = Organisation.objects.exclude(  # type: ignore[attr-defined]
            pk=organisation_id
        ).order_by("name")
        self.fields["service"].queryset = (  # type: ignore[attr-defined]
            Service.objects.filter(is_active=True, provider__organisation__isnull=False)
            .exclude(provider__organisation_id=organisation_id)
            .select_related("provider")
            .order_by("name")
        )
        self.fields["service"].label_from_instance = _service_label  # type: ignore[attr-defined]


def _service_label(service: Service) -> str:
    return f"{service.name} ({service.provider.name})"


class TransferForm(forms.Form):
    to_organisation = forms.ModelChoiceField(
        label=_("Organisation on Harbour"), queryset=Organisation.objects.none()
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    note = forms.CharField(
        label=_("Note for the receiving organisation"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].queryset = Organisation.objects.exclude(  # type: ignore[attr-defined]
            pk=organisation_id
        ).order_by("name")


class OutsideReferralForm(forms.Form):
    service = forms.ModelChoiceField(
        label=_("Service in the directory"),
        queryset=Service.objects.none(),
        required=False,
    )
    name = forms.CharField(
        label=_("Or the service's name"),
        required=False,
        max_length=200,
        help_text=_("If it is not in the directory."),
    )
    need = forms.ChoiceField(label=_("Need"), choices=[("", "—"), *Need.choices], required=False)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = (  # type: ignore[attr-defined]
            Service.objects.filter(is_active=True, provider__organisation__isnull=True)
            .select_related("provider")
            .order_by("name")
        )
        self.fields["service"].label_from_instance = _service_label  # type: ignore[attr-defined]


class OutsideStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=OutsideStatus.choices)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you decline"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The sending organisation reads this."),
    )
