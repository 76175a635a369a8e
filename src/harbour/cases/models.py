"""People, cases and notes. Identifying and narrative fields are encrypted;
see docs/data-classification.md for each field's level."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from harbour.accounts.models import Organisation, Province
from harbour.core.crypto import blind_index
from harbour.core.fields import EncryptedDateField, EncryptedTextField
from harbour.core.normalise import normalise_document_number, normalise_phone


class ImmigrationStatus(models.TextChoices):
    CITIZEN_OR_PR = "citizen_pr", _("Citizen or permanent resident")
    TEMPORARY_WORKER = "temporary_worker", _("Temporary foreign worker")
    STUDENT = "student", _("International student")
    VISITOR = "visitor", _("Visitor")
    REFUGEE_CLAIMANT = "refugee_claimant", _("Refugee claimant")
    PROTECTED_PERSON = "protected_person", _("Protected person")
    TRP_HOLDER = "trp_holder", _("Temporary resident permit holder")
    NO_STATUS = "no_status", _("No current status")
    UNKNOWN = "unknown", _("Unknown or not yet asked")


class PermitType(models.TextChoices):
    NONE = "", _("None")
    EMPLOYER_SPECIFIC = "employer_specific", _("Employer-specific work permit")
    OPEN_WORK = "open_work", _("Open work permit")
    VULNERABLE_WORKER_OWP = "owp_v", _("Open work permit for vulnerable workers")
    STUDY = "study", _("Study permit")
    TRP = "trp", _("Temporary resident permit")
    VISITOR_RECORD = "visitor_record", _("Visitor record")
    OTHER = "other", _("Other")


class Person(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="people")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The pseudonym is what lists and the dashboard show; staff choose it so
    # that it says nothing about the real person.
    pseudonym = models.CharField(_("pseudonym"), max_length=80, db_index=True)
    legal_name = EncryptedTextField(_("legal name"), blank=True)
    date_of_birth = EncryptedDateField(_("date of birth"), blank=True, null=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    email = EncryptedTextField(_("email"), blank=True)
    contact_notes = EncryptedTextField(_("safe contact and address"), blank=True)
    identity_document_number = EncryptedTextField(_("identity document number"), blank=True)
    permit_number = EncryptedTextField(_("permit number"), blank=True)
    nationality = EncryptedTextField(_("nationality"), blank=True)
    languages = EncryptedTextField(_("languages"), blank=True)
    immigration_status = models.CharField(
        _("immigration status"),
        max_length=20,
        choices=ImmigrationStatus.choices,
        default=ImmigrationStatus.UNKNOWN,
    )
    permit_type = models.CharField(
        _("permit type"), max_length=20, choices=PermitType.choices, blank=True, default=""
    )
    permit_expiry = models.DateField(_("permit expiry"), null=True, blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    document_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    permit_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pseudonym"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        # The dashboard's "permits expiring soon" reads people of one
        # organisation in expiry order.
        indexes = [models.Index(fields=["organisation", "permit_expiry"])]

    def __str__(self) -> str:
        return self.pseudonym

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_blind_indexes()
        super().save(*args, **kwargs)

    def refresh_blind_indexes(self) -> None:
        self.phone_index = phone_index_for(self.phone)
        self.document_index = document_index_for(self.identity_document_number)
        self.permit_index = document_index_for(self.permit_number)


def phone_index_for(raw: str) -> str:
    normalised = normalise_phone(raw or "")
    return blind_index("phone", normalised) if normalised else ""


def document_index_for(raw: str) -> str:
    normalised = normalise_document_number(raw or "")
    return blind_index("document", normalised) if normalised else ""


class CaseStatus(models.TextChoices):
    INTAKE = "intake", _("Intake")
    ACTIVE = "active", _("Active")
    ON_HOLD = "on_hold", _("On hold")
    CLOSED = "closed", _("Closed")


class ExploitationForm(models.TextChoices):
    LABOUR_TRAFFICKING = "labour_trafficking", _("Labour trafficking")
    SEXUAL_EXPLOITATION = "sexual_exploitation", _("Sexual exploitation")
    DOMESTIC_SERVITUDE = "domestic_servitude", _("Domestic servitude")
    FORCED_CRIMINALITY = "forced_criminality", _("Forced criminality")
    WORKER_AT_RISK = "worker_at_risk", _("Worker at risk (labour exploitation)")
    OTHER = "other", _("Other or not yet known")


class Sector(models.TextChoices):
    AGRICULTURE = "agriculture", _("Agriculture")
    FOOD_PROCESSING = "food_processing", _("Food processing")
    CONSTRUCTION = "construction", _("Construction")
    HOSPITALITY = "hospitality", _("Hospitality and food service")
    CARE_WORK = "care_work", _("Caregiving and domestic work")
    CLEANING = "cleaning", _("Cleaning")
    TRUCKING = "trucking", _("Trucking and transport")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    SEX_INDUSTRY = "sex_industry", _("Sex industry")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class Case(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cases")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    reference = models.CharField(_("reference"), max_length=20)
    status = models.CharField(
        _("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.INTAKE
    )
    assigned_to = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assigned staff"),
    )
    province = models.CharField(_("province"), max_length=2, choices=Province.choices)
    # Stored as "|a|b|" so that "has form X" is one portable LIKE on SQLite
    # and PostgreSQL alike; the list of forms is short and fixed.
    exploitation_forms = models.CharField(_("forms of exploitation"), max_length=200, blank=True)
    sector = models.CharField(
        _("sector"), max_length=20, choices=Sector.choices, default=Sector.UNKNOWN
    )
    summary = EncryptedTextField(_("summary"), blank=True)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_on", "-created_at"]
        verbose_name = _("case")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "reference"], name="unique_reference")
        ]
        indexes = [
            models.Index(fields=["organisation", "-opened_on", "-created_at"]),
            models.Index(fields=["organisation", "status"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def forms(self) -> list[str]:
        return [item for item in self.exploitation_forms.split("|") if item]

    @forms.setter
    def forms(self, values: list[str]) -> None:
        self.exploitation_forms = "|" + "|".join(sorted(set(values))) + "|" if values else ""

    def get_forms_display(self) -> list[str]:
        labels = dict(ExploitationForm.choices)
        return [str(labels.get(value, value)) for value in self.forms]


class Note(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = EncryptedTextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("note")

    def __str__(self) -> str:
        return f"note {self.pk}"
