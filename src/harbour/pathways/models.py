"""The facts a caseworker confirmed for the protection navigator, per case.

Dates of entry, loss of status, claims and permits say a great deal about a
person's situation: the whole set is stored as one encrypted JSON document.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from harbour.cases.models import Case
from harbour.core.crypto import blind_index
from harbour.core.fields import EncryptedTextField
from harbour.core.normalise import normalise_document_number


class CaseFacts(models.Model):
    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, primary_key=True, related_name="pathway_facts"
    )
    # Only the facts staff entered or confirmed, as {name: JSON value}; facts the
    # records already give (person, case, screening) are read fresh each time.
    facts_json = EncryptedTextField(_("facts"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("navigator facts")
        verbose_name_plural = _("navigator facts")

    def __str__(self) -> str:
        return f"facts of {self.case_id}"

    @property
    def values(self) -> dict[str, Any]:
        loaded = json.loads(self.facts_json) if self.facts_json else {}
        return loaded if isinstance(loaded, dict) else {}

    @values.setter
    def values(self, data: dict[str, Any]) -> None:
        self.facts_json = json.dumps(data, sort_keys=True)


class SubmittedBy(models.TextChoices):
    """Who put the application in: it tells staff whom to ask about its status."""

    PERSON = "person", _("The person themselves")
    ORGANISATION = "organisation", _("Our organisation")
    LAWYER = "lawyer", _("A lawyer or licensed representative")
    OTHER = "other", _("Someone else")


class ApplicationOutcome(models.TextChoices):
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Application(models.Model):
    """An application made for one pathway of the navigator, e.g. a trafficking
    TRP. Its reference number and the list of documents sent say who the person
    is and what they went through: both are encrypted; the reference number has
    a blind index so that staff can find an application by it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="applications")
    # The pathway's knowledge id (its YAML file's `id`), checked against the
    # loaded rules when recorded; kept as text so that retiring a pathway from
    # the knowledge never deletes the history of what was applied for.
    pathway_id = models.CharField(_("pathway"), max_length=80)
    submitted_on = models.DateField(_("submitted on"))
    submitted_by = models.CharField(_("submitted by"), max_length=20, choices=SubmittedBy.choices)
    reference_number = EncryptedTextField(_("reference number"), blank=True)
    reference_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    documents_sent = EncryptedTextField(_("documents sent"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["submitted_on", "created_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [models.Index(fields=["case", "submitted_on"])]

    def __str__(self) -> str:
        return f"{self.pathway_id} application {self.id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.reference_index = reference_index_for(self.reference_number)
        super().save(*args, **kwargs)

    @property
    def is_pending(self) -> bool:
        return not hasattr(self, "decision")


def reference_index_for(raw: str) -> str:
    """The blind index of a reference number, compared as a document number
    (case, spaces and dashes do not matter)."""
    normalised = normalise_document_number(raw or "")
    return blind_index("application-reference", normalised) if normalised else ""


class Decision(models.Model):
    """What came of an application. Withdrawn counts as a decision: nothing is
    pending any more."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="decision"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=ApplicationOutcome.choices)
    decided_on = models.DateField(_("decided on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    conditions = EncryptedTextField(_("conditions"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"{self.outcome} on {self.decided_on}"
