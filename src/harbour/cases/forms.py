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


def staff_who_can_open(case: Case) -> Any:
    """Active staff who may open the case: everyone org-wide, plus its assigned staff."""
    from django.db.models import Q

    from harbour.accounts.models import ORG_WIDE_CASE_ROLES

    return (
        User.objects.filter(is_active=True, membership__organisation_id=case.organisation_id)
        .filter(
            Q(membership__role__in=[role.value for role in ORG_WIDE_CASE_ROLES])
            | Q(membership__role__in=[role.value for role in CASE_ROLES], assigned_cases=case)
        )
        .distinct()
        .order_by("username")
    )


class TaskForm(forms.Form):
    """Tasks are typed by staff: the title may name people, so it is encrypted
    and never leaves Harbour (calendars and e-mails show none of it)."""

    title = forms.CharField(label=_("Task"), max_length=500)
    due_on = forms.DateField(label=_("Due on"), widget=_DATE)
    assigned_to = forms.ModelChoiceField(
        label=_("Assigned to"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody yet"),
    )
    reminder_days = forms.CharField(
        label=_("Reminders (days before)"),
        required=False,
        max_length=40,
        initial="7,1",
        help_text=_("Days before the due date, separated by commas, for example 30,7,1."),
    )
    details = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = staff_who_can_open(case)  # type: ignore[attr-defined]
        self.fields["assigned_to"].label_from_instance = lambda user: user.get_username()  # type: ignore[attr-defined]

    def clean_reminder_days(self) -> str:
        from harbour.cases.models import format_reminder_days, parse_reminder_days

        try:
            return format_reminder_days(parse_reminder_days(self.cleaned_data["reminder_days"]))
        except ValueError as problem:
            raise forms.ValidationError(str(problem)) from None


DUE_WINDOWS = [
    ("", _("Any date")),
    ("overdue", _("Overdue")),
    ("7", _("Due within 7 days")),
    ("30", _("Due within 30 days")),
    ("90", _("Due within 90 days")),
]


class DeadlineFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    due = forms.ChoiceField(label=_("Due"), required=False, choices=DUE_WINDOWS)
    assignee = forms.ModelChoiceField(
        label=_("Assigned to"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Anyone"),
    )

    def __init__(self, *args: Any, organisation_id: int | None = None, **kwargs: Any) -> None:
        from harbour.cases.models import TaskStatus

        super().__init__(*args, **kwargs)
        closed = [(value, label) for value, label in TaskStatus.choices if value != TaskStatus.OPEN]
        choices = [("", _("Open")), *closed, ("all", _("All"))]
        self.fields["status"].choices = choices  # type: ignore[attr-defined]
        if organisation_id is None:
            del self.fields["assignee"]
        else:
            self.fields["assignee"].queryset = User.objects.filter(  # type: ignore[attr-defined]
                membership__organisation_id=organisation_id,
                membership__role__in=[role.value for role in CASE_ROLES],
            ).order_by("username")
            self.fields["assignee"].label_from_instance = lambda user: user.get_username()  # type: ignore[attr-defined]


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"))
    given_on = forms.DateField(label=_("Given on"), widget=_DATE, required=False)
    method = forms.ChoiceField(label=_("How it was given"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from harbour.cases.models import ConsentMethod, ConsentPurpose

        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = ConsentPurpose.choices  # type: ignore[attr-defined]
        self.fields["method"].choices = ConsentMethod.choices  # type: ignore[attr-defined]
        self.fields["given_on"].help_text = _("Leave empty for today.")


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("File"), allow_empty_file=True)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=2000,
        help_text=_("What the document is, for example: pay slips March to May."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from django.conf import settings

        from harbour.cases.documents import allowed_kinds_text

        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("At most %(limit)s MB. Allowed: %(kinds)s.") % {
            "limit": settings.UPLOAD_MAX_MB,
            "kinds": allowed_kinds_text(),
        }


class ExportForm(forms.Form):
    password = forms.CharField(
        label=_("Password for the archive"),
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    confirm = forms.CharField(
        label=_("The same password again"),
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from django.conf import settings

        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = _(
            "At least %(count)s characters. Harbour does not keep it: give it to the receiver "
            "by another way than the archive (by phone, not in the same e-mail)."
        ) % {"count": settings.EXPORT_MIN_PASSWORD_LENGTH}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("confirm") and data["password"] != data["confirm"]:
            self.add_error("confirm", _("The two passwords differ."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ClosureRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the case can close"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ClosureDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve: close the case")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignForm(forms.Form):
    staff = forms.ModelMultipleChoiceField(
        label=_("Assigned staff"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            membership__organisation_id=organisation_id,
            membership__role__in=[role.value for role in CASE_ROLES],
            is_active=True,
        ).order_by("username")
        self.fields["staff"].label_from_instance = lambda user: user.get_username()  # type: ignore[attr-defined]


class TimelineFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Show"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from harbour.cases.timeline import KINDS

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Everything")), *KINDS.items()]  # type: ignore[attr-defined]


class NeedForm(forms.Form):
    """A need put on the case plan. The note is narrative and encrypted."""

    domain = forms.ChoiceField(label=_("Need"))
    priority = forms.ChoiceField(label=_("Priority"), initial="normal")
    identified_on = forms.DateField(
        label=_("Identified on"),
        widget=_DATE,
        required=False,
        help_text=_("Leave empty for today."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the person needs, in their words where possible."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from harbour.cases.models import NeedDomain, NeedPriority

        super().__init__(*args, **kwargs)
        self.fields["domain"].choices = NeedDomain.choices  # type: ignore[attr-defined]
        self.fields["priority"].choices = NeedPriority.choices  # type: ignore[attr-defined]

    def clean_identified_on(self) -> Any:
        return self.cleaned_data["identified_on"] or None


class NeedUpdateForm(forms.Form):
    priority = forms.ChoiceField(label=_("Priority"))
    status = forms.ChoiceField(label=_("Status"))
    note = forms.CharField(
        label=_("Note"), required=False, max_length=20_000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from harbour.cases.models import NeedPriority, NeedStatus

        super().__init__(*args, **kwargs)
        self.fields["priority"].choices = NeedPriority.choices  # type: ignore[attr-defined]
        self.fields["status"].choices = NeedStatus.choices  # type: ignore[attr-defined]


class PlanActionForm(forms.Form):
    """An action of the plan is a task linked to the need: it has an owner
    (whoever adds it, unless someone else is chosen) and a due date."""

    title = forms.CharField(label=_("Action"), max_length=500)
    due_on = forms.DateField(label=_("Due on"), widget=_DATE)
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Me"),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_who_can_open(case)  # type: ignore[attr-defined]
        self.fields["owner"].label_from_instance = lambda user: user.get_username()  # type: ignore[attr-defined]
