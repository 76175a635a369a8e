"""Screening assessments: answers to indicator questions, per case.

Every assessment keeps the catalogue versions it was made with, so an old
assessment is always read against the catalogue of its day. Evidence notes
and who gave them are narrative: encrypted at rest.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from harbour.cases.models import Case
from harbour.core.fields import EncryptedTextField


class AssessmentStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class AnswerValue(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Don't know")
    DECLINED = "declined", _("Prefers not to say")


class Assessment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    catalogue_version = models.CharField(max_length=60)
    forced_labour_version = models.CharField(max_length=60)
    legal_elements_version = models.CharField(max_length=60)
    # The language the questions were asked in; it may differ from the staff
    # interface. A language code, so more languages need no migration.
    interview_language = models.CharField(_("interview language"), max_length=10, default="en")
    under_18 = models.BooleanField(_("under 18"), null=True, blank=True)
    came_to_canada_from_abroad = models.BooleanField(
        _("came to Canada from abroad"), null=True, blank=True
    )
    # Chooses the list that applies (sexual exploitation or labour); the ILO/EC
    # sexual-exploitation lists are pending, so True leads to the law-first path.
    sexual_exploitation = models.BooleanField(
        _("made to provide sexual services"), null=True, blank=True
    )
    status = models.CharField(
        max_length=12, choices=AssessmentStatus.choices, default=AssessmentStatus.IN_PROGRESS
    )
    # The reading when the assessment was completed, kept so the case can show
    # how readings changed without re-evaluating old catalogues on every view.
    reading_code = models.CharField(max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("screening assessment")

    def __str__(self) -> str:
        return f"assessment {self.pk}"


class Answer(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    indicator_id = models.CharField(max_length=120)
    value = models.CharField(max_length=10, choices=AnswerValue.choices)
    evidence = EncryptedTextField(_("evidence note"), blank=True)
    given_by = EncryptedTextField(_("who gave this information"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["indicator_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator_id"], name="one_answer_per_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}={self.value}"
